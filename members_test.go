package worksection

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected queries and hashes were computed outside Go (PHP-style
// urlencode, md5 of query+key).

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestGetUsersSchedule(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_users_schedule.json"))
	got, err := c.GetUsersSchedule(context.Background(), ScheduleQuery{Users: []string{"kate.greenway@acme.example", "3993"},
		Start: date("2021-06-07"), End: date("2021-06-13")})
	require.NoError(t, err)
	assert.Equal(t, "action=get_users_schedule&users=kate.greenway%40acme.example%2C3993&datestart=07.06.2021&dateend=13.06.2021&hash=cfcaf4f93b755c0723b890a30f7d8e1c",
		rec.last(t).URL.RawQuery)
	assert.Equal(t, []UserSchedule{
		{UserID: "3993", Email: "john.smith@acme.example", Name: "John Smith", Group: "Management"},
		{UserID: "3994", Email: "kate.greenway@acme.example", Name: "Kate Greenway", Group: "Development", Days: []ScheduleDay{
			{Date: date("2021-06-07"), Kind: DayVacation}, {Date: date("2021-06-08"), Kind: DayVacation},
			{Date: date("2021-06-12"), Kind: DaySickLeave}}},
	}, got, "sorted by user id, days by date, PHP's [] as no days")

	rec = respond(mt, http.MethodGet, adminURL, 200, `{"status":"ok","data":[]}`)
	got, err = c.GetUsersSchedule(context.Background(), ScheduleQuery{})
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, "action=get_users_schedule&hash=", rec.last(t).URL.RawQuery[:len("action=get_users_schedule&hash=")], "zero times and no users are omitted")
}

func TestUpdateUsersSchedule(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodPost, adminURL, 200, fixture(t, "update_users_schedule.json"))
	got, err := c.UpdateUsersSchedule(context.Background(), []ScheduleChange{
		{User: "kate.greenway@acme.example", Date: date("2021-06-07"), Kind: DayVacation},
		{User: "3993", Date: date("2021-06-12"), Kind: DayUnset},
		{User: "kate.greenway@acme.example", Date: date("2021-06-08"), Kind: DayVacation},
	})
	require.NoError(t, err)
	assert.Equal(t, &ScheduleUpdate{Added: 2, Updated: 1, Message: "Days added: 2, days updated: 1"}, got)
	assert.Equal(t, "action=update_users_schedule&data=%7B%22kate.greenway%40acme.example%22%3A%7B%2207.06.2021%22%3A%22vacation%22%2C%2208.06.2021%22%3A%22vacation%22%7D%2C%223993%22%3A%7B%2212.06.2021%22%3A%22unset%22%7D%7D&hash=a0bfade3968db4bf5ca08a34d714ed9c",
		rec.last(t).URL.RawQuery)
}

func TestProjectMembers(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodPost, adminURL, 200, `{"status":"ok"}`)
	require.NoError(t, c.AddProjectMembers(context.Background(), ProjectMembersParams{ProjectID: "26", Emails: []string{"a@x.example", "b@x.example"}}))
	assert.Equal(t, "action=add_project_members&id_project=26&members=a%40x.example%2Cb%40x.example&hash=06c2a81a1d61eb04b5fe7dd693787000", rec.last(t).URL.RawQuery)
	require.NoError(t, c.DeleteProjectMembers(context.Background(), ProjectMembersParams{ProjectID: "26", Emails: []string{"a@x.example"}}))
	assert.Equal(t, "action=delete_project_members&id_project=26&members=a%40x.example&hash=5ca1024855e52003b1dc97650e11cb7a", rec.last(t).URL.RawQuery)

	respond(mt, http.MethodPost, adminURL, 200, fixture(t, "error_member_invalid_email.json"))
	err := c.AddProjectMembers(context.Background(), ProjectMembersParams{ProjectID: "26", Emails: []string{"stranger@example.com"}})
	assert.ErrorIs(t, err, ErrInvalidEmail)
	assert.Contains(t, err.Error(), "stranger@example.com")

	rec = respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_project_users.json"))
	members, err := c.GetProjectMembers(context.Background(), "26")
	require.NoError(t, err)
	assert.Equal(t, "action=get_project&id_project=26&extra=users&hash=a63c02836c196db4a83df88f74f04b8b", rec.last(t).URL.RawQuery)
	assert.Equal(t, []UserRef{{ID: "3993", Email: "john.smith@acme.example", Name: "John Smith"},
		{ID: "3994", Email: "kate.greenway@acme.example", Name: "Kate Greenway"}}, members)

	respond(mt, http.MethodGet, adminURL, 200, fixture(t, "error_project_invalid.json"))
	_, err = c.GetProjectMembers(context.Background(), "99")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestGetTaskSubscribers(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_task_subscribers.json"))
	subs, err := c.GetTaskSubscribers(context.Background(), "1201")
	require.NoError(t, err)
	assert.Equal(t, "action=get_task&id_task=1201&extra=subscribers&hash=8e3bd206f3f71495f79723af8f83c5da", rec.last(t).URL.RawQuery)
	assert.Equal(t, []UserRef{{ID: "3998", Email: "yuki.tanaka@acme.example", Name: "Yuki Tanaka"}}, subs)

	respond(mt, http.MethodGet, adminURL, 200, fixture(t, "error_task_invalid.json"))
	_, err = c.GetTaskSubscribers(context.Background(), "404")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestMembersValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := date("2021-06-07")
	for _, tc := range []struct {
		name, field string
		call        func(*Client) error
	}{
		{"no changes", "changes", func(c *Client) error { _, err := c.UpdateUsersSchedule(ctx, nil); return err }},
		{"bad kind", "changes[0].Kind", func(c *Client) error {
			_, err := c.UpdateUsersSchedule(ctx, []ScheduleChange{{User: "a@x.example", Date: d, Kind: "holiday"}})
			return err
		}},
		{"no date", "changes[1].Date", func(c *Client) error {
			_, err := c.UpdateUsersSchedule(ctx, []ScheduleChange{{User: "a@x.example", Date: d, Kind: DayWorkday}, {User: "3993", Kind: DayWorkday}})
			return err
		}},
		{"bad user", "changes[0].User", func(c *Client) error {
			_, err := c.UpdateUsersSchedule(ctx, []ScheduleChange{{User: "not an email", Date: d, Kind: DayWorkday}})
			return err
		}},
		{"one day two kinds", "changes[1]", func(c *Client) error {
			_, err := c.UpdateUsersSchedule(ctx, []ScheduleChange{{User: "a@x.example", Date: d, Kind: DayWorkday}, {User: "A@x.example", Date: d, Kind: DayVacation}})
			return err
		}},
		{"unset is not a query kind", "Users", func(c *Client) error {
			_, err := c.GetUsersSchedule(ctx, ScheduleQuery{Users: []string{"a,b@x.example"}})
			return err
		}},
		{"end before start", "End", func(c *Client) error {
			_, err := c.GetUsersSchedule(ctx, ScheduleQuery{Start: d, End: d.AddDate(0, 0, -1)})
			return err
		}},
		{"project id letters", "ProjectID", func(c *Client) error {
			return c.AddProjectMembers(ctx, ProjectMembersParams{ProjectID: "x1", Emails: []string{"a@x.example"}})
		}},
		{"no emails", "Emails", func(c *Client) error { return c.DeleteProjectMembers(ctx, ProjectMembersParams{ProjectID: "1"}) }},
		{"comma in an email", "Emails", func(c *Client) error {
			return c.AddProjectMembers(ctx, ProjectMembersParams{ProjectID: "1", Emails: []string{"a@x.example,b@x.example"}})
		}},
		{"task id", "taskID", func(c *Client) error { _, err := c.GetTaskSubscribers(ctx, "12a"); return err }},
		{"project id", "projectID", func(c *Client) error { _, err := c.GetProjectMembers(ctx, ""); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			err := tc.call(c)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
}

// Every action the client sends is in the action table, and docs/actions.md's
// table lists each with its method and retry class.
func TestActionTable(t *testing.T) {
	t.Parallel()
	sent := map[string]bool{}
	files, err := os.ReadDir(".")
	require.NoError(t, err)
	literal := regexp.MustCompile(`(?:call|callEnvelope|getList\[[^\]]*\])\(ctx, (?:c, )?"([a-z_]+)"|(?:const action|action) = "([a-z_]+)"|projectMembers\(ctx, "([a-z_]+)"|subscription\(ctx, "([a-z_]+)"`)
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(f.Name())
		require.NoError(t, err)
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			for _, name := range m[1:] {
				if name != "" {
					sent[name] = true
				}
			}
		}
	}
	require.NotEmpty(t, sent)
	for name := range sent {
		_, err := lookupAction(name)
		assert.NoError(t, err, "action %q is sent but not in the table", name)
	}
	_, err = lookupAction("get_projects")
	assert.Error(t, err, "an action missing from the table is refused")

	readme, err := os.ReadFile("docs/actions.md")
	require.NoError(t, err)
	for _, a := range actionTable {
		row := regexp.MustCompile("(?m)^\\| `" + a.name + "` \\|.*$").Find(readme)
		if !assert.NotNil(t, row, "docs/actions.md has no row for %s", a.name) {
			continue
		}
		assert.Contains(t, string(row), "| "+a.method()+" |", a.name)
		assert.Contains(t, string(row), a.retry.String(), a.name)
		if a.scope != "" {
			assert.Contains(t, string(row), "`"+a.scope+"`", a.name)
		}
	}
}
