package worksection_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

// contractTarget is where the contract suite runs: the fake by default, or
// the sandbox account named by WORKSECTION_ACCOUNT_URL and
// WORKSECTION_API_KEY (plus WORKSECTION_ACCESS_TOKEN for me and
// WORKSECTION_TASK_ID for subscriptions, WORKSECTION_PROJECT_ID for
// project members).
type contractTarget struct {
	client, badKey, token *ws.Client
	taskID, projectID     ws.ID
}

func newContractTarget(t *testing.T) contractTarget {
	t.Helper()
	account, key := os.Getenv("WORKSECTION_ACCOUNT_URL"), os.Getenv("WORKSECTION_API_KEY")
	if account == "" || key == "" {
		srv := worksectiontest.NewServer()
		t.Cleanup(srv.Close)
		tok, err := ws.NewClient(srv.URL, ws.WithAccessToken(srv.NewAccessToken("kate.greenway@acme.example")))
		require.NoError(t, err)
		return contractTarget{
			client: srv.Client(), badKey: srv.Client(ws.WithAPIKey("0123456789abcdef0123456789abcdef")), token: tok,
			taskID: "1201", projectID: "26",
		}
	}
	t.Logf("contract suite against %s", account)
	c, err := ws.NewClient(account, ws.WithAPIKey(key))
	require.NoError(t, err)
	bad, err := ws.NewClient(account, ws.WithAPIKey("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	target := contractTarget{client: c, badKey: bad, taskID: ws.ID(os.Getenv("WORKSECTION_TASK_ID")),
		projectID: ws.ID(os.Getenv("WORKSECTION_PROJECT_ID"))}
	if tok := os.Getenv("WORKSECTION_ACCESS_TOKEN"); tok != "" {
		target.token, err = ws.NewClient(account, ws.WithAccessToken(tok))
		require.NoError(t, err)
	}
	return target
}

// TestContract exercises every action and the reachable documented errors
// through the public API, asserting outcomes rather than fixtures. Against a
// sandbox it creates one team, one member (an invitation to an example.com
// address), one contact folder and one contact, all uniquely named.
func TestContract(t *testing.T) {
	target := newContractTarget(t)
	c := target.client
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	suffix := fmt.Sprintf("%d", time.Now().UnixNano())
	emails := func(refs []ws.UserRef, err error) []string {
		require.NoError(t, err)
		out := make([]string, len(refs))
		for i, r := range refs {
			out[i] = r.Email
		}
		return out
	}

	users, err := c.GetUsers(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, users)
	assert.True(t, slices.ContainsFunc(users, func(u ws.User) bool { return u.Role == ws.RoleOwner }), "an owner")
	for _, u := range users {
		assert.NotEmpty(t, u.ID)
		assert.NotEmpty(t, u.Email)
	}

	teamTitle := "wsgo contract team " + suffix
	team, err := c.AddUserGroup(ctx, ws.AddUserGroupParams{Title: teamTitle, Client: true})
	require.NoError(t, err)
	assert.Equal(t, teamTitle, team.Title)
	assert.True(t, team.Client)
	again, err := c.AddUserGroup(ctx, ws.AddUserGroupParams{Title: teamTitle, Client: true})
	require.NoError(t, err)
	assert.Equal(t, team.ID, again.ID, "an existing title returns the existing team")
	teams, err := c.GetUserGroups(ctx)
	require.NoError(t, err)
	assert.Contains(t, teams, *team)

	email := "wsgo.contract+" + suffix + "@example.com"
	invited, err := c.AddUser(ctx, ws.AddUserParams{Email: email, FirstName: "Zoë Ann", LastName: "O'Brien & Co",
		Title: "Tester ~ QA", Group: teamTitle, Role: ws.RoleGuest})
	require.NoError(t, err)
	assert.Equal(t, email, invited.Email)
	assert.Equal(t, "Zoë Ann", invited.FirstName)
	assert.Equal(t, "O'Brien & Co", invited.LastName)
	assert.Equal(t, "Tester ~ QA", invited.Title)
	assert.Equal(t, teamTitle, invited.Group)
	assert.Equal(t, ws.RoleGuest, invited.Role)
	users, err = c.GetUsers(ctx)
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(users, func(u ws.User) bool { return u.ID == invited.ID && u.Email == email }))
	_, err = c.AddUser(ctx, ws.AddUserParams{Email: email})
	var apiErr *ws.APIError
	assert.ErrorAs(t, err, &apiErr, "inviting a member twice is an API error")

	folderTitle := "wsgo contract folder " + suffix
	folder, err := c.AddContactGroup(ctx, ws.AddContactGroupParams{Title: folderTitle})
	require.NoError(t, err)
	assert.Equal(t, folderTitle, folder.Title)
	assert.Equal(t, ws.ContactGroupFolder, folder.Type)
	folderAgain, err := c.AddContactGroup(ctx, ws.AddContactGroupParams{Title: folderTitle})
	require.NoError(t, err)
	assert.Equal(t, folder.ID, folderAgain.ID)
	folders, err := c.GetContactGroups(ctx)
	require.NoError(t, err)
	assert.Contains(t, folders, *folder)
	assert.True(t, slices.ContainsFunc(folders, func(g ws.ContactGroup) bool { return g.Type == ws.ContactGroupPreset }))

	contactEmail := "wsgo.contact+" + suffix + "@example.com"
	contact, err := c.AddContact(ctx, ws.AddContactParams{Email: contactEmail, Name: "Ünal Şahin", Title: "A&B = C+D",
		Group: folderTitle, Phone: "+90 212 000 00 00", Address: "Straße 1, 50% off #2"})
	require.NoError(t, err)
	assert.Equal(t, contactEmail, contact.Email)
	assert.Equal(t, "Ünal Şahin", contact.Name)
	assert.Equal(t, "A&B = C+D", contact.Title)
	assert.Equal(t, folderTitle, contact.Group)
	assert.Equal(t, "+90 212 000 00 00", contact.Phone)
	assert.Equal(t, "Straße 1, 50% off #2", contact.Address)
	contacts, err := c.GetContacts(ctx)
	require.NoError(t, err)
	assert.Contains(t, contacts, *contact)

	if target.taskID != "" {
		sub := ws.SubscribeParams{TaskID: target.taskID, Email: email}
		require.NoError(t, c.Subscribe(ctx, sub))
		require.NoError(t, c.Subscribe(ctx, sub), "subscribing twice is fine")
		assert.Contains(t, emails(c.GetTaskSubscribers(ctx, target.taskID)), email)
		require.NoError(t, c.Unsubscribe(ctx, sub))
		assert.NotContains(t, emails(c.GetTaskSubscribers(ctx, target.taskID)), email)
		err = c.Subscribe(ctx, ws.SubscribeParams{TaskID: "999999999", Email: email})
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "Task is invalid", apiErr.Message)
		_, err = c.GetTaskSubscribers(ctx, "999999999")
		assert.ErrorIs(t, err, ws.ErrNotFound)
	} else {
		t.Log("WORKSECTION_TASK_ID not set: subscriptions skipped")
	}

	if target.projectID != "" {
		members := ws.ProjectMembersParams{ProjectID: target.projectID, Emails: []string{email}}
		require.NoError(t, c.AddProjectMembers(ctx, members))
		require.NoError(t, c.AddProjectMembers(ctx, members), "adding a member twice is fine")
		assert.Contains(t, emails(c.GetProjectMembers(ctx, target.projectID)), email)
		require.NoError(t, c.DeleteProjectMembers(ctx, members))
		assert.NotContains(t, emails(c.GetProjectMembers(ctx, target.projectID)), email)
		err = c.AddProjectMembers(ctx, ws.ProjectMembersParams{ProjectID: target.projectID, Emails: []string{"nobody+" + suffix + "@example.com"}})
		assert.ErrorIs(t, err, ws.ErrInvalidEmail, "not an account member")
		_, err = c.GetProjectMembers(ctx, "999999999")
		assert.ErrorIs(t, err, ws.ErrNotFound)
	} else {
		t.Log("WORKSECTION_PROJECT_ID not set: project members skipped")
	}

	day := time.Date(2031, 6, 7, 0, 0, 0, 0, time.UTC) // far ahead, so a sandbox's real schedule is untouched
	update, err := c.UpdateUsersSchedule(ctx, []ws.ScheduleChange{
		{User: email, Date: day, Kind: ws.DayVacation}, {User: string(invited.ID), Date: day.AddDate(0, 0, 1), Kind: ws.DaySickLeave}})
	require.NoError(t, err)
	assert.Equal(t, 2, update.Added+update.Updated, update.Message)
	schedules, err := c.GetUsersSchedule(ctx, ws.ScheduleQuery{Users: []string{email}, Start: day, End: day.AddDate(0, 0, 6)})
	require.NoError(t, err)
	require.Len(t, schedules, 1)
	assert.Equal(t, invited.ID, schedules[0].UserID)
	assert.Equal(t, []ws.ScheduleDay{{Date: day, Kind: ws.DayVacation}, {Date: day.AddDate(0, 0, 1), Kind: ws.DaySickLeave}}, schedules[0].Days)
	_, err = c.UpdateUsersSchedule(ctx, []ws.ScheduleChange{{User: email, Date: day, Kind: ws.DayUnset}, {User: email, Date: day.AddDate(0, 0, 1), Kind: ws.DayUnset}})
	require.NoError(t, err)
	schedules, err = c.GetUsersSchedule(ctx, ws.ScheduleQuery{Users: []string{email}, Start: day, End: day.AddDate(0, 0, 6)})
	require.NoError(t, err)
	for _, s := range schedules {
		assert.Empty(t, s.Days, "unset clears the days")
	}

	_, err = target.badKey.GetUsers(ctx)
	require.ErrorIs(t, err, ws.ErrUnauthorized)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 2, apiErr.Code)

	if target.token != nil {
		me, err := target.token.Me(ctx)
		require.NoError(t, err)
		assert.NotEmpty(t, me.ID)
		assert.NotEmpty(t, me.Email)
	} else {
		t.Log("WORKSECTION_ACCESS_TOKEN not set: me skipped")
	}
	_, err = c.Me(ctx)
	assert.True(t, errors.Is(err, ws.ErrInvalidInput), "me with the admin key is refused before sending")
}
