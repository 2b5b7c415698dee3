package worksection

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	long := strings.Repeat("x", 9000)
	for _, tc := range []struct {
		name, field string
		call        func(*Client) error
	}{
		{"add_user no email", "Email", func(c *Client) error { _, err := c.AddUser(ctx, AddUserParams{}); return err }},
		{"add_user list", "Email", func(c *Client) error {
			_, err := c.AddUser(ctx, AddUserParams{Email: "a@x.com,b@y.com"})
			return err
		}},
		{"add_user bad email", "Email", func(c *Client) error { _, err := c.AddUser(ctx, AddUserParams{Email: "nobody"}); return err }},
		{"add_user named email", "Email", func(c *Client) error {
			_, err := c.AddUser(ctx, AddUserParams{Email: "Kate <k@x.com>"})
			return err
		}},
		{"add_user admin role", "Role", func(c *Client) error {
			_, err := c.AddUser(ctx, AddUserParams{Email: "k@x.com", Role: RoleAccountAdmin})
			return err
		}},
		{"add_user_group no title", "Title", func(c *Client) error {
			_, err := c.AddUserGroup(ctx, AddUserGroupParams{Title: "  "})
			return err
		}},
		{"add_contact no name", "Name", func(c *Client) error {
			_, err := c.AddContact(ctx, AddContactParams{Email: "k@x.com"})
			return err
		}},
		{"add_contact no email", "Email", func(c *Client) error { _, err := c.AddContact(ctx, AddContactParams{Name: "K"}); return err }},
		{"add_contact_group no title", "Title", func(c *Client) error {
			_, err := c.AddContactGroup(ctx, AddContactGroupParams{})
			return err
		}},
		{"subscribe no task", "TaskID", func(c *Client) error { return c.Subscribe(ctx, SubscribeParams{Email: "k@x.com"}) }},
		{"subscribe letters task", "TaskID", func(c *Client) error {
			return c.Subscribe(ctx, SubscribeParams{TaskID: "12a", Email: "k@x.com"})
		}},
		{"unsubscribe email list", "Email", func(c *Client) error {
			return c.Unsubscribe(ctx, SubscribeParams{TaskID: "12", Email: "a@x.com;b@x.com"})
		}},
		{"add_user invalid UTF-8 in the email", "Email", func(c *Client) error {
			_, err := c.AddUser(ctx, AddUserParams{Email: "bad\xff@x.co"})
			return err
		}},
		{"add_user invalid UTF-8 in a name", "LastName", func(c *Client) error {
			_, err := c.AddUser(ctx, AddUserParams{Email: "k@x.co", LastName: "M\xc3"})
			return err
		}},
		{"add_contact invalid UTF-8", "Address2", func(c *Client) error {
			_, err := c.AddContact(ctx, AddContactParams{Email: "k@x.co", Name: "K", Address2: "\xed\xa0\x80"})
			return err
		}},
		{"subscribe invalid UTF-8", "Email", func(c *Client) error {
			return c.Subscribe(ctx, SubscribeParams{TaskID: "1", Email: "k\xfe@x.co"})
		}},
		{"me with key", "credentials", func(c *Client) error { _, err := c.Me(ctx); return err }},
		{"url too long", "params", func(c *Client) error {
			_, err := c.AddUser(ctx, AddUserParams{Email: "k@x.com", Title: long})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t) // any request would fail the test
			err := tc.call(c)
			require.ErrorIs(t, err, ErrInvalidInput)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
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

func TestValidationErrorsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	c, _ := newMockClient(t)
	_, err := c.AddUser(context.Background(), AddUserParams{Email: "bad"})
	assert.NotContains(t, fmt.Sprintf("%+v", err), testKey)
}
