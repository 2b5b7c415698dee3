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
	assert.Regexp(t, `(?m)^carlos.diaz@webasyst.example +Carlos Díaz +Designer +Design +invite$`, out)
	assert.Regexp(t, `(?m)^Kate.Greenway@ACME.example +Kate Greenway +CTO +- +skip: already a member$`, out)
	assert.Regexp(t, `(?m)^- +Bob +- +- +skip: no email$`, out)
	assert.Contains(t, out, "4 to invite, ")
	assert.Contains(t, out, "1 already members, 1 skipped")
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
	byEmail := map[string]ws.User{}
	for _, u := range wsSrv.Users() {
		byEmail[strings.ToLower(u.Email)] = u
	}
	assert.Len(t, byEmail, before+4)
	ann := byEmail["ann.lee@webasyst.example"]
	assert.Equal(t, []string{"Ann", "Lee", "Backend developer"}, []string{ann.FirstName, ann.LastName, ann.Title})
	assert.NotEmpty(t, ann.Group)
	assert.Equal(t, ws.RoleUser, ann.Role)
	assert.Equal(t, "Design", byEmail["carlos.diaz@webasyst.example"].Group)
	assert.Equal(t, "Management", byEmail["eve@webasyst.example"].Group, "no Webasyst group: the account's own team")
	assert.Equal(t, "kate.greenway@acme.example", byEmail["kate.greenway@acme.example"].Email, "Kate was not invited again")

	writes := wsSrv.ActionCount("add_user") + wsSrv.ActionCount("add_user_group")
	var second bytes.Buffer
	require.NoError(t, importTeam(ctx, waSrv.Client(), wsSrv.Client(), true, &second))
	assert.Contains(t, second.String(), "0 to invite, 0 teams to create, 5 already members, 1 skipped")
	assert.Contains(t, second.String(), "0 done, 0 failed, 0 skipped")
	assert.Equal(t, writes, wsSrv.ActionCount("add_user")+wsSrv.ActionCount("add_user_group"), "the second run writes nothing")
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
	require.ErrorContains(t, err, "3 step(s) did not complete")
	assert.Contains(t, out.String(), "failed: invite ann.lee@webasyst.example: worksection: add_user: HTTP 501")

	broken := webasysttest.NewServer(webasysttest.WithoutLicense())
	defer broken.Close()
	err = importTeam(context.Background(), broken.Client(), wsSrv.Client(), false, &out)
	assert.ErrorContains(t, err, "reading the Webasyst team: webasyst: payment_required")
}

// The built-in fake team is never invited into a real account, nor a real
// team into the fake: the run refuses before any call.
func TestFakeNeverMeetsARealSide(t *testing.T) {
	t.Parallel()
	wsSrv := worksectiontest.NewServer()
	defer wsSrv.Close()
	waSrv := webasysttest.NewServer()
	defer waSrv.Close()
	for name, env := range map[string]map[string]string{
		"fake team, real account": {"WORKSECTION_ACCOUNT_URL": wsSrv.URL, "WORKSECTION_API_KEY": wsSrv.APIKey},
		"real team, fake account": {"WEBASYST_URL": waSrv.URL, "WEBASYST_TOKEN": waSrv.Token},
	} {
		for _, args := range [][]string{{"-apply"}, nil} {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
			require.Error(t, err, name)
			assert.Contains(t, err.Error(), "refusing to mix a built-in fake with real data", name)
			assert.Contains(t, err.Error(), "not set", name)
		}
	}
	assert.Empty(t, wsSrv.Requests(), "nothing reached the real account")
	assert.Zero(t, waSrv.Requests(), "nothing read from the real team")
}
