package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/webasyst/webasysttest"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestDryRunOutOfTheBox(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), nil, func(string) string { return "" }, &stdout, &stderr))
	out := stdout.String()
	assert.Contains(t, out, "Ann Lee        ann.lee@webasyst.example      Backend developer  Administrators (new)  invite")
	assert.Contains(t, out, "Kate Greenway  Kate.Greenway@ACME.example    CTO                -                     skip: already a member")
	assert.Contains(t, out, "Bob            -                             -                  -                     skip: no email")
	assert.Contains(t, out, "Dry run: 4 to invite, 2 teams to create, 1 already members, 1 without email, 0 skipped otherwise, 0 failed")
	assert.Contains(t, out, "Teammates without an email (invite them by hand): Bob")
	assert.Contains(t, stderr.String(), "built-in fake server")
	assert.Contains(t, stderr.String(), "built-in Webasyst fake")
}

func TestApplyAndRerun(t *testing.T) {
	t.Parallel()
	wsSrv := worksectiontest.NewServer()
	defer wsSrv.Close()
	waSrv := webasysttest.NewServer()
	defer waSrv.Close()
	ctx := context.Background()
	before := len(wsSrv.Users())

	var dry bytes.Buffer
	require.NoError(t, importTeam(ctx, waSrv.Client(), wsSrv.Client(), false, &dry))
	assert.Zero(t, wsSrv.ActionCount("add_user")+wsSrv.ActionCount("add_user_group"), "a dry run changes nothing")

	var first bytes.Buffer
	require.NoError(t, importTeam(ctx, waSrv.Client(), wsSrv.Client(), true, &first))
	assert.Contains(t, first.String(), "4 invited, 2 teams created, 1 already members, 1 without email, 0 skipped otherwise, 0 failed")

	byEmail := map[string]ws.User{}
	for _, u := range wsSrv.Users() {
		byEmail[strings.ToLower(u.Email)] = u
	}
	assert.Len(t, byEmail, before+4)
	ann := byEmail["ann.lee@webasyst.example"]
	assert.Equal(t, []string{"Ann", "Lee", "Backend developer", "Administrators"}, []string{ann.FirstName, ann.LastName, ann.Title, ann.Group})
	assert.Equal(t, ws.RoleUser, ann.Role)
	assert.Equal(t, "Design", byEmail["carlos.diaz@webasyst.example"].Group)
	assert.Equal(t, "Developers", byEmail["dana.wu@webasyst.example"].Group)
	assert.Equal(t, "Management", byEmail["eve@webasyst.example"].Group, "no Webasyst group: the account's own team")
	assert.Equal(t, "kate.greenway@acme.example", byEmail["kate.greenway@acme.example"].Email, "Kate was not invited again")
	var titles []string
	for _, g := range wsSrv.UserGroups() {
		titles = append(titles, g.Title)
	}
	assert.Subset(t, titles, []string{"Administrators", "Developers", "Design"})

	writes := wsSrv.ActionCount("add_user") + wsSrv.ActionCount("add_user_group")
	var second bytes.Buffer
	require.NoError(t, importTeam(ctx, waSrv.Client(), wsSrv.Client(), true, &second))
	assert.Contains(t, second.String(), "0 invited, 0 teams created, 5 already members, 1 without email")
	assert.Equal(t, writes, wsSrv.ActionCount("add_user")+wsSrv.ActionCount("add_user_group"), "the second run writes nothing")
	assert.Len(t, wsSrv.Users(), before+4)
}

func TestFailuresAreReported(t *testing.T) {
	t.Parallel()
	wsSrv := worksectiontest.NewServer()
	defer wsSrv.Close()
	waSrv := webasysttest.NewServer()
	defer waSrv.Close()
	wsSrv.Inject("add_user", 3, worksectiontest.ServerError(501)) // not retried
	var out bytes.Buffer
	err := importTeam(context.Background(), waSrv.Client(), wsSrv.Client(), true, &out)
	require.ErrorContains(t, err, "3 invitation(s) failed")
	assert.Contains(t, out.String(), "1 invited")
	assert.Contains(t, out.String(), "3 failed")
	assert.Contains(t, out.String(), "failed: Ann Lee <ann.lee@webasyst.example>: worksection: add_user: HTTP 501")

	broken := webasysttest.NewServer(webasysttest.WithoutLicense())
	defer broken.Close()
	err = importTeam(context.Background(), broken.Client(), wsSrv.Client(), false, &out)
	assert.ErrorContains(t, err, "reading the Webasyst team: webasyst: payment_required")
}
