package worksectiontest

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetProjectUsers(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	_, env := md5Call(t, srv, "action=get_project&id_project=27&extra=users")
	require.Equal(t, "ok", env.Status, env.Message)
	assert.JSONEq(t, `{"id":"27","name":"Finance","page":"/project/27/","status":"active","company":"Acme",
		"user_from":{"id":"3993","email":"john.smith@acme.example","name":"John Smith"},
		"user_to":{"id":"3993","email":"john.smith@acme.example","name":"John Smith"},
		"text":"","date_added":"2024-01-15 10:00","date_start":"","date_end":"",
		"options":{"allow_close":1,"allow_give":1,"allow_term":0,"allow_limit":0,"require_term":0,"require_tag":0,
		"require_limit":0,"require_hidden":0,"deny_comments_edit":0,"deny_task_edit":0,"deny_task_delete":0,
		"time_require":0,"time_today":0,"timer_only":0},"max_time":0,"max_money":0,"tags":[],"users":[
		{"id":"3993","email":"john.smith@acme.example","name":"John Smith"},
		{"id":"4000","email":"ann.auditor@acme.example","name":"Ann Auditor"}]}`, string(env.Data))

	_, env = md5Call(t, srv, "action=get_project&id_project=28&extra=users")
	assert.Contains(t, string(env.Data), `"company":"Northwind Traders",`)
	assert.Contains(t, string(env.Data), `"users":[]`)
	_, env = md5Call(t, srv, "action=get_project&id_project=27")
	assert.NotContains(t, string(env.Data), "users", "users only with extra=users")

	_, env = md5Call(t, srv, "action=get_project&id_project=999&extra=users")
	assert.Equal(t, envelope{Status: "error", StatusCode: 4, Message: "Project is invalid"}, env)
	_, env = md5Call(t, srv, "action=get_project")
	assert.Equal(t, envelope{Status: "error", StatusCode: 10, Message: "Field is required", MessageDetails: "id_project"}, env)
}

func TestProjectMembers(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	add := "action=add_project_members&id_project=28&members=yuki.tanaka%40acme.example%2CLIAM.obrien%40acme.example"
	for range 2 { // adding twice leaves the same state
		status, b := rawBytes(t, "POST", srv.URL+"/api/admin/v2/?"+add+"&hash="+md5hex(add+docKey), nil, "")
		require.Equal(t, 200, status)
		require.Equal(t, `{"status":"ok"}`, string(b))
		assert.Equal(t, []string{"yuki.tanaka@acme.example", "liam.obrien@acme.example"}, srv.ProjectMembers("28"))
	}

	// One email that is not an account member: nothing changes.
	status, env := md5Call(t, srv, "action=add_project_members&id_project=28&members=maria.garcia%40acme.example%2Cstranger%40else.example")
	assert.Equal(t, 200, status)
	assert.Equal(t, envelope{Status: "error", StatusCode: 11, Message: "Invalid email", MessageDetails: "stranger@else.example"}, env)
	_, env = md5Call(t, srv, "action=delete_project_members&id_project=28&members=contact%40dragonfly.example")
	assert.Equal(t, envelope{Status: "error", StatusCode: 11, Message: "Invalid email", MessageDetails: "contact@dragonfly.example"}, env)
	assert.Equal(t, []string{"yuki.tanaka@acme.example", "liam.obrien@acme.example"}, srv.ProjectMembers("28"))

	_, env = md5Call(t, srv, "action=add_project_members&id_project=999&members=yuki.tanaka%40acme.example")
	assert.Equal(t, envelope{Status: "error", StatusCode: 4, Message: "Project is invalid"}, env)
	_, env = md5Call(t, srv, "action=add_project_members&id_project=28")
	assert.Equal(t, envelope{Status: "error", StatusCode: 10, Message: "Field is required", MessageDetails: "members"}, env)

	// Removing twice leaves the same state; so does removing a non-member of the project.
	for range 2 {
		_, env = hmacCall(t, srv, "delete_project_members", `{"id_project":28,"members":"yuki.tanaka@acme.example,john.smith@acme.example"}`)
		require.Equal(t, "ok", env.Status, env.Message)
		assert.Equal(t, []string{"liam.obrien@acme.example"}, srv.ProjectMembers("28"))
	}
	assert.Nil(t, srv.ProjectMembers("999"))
	got := srv.ProjectMembers("28")
	got[0] = "changed"
	assert.Equal(t, []string{"liam.obrien@acme.example"}, srv.ProjectMembers("28"), "the accessor returns a copy")
}

func TestTaskSubscribersShape(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	_, env := md5Call(t, srv, "action=get_task&id_task=1201&extra=subscribers")
	require.Equal(t, "ok", env.Status, env.Message)
	assert.JSONEq(t, `{"id":"1201","name":"Launch the website","page":"/project/26/1201/","status":"active","priority":"1",
		"user_from":{"id":"3993","email":"john.smith@acme.example","name":"John Smith"},
		"user_to":{"id":"3993","email":"john.smith@acme.example","name":"John Smith"},
		"project":{"id":"26","name":"Website relaunch","page":"/project/26/"},
		"text":"","date_added":"2024-01-15 10:00","date_start":"","date_end":"","time_start":"","time_end":"",
		"max_time":0,"max_money":0,"files":[],"has_comments":0,"comments":[],
		"subscribers":[{"id":"3993","email":"john.smith@acme.example","name":"John Smith"},
		{"id":"3994","email":"kate.greenway@acme.example","name":"Kate Greenway"}],
		"relations":{"from":[],"to":[]},"child":[]}`, string(env.Data), "every key of the recorded get_task")
	_, env = md5Call(t, srv, "action=get_task&id_task=1203&extra=subscribers")
	assert.Contains(t, string(env.Data), `"subscribers":[]`)
	_, env = md5Call(t, srv, "action=get_task&id_task=1203")
	assert.NotContains(t, string(env.Data), "subscribers")
	_, env = md5Call(t, srv, "action=get_task&id_task=999&extra=subscribers")
	assert.Equal(t, envelope{Status: "error", StatusCode: 5, Message: "Task is invalid"}, env)
}

func TestGetUsersSchedule(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	_, b := rawBytes(t, "POST", srv.URL+"/api/admin/v2/?action=get_users_schedule&hash="+md5hex("action=get_users_schedule"+docKey), nil, "")
	assert.Regexp(t, `^\{"status":"ok","data":\{"3993":\{"id":"3993","email":"john.smith@acme.example","name":"John Smith",`+
		`"group":"Management","department":"","schedule":\[\]\},"3994":\{`, string(b), "an object keyed by id, in account order")

	_, env := md5Call(t, srv, "action=get_users_schedule&users=kate.greenway%40acme.example%2C3995&datestart=01.03.2026&dateend=06.07.2026")
	require.Equal(t, "ok", env.Status, env.Message)
	assert.JSONEq(t, `{
		"3994":{"id":"3994","email":"kate.greenway@acme.example","name":"Kate Greenway","group":"Development","department":"",
			"schedule":{"2026-07-06":"vacation"}},
		"3995":{"id":"3995","email":"oleg.koval@acme.example","name":"Олег Коваль","group":"Development","department":"Backend",
			"schedule":{"2026-03-02":"sick-leave","2026-03-07":"workday"}}}`, string(env.Data), "dates are inclusive")

	_, env = md5Call(t, srv, "action=get_users_schedule&users=3998&datestart=25.12.2026")
	assert.JSONEq(t, `{"3998":{"id":"3998","email":"yuki.tanaka@acme.example","name":"Yuki Tanaka","group":"Design","department":"UX",
		"schedule":{"2026-12-31":"vacation"}}}`, string(env.Data))

	for q, want := range map[string]envelope{
		"action=get_users_schedule&datestart=2026-03-01": {Status: "error", StatusCode: 11, Message: "Invalid date", MessageDetails: "2026-03-01"},
		"action=get_users_schedule&users=9999":           {Status: "error", StatusCode: 11, Message: "Invalid user", MessageDetails: "9999"},
		"action=get_users_schedule&users=x%40y.example":  {Status: "error", StatusCode: 11, Message: "Invalid email", MessageDetails: "x@y.example"},
	} {
		_, env = md5Call(t, srv, q)
		assert.Equal(t, want, env, q)
	}

	empty := NewServer(WithAPIKey(docKey), Empty())
	defer empty.Close()
	_, b = rawBytes(t, "POST", empty.URL+"/api/admin/v2/?action=get_users_schedule&hash="+md5hex("action=get_users_schedule"+docKey), nil, "")
	assert.Equal(t, `{"status":"ok","data":[]}`, string(b), "PHP's empty array")
}

func TestUpdateUsersSchedule(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	data := `{"yuki.tanaka@acme.example":{"07.06.2026":"vacation","2026-12-24":"sick-leave"},"3995":{"02.03.2026":"unset","03.03.2026":"unset"}}`
	q := "action=update_users_schedule&data=" + phpEncode(data)
	_, b := rawBytes(t, "POST", srv.URL+"/api/admin/v2/?"+q+"&hash="+md5hex(q+docKey), nil, "")
	// 07.06 is new (added); 24.12 changes kind and 02.03 is unset (updated);
	// 03.03 had nothing to unset (neither).
	assert.Equal(t, `{"status":"ok","data":[],"message":"Days added: 1, days updated: 2"}`, string(b))
	want3998 := map[string]string{"2026-06-07": "vacation", "2026-12-24": "sick-leave", "2026-12-31": "vacation"}
	want3995 := map[string]string{"2026-03-07": "workday"}
	assert.Equal(t, want3998, srv.Schedule("3998"))
	assert.Equal(t, want3995, srv.Schedule("3995"))

	// The same request again leaves the same state; marked days count as updated.
	_, env := md5Call(t, srv, q)
	assert.Equal(t, envelope{Status: "ok", Message: "Days added: 0, days updated: 2", Data: []byte("[]")}, env)
	assert.Equal(t, want3998, srv.Schedule("3998"))

	// Every change is checked before any is applied.
	for data, want := range map[string]envelope{
		`{"3997":{"01.01.2026":"vacation"},"3998":{"01.01.2026":"holiday"}}`: {Status: "error", StatusCode: 11, Message: "Invalid value", MessageDetails: "holiday"},
		`{"3997":{"01.01.2026":"vacation","31.02.2026":"vacation"}}`:         {Status: "error", StatusCode: 11, Message: "Invalid date", MessageDetails: "31.02.2026"},
		`{"3997":{"01.01.2026":"vacation"},"nobody@x.example":{}}`:           {Status: "error", StatusCode: 11, Message: "Invalid email", MessageDetails: "nobody@x.example"},
		`not json`: {Status: "error", StatusCode: 11, Message: "Invalid data", MessageDetails: "data"},
		``:         {Status: "error", StatusCode: 10, Message: "Field is required", MessageDetails: "data"},
	} {
		_, env = md5Call(t, srv, "action=update_users_schedule&data="+phpEncode(data))
		assert.Equal(t, want, env, data)
	}
	assert.Equal(t, map[string]string{}, srv.Schedule("3997"))
	assert.Nil(t, srv.Schedule("9999"))

	// The vendor's shape sends data as a nested object.
	_, env = hmacCall(t, srv, "update_users_schedule", `{"data":{"liam.obrien@acme.example":{"2026-08-03":"workday"}}}`)
	assert.Equal(t, "Days added: 1, days updated: 0", env.Message)
	assert.Equal(t, map[string]string{"2026-08-03": "workday"}, srv.Schedule("3997"))

	_, env = md5Call(t, srv, "action=get_users_schedule&users=3997&"+url.Values{"datestart": {"03.08.2026"}, "dateend": {"03.08.2026"}}.Encode())
	assert.JSONEq(t, `{"3997":{"id":"3997","email":"liam.obrien@acme.example","name":"Liam O'Brien","group":"Development",
		"department":"Backend","schedule":{"2026-08-03":"workday"}}}`, string(env.Data), "read back")
}
