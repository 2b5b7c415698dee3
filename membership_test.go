package worksection_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

// An address the account does not know, given to an action that takes
// members, is ErrNotMember (and still ErrInvalidEmail); a malformed one,
// which only the server refuses, is not.
func TestErrNotMember(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client(ws.WithRateLimit(rate.Inf, 0))
	ctx := context.Background()
	const stranger = "nobody@x.example"
	day := time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)
	for name, call := range map[string]func() error{
		"subscribe":   func() error { return c.Subscribe(ctx, ws.SubscribeParams{TaskID: "1203", Email: stranger}) },
		"unsubscribe": func() error { return c.Unsubscribe(ctx, ws.SubscribeParams{TaskID: "1203", Email: stranger}) },
		"add_project_members": func() error {
			return c.AddProjectMembers(ctx, ws.ProjectMembersParams{ProjectID: "26", Emails: []string{stranger}})
		},
		"delete_project_members": func() error {
			return c.DeleteProjectMembers(ctx, ws.ProjectMembersParams{ProjectID: "26", Emails: []string{stranger}})
		},
		"update_users_schedule": func() error {
			_, err := c.UpdateUsersSchedule(ctx, []ws.ScheduleChange{{User: stranger, Date: day, Kind: ws.DayVacation}})
			return err
		},
		"get_users_schedule": func() error {
			_, err := c.GetUsersSchedule(ctx, ws.ScheduleQuery{Users: []string{stranger}})
			return err
		},
	} {
		err := call()
		require.Error(t, err, name)
		assert.ErrorIs(t, err, ws.ErrNotMember, name)
		assert.ErrorIs(t, err, ws.ErrInvalidEmail, name)
		assert.NotErrorIs(t, err, ws.ErrAlreadyExists, name)
	}

	// A member is no stranger: the same calls succeed.
	require.NoError(t, c.Subscribe(ctx, ws.SubscribeParams{TaskID: "1203", Email: "kate.greenway@acme.example"}))
}

// Inviting an address that is already a member is ErrAlreadyExists, not
// ErrNotMember.
func TestErrAlreadyExists(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client(ws.WithRateLimit(rate.Inf, 0))
	_, err := c.AddUser(context.Background(), ws.AddUserParams{Email: "kate.greenway@acme.example"})
	require.Error(t, err)
	assert.ErrorIs(t, err, ws.ErrAlreadyExists)
	assert.NotErrorIs(t, err, ws.ErrNotMember)

	u, err := c.AddUser(context.Background(), ws.AddUserParams{Email: "new.person@acme.example"})
	require.NoError(t, err)
	assert.Equal(t, "new.person@acme.example", u.Email)
}

// "Invalid email" from add_user is about the address's form, not
// membership.
func TestErrNotMemberOnlyForMemberActions(t *testing.T) {
	t.Parallel()
	err := &ws.APIError{Action: "add_user", Code: 11, Message: "Invalid email", Details: "a@b.example"}
	assert.ErrorIs(t, err, ws.ErrInvalidEmail)
	assert.NotErrorIs(t, err, ws.ErrNotMember)
	bad := &ws.APIError{Action: "subscribe", Code: 11, Message: "Invalid email", Details: "not an address"}
	assert.NotErrorIs(t, bad, ws.ErrNotMember)
	assert.ErrorIs(t, &ws.APIError{Action: "add_project_members", Code: 11, Message: "Invalid email", Details: "a@b.example,c@d.example"}, ws.ErrNotMember)
}
