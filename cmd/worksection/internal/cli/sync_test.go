package cli

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/roster"
	"github.com/worksection-go/worksection/webasyst/webasysttest"
	"github.com/worksection-go/worksection/worksectiontest"
)

// The built-in fake Webasyst team is never planned into or invited into a
// real account, nor a real team into the fake account: the command refuses
// before any call, naming the missing variables.
func TestSyncNeverMixesAFakeWithARealSide(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	wa := webasysttest.NewServer()
	defer wa.Close()
	for _, args := range [][]string{{"sync", "plan", "--from", "webasyst"}, {"sync", "apply", "--yes", "--from", "webasyst"}} {
		h := newHarness(t, srv) // a real account, no Webasyst variables
		oneErrorLine(t, h.run(args...),
			"the Webasyst team is a built-in fake (WEBASYST_URL and WEBASYST_TOKEN not set)", "the Worksection account is real")

		h = newHarness(t, nil) // a real team, no account
		h.env[envWebasystURL], h.env[envWebasystTok] = wa.URL, wa.Token
		r := h.run(args...)
		assert.Equal(t, 1, r.code)
		last := lines(r.stderr)[len(lines(r.stderr))-1]
		assert.Contains(t, last, "the Worksection account is a built-in fake (WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY (or a context) not set)")
		assert.Contains(t, last, "the Webasyst team is real")
	}
	assert.Empty(t, srv.Requests(), "nothing reached the real account")
	assert.Zero(t, wa.Requests(), "nothing was read from the real team")

	r := newHarness(t, nil).run("sync", "apply", "--yes", "--from", "webasyst") // both fake: a demo
	assert.Contains(t, r.stderr, "[6/6] invite eve@webasyst.example: done")
}

// Each row has one outcome: a project id that is not a number refuses only
// that project step, once, in plan, apply and their JSON, which exit alike.
func TestSyncRowOutcomesAgree(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	people := writeCSV(t, "email,projects\nabc.person@new.example,abc\nnot-an-email,\n")

	h.tty = true
	r := h.run("sync", "plan", "--from", people)
	assert.Equal(t, 1, r.code)
	assert.Regexp(t, `(?m)^invite +abc.person@new.example `, r.stdout)
	assert.Regexp(t, `(?m)^refuse project +line 2 .*project "abc": not a project id`, r.stdout)
	assert.Regexp(t, `(?m)^refuse row +line 3 `, r.stdout)
	assert.Contains(t, r.stderr, "1 row refused, 1 project step refused")

	h.tty = false
	var plan roster.Plan
	r = h.run("sync", "plan", "--from", people)
	assert.Equal(t, 1, r.code)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
	assert.Len(t, plan.Invite, 1)
	assert.Len(t, plan.Problems, 2)

	var res applyResult
	r = h.run("sync", "apply", "--yes", "--from", people)
	assert.Equal(t, 1, r.code, "apply exits as plan did")
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	require.Len(t, res.Done, 1)
	assert.Equal(t, "abc.person@new.example", res.Done[0].Target)
	assert.Len(t, res.Problems, 2)
	assert.Contains(t, r.stderr, "1 row refused, 1 project step refused")
	assert.Equal(t, 1, srv.ActionCount("add_user"))
}

// sync plan lists members whose team or role differ from the roster as
// "differs" (not a change: exit 0 when that is all), and says in advance
// when apply would refuse the plan for --max-invites.
func TestSyncPlanDriftAndMaxInvites(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	drift := writeCSV(t, "email,team,role\nkate.greenway@acme.example,Design,guest\noleg.koval@acme.example,development,\n")
	r := h.run("sync", "plan", "--from", drift, "-o", "table")
	assert.Equal(t, 0, r.code, "drift is not a change: %s", r.stderr)
	assert.Regexp(t, `(?m)^differs +kate.greenway@acme.example +Kate Greenway +- +team: "Design" in the roster, "Development" on the account; the API cannot change it$`, r.stdout)
	assert.Regexp(t, `(?m)^differs +kate.greenway@acme.example .*role: "guest" in the roster, "account admin" on the account`, r.stdout)
	assert.NotContains(t, r.stdout, "differs  oleg", "same team, by case; a blank role is no drift")
	assert.Contains(t, r.stdout, "2 differ")

	r = h.run("sync", "plan", "--from", drift, "-o", "json")
	var plan roster.Plan
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
	assert.Len(t, plan.Differs, 2)

	three := writeCSV(t, "email\na@new.example\nb@new.example\nc@new.example\n")
	r = h.run("sync", "plan", "--from", three, "--max-invites", "2")
	oneErrorLine(t, r, "sync apply would refuse this plan", "more than --max-invites 2", "--max-invites 3")
	assert.Contains(t, r.stdout, `"invite"`, "the plan is still printed")
	assert.NotContains(t, r.stderr, "roster:", "in the user's terms, not the package's")
	assert.Equal(t, 2, h.run("sync", "plan", "--from", three, "--max-invites", "3").code)
	oneErrorLine(t, h.run("sync", "plan", "--from", three, "--max-invites", "x"), `--max-invites "x" is not a number`)
	assert.Zero(t, srv.ActionCount("add_user"))
}
