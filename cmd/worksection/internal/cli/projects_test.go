package cli

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/roster"
	"github.com/worksection-go/worksection/worksectiontest"
)

// membersAPI answers the project member, task subscriber and schedule
// actions (and enough of get_users for a roster) through httpmock, with
// the envelopes the API documents. The fake server does not serve these
// actions yet.
type membersAPI struct {
	mu       sync.Mutex
	users    []ws.UserRef
	projects map[string][]ws.UserRef
	updates  []string // update_users_schedule data
	calls    []string
}

func newMembersAPI() *membersAPI {
	john := ws.UserRef{ID: "3993", Email: "john.smith@acme.example", Name: "John Smith"}
	kate := ws.UserRef{ID: "3994", Email: "kate.greenway@acme.example", Name: "Kate Greenway"}
	return &membersAPI{users: []ws.UserRef{john, kate}, projects: map[string][]ws.UserRef{"26": {john}}}
}

func (m *membersAPI) install(h *harness) {
	tr := httpmock.NewMockTransport()
	tr.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		return httpmock.NewJsonResponse(200, m.serve(r.URL.Query()))
	})
	h.env[envAccountURL], h.env[envAPIKey] = "https://acme.worksection.com", "key"
	h.options = []ws.Option{ws.WithHTTPClient(&http.Client{Transport: tr})}
}

func fail(code int, msg, details string) map[string]any {
	return map[string]any{"status": "error", "status_code": code, "message": msg, "message_details": details}
}

func ok(data any) map[string]any { return map[string]any{"status": "ok", "data": data} }

func (m *membersAPI) serve(q map[string][]string) map[string]any {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	action := get("action")
	m.calls = append(m.calls, action)
	switch action {
	case "get_users":
		var out []map[string]string
		for _, u := range m.users {
			out = append(out, map[string]string{"id": string(u.ID), "email": u.Email, "name": u.Name})
		}
		return ok(out)
	case "get_user_groups":
		return ok([]any{})
	case "add_user":
		u := ws.UserRef{ID: ws.ID("5" + string(rune('0'+len(m.users)))), Email: get("email")}
		m.users = append(m.users, u)
		return ok(map[string]string{"id": string(u.ID), "email": u.Email})
	case "get_project":
		members, found := m.projects[get("id_project")]
		if !found {
			return fail(4, "Project is invalid", "")
		}
		return ok(map[string]any{"id": get("id_project"), "users": members})
	case "add_project_members", "delete_project_members":
		id := get("id_project")
		if _, found := m.projects[id]; !found {
			return fail(4, "Project is invalid", "")
		}
		for _, e := range strings.Split(get("members"), ",") {
			i := slices.IndexFunc(m.users, func(u ws.UserRef) bool { return roster.SameEmail(u.Email, e) })
			if i < 0 {
				return fail(11, "Invalid email", e)
			}
			at := slices.IndexFunc(m.projects[id], func(u ws.UserRef) bool { return u.ID == m.users[i].ID })
			switch {
			case action == "add_project_members" && at < 0:
				m.projects[id] = append(m.projects[id], m.users[i])
			case action == "delete_project_members" && at >= 0:
				m.projects[id] = slices.Delete(m.projects[id], at, at+1)
			}
		}
		return map[string]any{"status": "ok"}
	case "get_task":
		if get("id_task") != "1201" {
			return fail(5, "Task is invalid", "")
		}
		return ok(map[string]any{"id": "1201", "subscribers": m.users[:1]})
	case "get_users_schedule":
		return ok(map[string]any{"3994": map[string]any{"id": "3994", "email": "kate.greenway@acme.example", "name": "Kate Greenway",
			"group": "Development", "schedule": map[string]string{"2026-12-28": "vacation", "2026-12-01": "sick-leave"}}})
	case "update_users_schedule":
		m.updates = append(m.updates, get("data"))
		return map[string]any{"status": "ok", "data": []any{}, "message": "Days added: 1, days updated: 0"}
	}
	return fail(1, "Action is invalid", "")
}

func TestProjectMembers(t *testing.T) {
	t.Parallel()
	api := newMembersAPI()
	h := newHarness(t, nil)
	api.install(h)
	h.tty = true
	r := h.run("projects", "members", "list", "26")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "ID    EMAIL                    NAME\n3993  john.smith@acme.example  John Smith\n", r.stdout)

	r = h.run("projects", "members", "add", "26", "--email", "kate.greenway@acme.example", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "ID,EMAIL,NAME\n3993,john.smith@acme.example,John Smith\n3994,kate.greenway@acme.example,Kate Greenway\n", r.stdout,
		"prints the members read back")

	r = h.run("projects", "members", "remove", "26", "--email", "john.smith@acme.example", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var refs []ws.UserRef
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &refs))
	assert.Equal(t, []ws.UserRef{{ID: "3994", Email: "kate.greenway@acme.example", Name: "Kate Greenway"}}, refs)

	oneErrorLine(t, h.run("projects", "members", "add", "26", "--email", "nobody@x.example"), "worksection: nobody@x.example is not a member of the account")
	oneErrorLine(t, h.run("projects", "members", "list", "99"), "Project is invalid")
	oneErrorLine(t, h.run("projects", "members", "list", "abc"), `project id "abc" is not a number`)
	oneErrorLine(t, h.run("projects", "members", "add", "26"), `required flag(s) "email" not set`)
}

func TestTaskSubscribers(t *testing.T) {
	t.Parallel()
	api := newMembersAPI()
	h := newHarness(t, nil)
	api.install(h)
	r := h.run("task", "subscribers", "1201", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "ID,EMAIL,NAME\n3993,john.smith@acme.example,John Smith\n", r.stdout)
	oneErrorLine(t, h.run("task", "subscribers", "7"), "Task is invalid")
}

func TestSchedule(t *testing.T) {
	t.Parallel()
	api := newMembersAPI()
	h := newHarness(t, nil)
	api.install(h)
	h.tty = true
	r := h.run("schedule", "get", "--users", "kate.greenway@acme.example", "--from", "2026-12-01", "--to", "31.12.2026")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, ""+
		"USER  EMAIL                       NAME           DATE        KIND\n"+
		"3994  kate.greenway@acme.example  Kate Greenway  2026-12-01  sick-leave\n"+
		"3994  kate.greenway@acme.example  Kate Greenway  2026-12-28  vacation\n", r.stdout)

	r = h.run("schedule", "set", "--user", "kate.greenway@acme.example", "--date", "2026-12-24", "--kind", "vacation", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `{"added":1,"updated":0,"message":"Days added: 1, days updated: 0"}`, r.stdout)
	require.Len(t, api.updates, 1)
	assert.JSONEq(t, `{"kate.greenway@acme.example":{"24.12.2026":"vacation"}}`, api.updates[0])

	oneErrorLine(t, h.run("schedule", "set", "--user", "kate.greenway@acme.example", "--date", "2026-13-01", "--kind", "vacation"), "not a date")
	oneErrorLine(t, h.run("schedule", "set", "--user", "kate.greenway@acme.example", "--date", "2026-12-01", "--kind", "holiday"))
	oneErrorLine(t, h.run("schedule", "set", "--user", "kate.greenway@acme.example", "--date", "2026-12-01"), `"kind" not set`)
}

func TestSyncProjects(t *testing.T) {
	t.Parallel()
	api := newMembersAPI()
	h := newHarness(t, nil)
	api.install(h)
	people := writeCSV(t, "email,projects\n"+
		"john.smith@acme.example,26\n"+ // already on 26
		"kate.greenway@acme.example,26\n"+ // a member, not on 26
		"new@acme.example,26 99\n") // new; 99 does not exist
	h.tty = true
	r := h.run("sync", "plan", "--from", people)
	oneErrorLine(t, r, "1 project step refused (first: line 4: new@acme.example: project 99: Project is invalid)")
	assert.Regexp(t, `(?m)^invite +new@acme.example `, r.stdout, "the person is still invited")
	assert.Regexp(t, `(?m)^add to project +26 +- +- +kate.greenway@acme.example, new@acme.example$`, r.stdout)
	assert.Regexp(t, `(?m)^refuse project +line 4 .*new@acme.example: project 99: Project is invalid$`, r.stdout)
	assert.Equal(t, 1, strings.Count(r.stdout, "99"), "the refusal is listed once")

	api.calls = nil
	r = h.run("sync", "apply", "--yes", "--from", people, "-o", "json")
	assert.Equal(t, 1, r.code, "a refused row: exit 1")
	assert.Equal(t, []string{"get_users", "get_user_groups", "get_project", "get_project", "add_user", "add_project_members"}, api.calls,
		"two reads, one read per listed project, one call per invite and per project")
	var res applyResult
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	require.Len(t, res.Done, 2)
	assert.Equal(t, roster.Outcome{Action: roster.ActionAddToProject, Target: "26", Emails: []string{"kate.greenway@acme.example", "new@acme.example"},
		Status: roster.StatusDone}, res.Done[1])
	assert.Equal(t, roster.Outcome{Action: roster.ActionInvite, Target: "new@acme.example", Emails: []string{}, Status: roster.StatusDone}, res.Done[0],
		"the person whose project 99 is refused is invited")
	require.Len(t, res.Problems, 1, "and the refusal is reported once")
	assert.Equal(t, ws.ID("99"), res.Problems[0].Project)
	assert.Empty(t, res.Failed)

	r = h.run("sync", "apply", "--yes", "--from", people, "-o", "table")
	assert.Equal(t, 1, strings.Count(r.stdout, "99"), "once in the table too: %s", r.stdout)
	assert.Regexp(t, `(?m)^refuse project +line 4 +refused +new@acme.example: project 99: Project is invalid$`, r.stdout)

	api.calls = nil
	r = h.run("sync", "plan", "--from", writeCSV(t, "email,projects\nkate.greenway@acme.example,26\nnew@acme.example,26\n"))
	assert.Equal(t, 0, r.code, "nothing left to do: %s", r.stdout)
}

func TestMembersCommandsAgainstFake(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.tty = true

	r := h.run("projects", "members", "list", "27")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^ID +EMAIL +NAME\n3993 +john.smith@acme.example +John Smith\n4000 +ann.auditor@acme.example +Ann Auditor\n$`, r.stdout)

	r = h.run("projects", "members", "add", "--project", "28", "--email", "peter@northwind.example,liam.obrien@acme.example")
	require.Equal(t, 0, r.code, r.stderr)
	assert.ElementsMatch(t, []string{"peter@northwind.example", "liam.obrien@acme.example"}, srv.ProjectMembers("28"))
	r = h.run("projects", "members", "remove", "28", "--email", "liam.obrien@acme.example", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "ID,EMAIL,NAME\n3999,peter@northwind.example,Peter Novak\n", r.stdout)
	assert.Equal(t, []string{"peter@northwind.example"}, srv.ProjectMembers("28"))

	r = h.run("task", "subscribers", "--task", "1201", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "ID,EMAIL,NAME\n3993,john.smith@acme.example,John Smith\n3994,kate.greenway@acme.example,Kate Greenway\n", r.stdout)

	r = h.run("schedule", "get", "--users", "3995", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `[{"user_id":"3995","email":"oleg.koval@acme.example","name":"Олег Коваль","group":"Development","department":"Backend",
		"days":[{"date":"2026-03-02","kind":"sick-leave"},{"date":"2026-03-07","kind":"workday"}]}]`, r.stdout)
	r = h.run("schedule", "get", "--users", "3995")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `(?m)^3995 +oleg.koval@acme.example +Олег Коваль +2026-03-02 +sick-leave$`, r.stdout)
	assert.Regexp(t, `(?m)^3995 +oleg.koval@acme.example +Олег Коваль +2026-03-07 +workday$`, r.stdout)

	r = h.run("schedule", "set", "--user", "yuki.tanaka@acme.example", "--date", "2026-12-24", "--kind", "unset")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, map[string]string{"2026-12-31": "vacation"}, srv.Schedule("3998"))
	r = h.run("schedule", "set", "--user", "3998", "--date", "02.01.2027", "--kind", "sick-leave", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "sick-leave", srv.Schedule("3998")["2027-01-02"])
}
