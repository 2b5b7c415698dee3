package roster

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/webasyst/webasysttest"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestLoadAndApply(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	desired := []Person{
		{Email: "KATE.GREENWAY@acme.example"}, // a member
		{Email: "new1@acme.example", FirstName: "New", LastName: "One", Team: "Sales", Role: ws.RoleGuest},
		{Email: "new2@acme.example", Team: "sales", Department: "EMEA", Title: "Rep"},
		{Email: "new3@acme.example", Team: "Development"},
	}
	p, err := Load(ctx, c, desired)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.ActionCount("get_users"))
	assert.Equal(t, 1, srv.ActionCount("get_user_groups"))
	assert.Equal(t, []string{"Sales"}, p.CreateTeams)
	assert.Len(t, p.Invite, 3)
	assert.Len(t, p.Unmanaged, len(worksectiontest.DefaultSeed().Users)-1)

	var progress []Progress
	r, err := Apply(ctx, c, p, ApplyOptions{Progress: func(pr Progress) { progress = append(progress, pr) }})
	require.NoError(t, err)
	assert.Len(t, r.Done, 4)
	assert.Empty(t, r.Failed)
	assert.Empty(t, r.Skipped)
	assert.Equal(t, 1, srv.ActionCount("add_user_group"), "one call per team")
	assert.Equal(t, 3, srv.ActionCount("add_user"), "one call per invite")
	assert.Equal(t, 1, srv.ActionCount("get_users"), "no reads besides Load's")
	require.Len(t, progress, 4)
	assert.Equal(t, Progress{Done: 4, Total: 4, Outcome: r.Done[3]}, progress[3])

	u := findUser(srv.Users(), "new2@acme.example")
	require.NotNil(t, u)
	assert.Equal(t, "Sales", u.Group)
	assert.Equal(t, "EMEA", u.Department)
	assert.Equal(t, ws.RoleGuest, findUser(srv.Users(), "new1@acme.example").Role)

	again, err := Load(ctx, c, desired)
	require.NoError(t, err)
	assert.False(t, again.HasChanges(), "a second run has nothing to do")
	assert.Len(t, again.Members, 4)
}

func TestApplyContinuesPastFailures(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	// A stale plan: it invites someone who is already a member.
	p := Diff([]Person{{Email: "a@x.example"}, {Email: "john.smith@acme.example"}, {Email: "b@x.example"}}, nil, nil)
	r, err := Apply(context.Background(), srv.Client(), p, ApplyOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a@x.example", "b@x.example"}, targets(r.Done))
	require.Len(t, r.Failed, 1)
	assert.Equal(t, "john.smith@acme.example", r.Failed[0].Target)
	assert.Contains(t, r.Failed[0].Reason, "User already exists")
	var apiErr *ws.APIError
	assert.ErrorAs(t, r.Failed[0].Err, &apiErr)
}

func TestApplyGuardRail(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	var many []Person
	for i := range DefaultMaxInvites + 1 {
		many = append(many, Person{Email: "p" + string(rune('a'+i%26)) + itoa3(i) + "@x.example"})
	}
	p := Diff(many, nil, nil)
	require.Len(t, p.Invite, DefaultMaxInvites+1)
	_, err := Apply(context.Background(), srv.Client(), p, ApplyOptions{})
	require.ErrorIs(t, err, ErrTooManyInvites)
	assert.Contains(t, err.Error(), "invites 101 people, more than the limit of 100")
	_, err = Apply(context.Background(), srv.Client(), Diff(many[:3], nil, nil), ApplyOptions{MaxInvites: 2})
	require.ErrorIs(t, err, ErrTooManyInvites)
	assert.Zero(t, srv.ActionCount("add_user"), "refused before any call")

	r, err := Apply(context.Background(), srv.Client(), Diff(many[:3], nil, nil), ApplyOptions{MaxInvites: 3})
	require.NoError(t, err)
	assert.Len(t, r.Done, 3)
}

func TestApplyCanceled(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	p := Diff([]Person{{Email: "a@x.example"}, {Email: "b@x.example"}}, nil, nil)
	r, err := Apply(ctx, srv.Client(), p, ApplyOptions{Progress: func(Progress) { cancel() }})
	require.ErrorIs(t, err, context.Canceled)
	assert.Len(t, r.Done, 1)
	require.Len(t, r.Skipped, 1)
	assert.Equal(t, "b@x.example", r.Skipped[0].Target)
}

// The step in flight when ctx ends is reported as interrupted, not
// failed; the steps after it as skipped.
func TestApplyInterruptedStep(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("add_user", 1, worksectiontest.Delay(time.Minute)) // the first invitation hangs
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(300*time.Millisecond, cancel)
	p := Diff([]Person{{Email: "a@x.example"}, {Email: "b@x.example"}}, nil, nil)
	r, err := Apply(ctx, srv.Client(), p, ApplyOptions{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, r.Failed)
	require.Len(t, r.Interrupted, 1)
	assert.Equal(t, StatusInterrupted, r.Interrupted[0].Status)
	assert.Equal(t, "a@x.example", r.Interrupted[0].Target)
	require.Len(t, r.Skipped, 1)
	assert.Equal(t, "b@x.example", r.Skipped[0].Target)
}

func TestFromWebasyst(t *testing.T) {
	t.Parallel()
	s := FromWebasyst(webasysttest.DefaultTeam())
	require.Len(t, s.People, 6)
	assert.Equal(t, Person{Email: "carlos.diaz@webasyst.example", FirstName: "Carlos", LastName: "Díaz", Title: "Designer",
		Team: "Design", Role: ws.RoleUser}, s.People[1])
	assert.Equal(t, Person{Email: "eve@webasyst.example", FirstName: "Eve", Role: ws.RoleUser}, s.People[4])
	srv := worksectiontest.NewServer()
	defer srv.Close()
	p, err := s.Load(context.Background(), srv.Client())
	require.NoError(t, err)
	assert.Equal(t, []string{"kate.greenway@acme.example"}, lower(emails(p.Members)))
	require.Len(t, p.Problems, 1)
	assert.Equal(t, Problem{Row: 6, Name: "Bob", Reason: "no email"}, p.Problems[0])
}

func findUser(users []ws.User, email string) *ws.User {
	for i := range users {
		if SameEmail(users[i].Email, email) {
			return &users[i]
		}
	}
	return nil
}

func targets(os []Outcome) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Target
	}
	return out
}

func lower(ss []string) []string {
	for i, s := range ss {
		ss[i] = emailKey(s)
	}
	return ss
}

func itoa3(i int) string {
	return string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
}

func TestApplyLeavesFailedInviteesOutOfProjects(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("add_user", 1, worksectiontest.ServerError(501)) // not retried: the first invitation fails
	p := Diff([]Person{
		{Email: "a@x.example", Projects: []ws.ID{"26"}},
		{Email: "kate.greenway@acme.example", Projects: []ws.ID{"26"}},
		{Email: "c@x.example", Projects: []ws.ID{"27"}},
	}, srv.Users(), srv.UserGroups())
	var last Progress
	r, err := Apply(context.Background(), srv.Client(), p, ApplyOptions{Progress: func(pr Progress) { last = pr }})
	require.NoError(t, err)
	require.NotEmpty(t, r.Failed)
	assert.Equal(t, Outcome{Action: ActionInvite, Target: "a@x.example"}, Outcome{Action: r.Failed[0].Action, Target: r.Failed[0].Target})
	require.Len(t, r.Skipped, 1)
	assert.Equal(t, Outcome{Action: ActionAddToProject, Target: "26", Emails: []string{"a@x.example"}, Status: StatusSkipped,
		Reason: "not invited"}, r.Skipped[0])
	var sent []string
	for _, req := range srv.Requests() {
		if req.Action == "add_project_members" {
			sent = append(sent, req.Params.Get("id_project")+":"+req.Params.Get("members"))
		}
	}
	assert.Equal(t, []string{"26:kate.greenway@acme.example", "27:c@x.example"}, sent,
		"one call per project, without the person whose invitation failed")
	assert.Equal(t, 5, last.Total, "two invitations, two projects, and the split-off part of project 26")
	assert.Equal(t, last.Done, last.Total)
}

func TestProjectsAgainstFake(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	desired := []Person{
		{Email: "kate.greenway@acme.example", Projects: []ws.ID{"26"}}, // already on 26
		{Email: "liam.obrien@acme.example", Projects: []ws.ID{"26"}},
		{Email: "new@acme.example", Projects: []ws.ID{"26", "28", "99"}}, // 99 does not exist
	}
	p, err := Load(ctx, c, desired)
	require.NoError(t, err)
	assert.Equal(t, []ProjectChange{
		{ProjectID: "26", Emails: []string{"liam.obrien@acme.example", "new@acme.example"}, rows: []int{2, 3}},
		{ProjectID: "28", Emails: []string{"new@acme.example"}, rows: []int{3}},
	}, p.AddToProjects)
	require.Len(t, p.Problems, 1)
	assert.Equal(t, Problem{Row: 3, Email: "new@acme.example", Project: "99", Reason: "project 99: Project is invalid"}, p.Problems[0])
	assert.Equal(t, 3, srv.ActionCount("get_project"), "one read per listed project")

	r, err := Apply(ctx, c, p, ApplyOptions{})
	require.NoError(t, err)
	assert.Len(t, r.Done, 3)
	assert.Equal(t, 2, srv.ActionCount("add_project_members"), "one call per project")
	assert.Contains(t, srv.ProjectMembers("26"), "liam.obrien@acme.example")
	assert.Contains(t, srv.ProjectMembers("26"), "new@acme.example")
	assert.Equal(t, []string{"new@acme.example"}, srv.ProjectMembers("28"))

	again, err := Load(ctx, c, desired)
	require.NoError(t, err)
	assert.False(t, again.HasChanges())
}
