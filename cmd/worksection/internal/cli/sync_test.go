package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
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

func writeCSV(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "people.csv")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestSyncPlanApply(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	people := writeCSV(t, "\uFEFFemail,first_name,last_name,team,role,notes\n"+
		"ann@new.example,Ann,Lee,Sales,guest,x\n"+
		"Kate.Greenway@ACME.example,Kate,Greenway,Development,,\n"+
		"bad\"quote@new.example,B,\"Q,Sales,,\n"+
		"yuki@new.example,由紀,田中,Design,,\n"+
		",No,Email,,,\n")

	h.tty = true
	r := h.run("sync", "plan", "--from", people)
	oneErrorLine(t, r, "the roster has 2 rows refused (first: line 4: malformed row", "fix the source")
	assert.Regexp(t, `(?m)^create team +Sales`, r.stdout, "the plan is printed too")
	assert.Regexp(t, `(?m)^invite +ann@new.example +Ann Lee +Sales +as guest$`, r.stdout)
	assert.Regexp(t, `(?m)^invite +yuki@new.example +由紀 田中 +Design +as user$`, r.stdout)
	assert.Regexp(t, `(?m)^unmanaged +john.smith@acme.example`, r.stdout)
	assert.Regexp(t, `(?m)^refuse row +line 4 .*malformed row`, r.stdout)
	assert.Regexp(t, `(?m)^refuse row +line 6 +No Email +- +No Email: no email$`, r.stdout)
	assert.Contains(t, r.stdout, "Plan: 1 team to create, 2 people to invite, 0 projects to add members to; 1 already a member, 0 differ, 7 unmanaged, 2 rows refused.")

	h.tty = false
	r = h.run("sync", "plan", "--from", people)
	assert.Equal(t, 1, r.code, "refused rows: exit 1, as apply")
	var plan roster.Plan
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
	assert.Equal(t, []string{"Sales"}, plan.CreateTeams)
	require.Len(t, plan.Problems, 2)
	assert.Equal(t, 4, plan.Problems[0].Line)
	assert.Zero(t, srv.ActionCount("add_user"), "plan changes nothing")

	r = h.run("sync", "apply", "--yes", "--from", people, "-o", "csv")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, []string{"[1/3] create team Sales: done", "[2/3] invite ann@new.example: done", "[3/3] invite yuki@new.example: done",
		"worksection: not everything was applied: 0 failed, 0 skipped, 2 rows refused (first: line 4: malformed row: bare \" in non-quoted-field)"}, lines(r.stderr))
	assert.Contains(t, r.stdout, "invite,ann@new.example,done,\n")
	assert.Contains(t, r.stdout, "refuse row,line 6,refused,No Email: no email\n")
	assert.Equal(t, 2, srv.ActionCount("add_user"))

	fixed := writeCSV(t, "email,first_name,last_name,team,role\n"+
		"ann@new.example,Ann,Lee,Sales,guest\n"+
		"yuki@new.example,由紀,田中,Design,\n")
	r = h.run("sync", "apply", "--yes", "--from", fixed)
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &struct{}{}))
	assert.Contains(t, r.stdout, `"done": []`)
	assert.Equal(t, 2, srv.ActionCount("add_user"), "the re-run invites nobody")

	h.tty = true
	r = h.run("sync", "plan", "--from", fixed)
	assert.Equal(t, 0, r.code, "nothing to do: exit 0")
	assert.Contains(t, r.stdout, "Nothing to do: 0 teams to create, 0 people to invite, 0 projects to add members to; 2 already members")
}

func TestSyncGuardRail(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	people := writeCSV(t, "email\na@new.example\nb@new.example\nc@new.example\n")
	r := h.run("sync", "apply", "--yes", "--from", people, "--max-invites", "2")
	oneErrorLine(t, r, "the plan invites 3 people, more than --max-invites 2", "--max-invites 3")
	assert.Zero(t, srv.ActionCount("add_user"))
	r = h.run("sync", "apply", "--yes", "--from", people, "--max-invites", "3")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 3, srv.ActionCount("add_user"))
	assert.Len(t, lines(r.stderr), 3, "one progress line per step")
}

func TestSyncFromWebasyst(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	wa := webasysttest.NewServer()
	defer wa.Close()
	h := newHarness(t, srv)
	h.env[envWebasystURL], h.env[envWebasystTok] = wa.URL, wa.Token
	h.tty = true
	r := h.run("sync", "plan", "--from", "webasyst")
	oneErrorLine(t, r, "the roster has 1 row refused (first: row 6: Bob: no email)")
	assert.Regexp(t, `(?m)^invite +carlos.diaz@webasyst.example +Carlos Díaz +Design +as user$`, r.stdout)
	assert.Regexp(t, `(?m)^refuse row +row 6 +Bob +- +Bob: no email$`, r.stdout)

	delete(h.env, envWebasystTok)
	oneErrorLine(t, h.run("sync", "plan", "--from", "webasyst"), "WEBASYST_URL is set but WEBASYST_TOKEN is not")
}

func TestSyncApplyInterrupted(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("add_user", 1, worksectiontest.Delay(time.Minute)) // held until the client gives up
	h := newHarness(t, srv)
	people := writeCSV(t, "email\na@new.example\nb@new.example\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	h.options = []ws.Option{ws.WithHTTPClient(&http.Client{Transport: roundTripper(func(req *http.Request) (*http.Response, error) {
		if req.URL.Query().Get("action") == "add_user" {
			once.Do(func() { time.AfterFunc(50*time.Millisecond, cancel) }) // Ctrl-C while the invitation is in flight
		}
		return http.DefaultTransport.RoundTrip(req)
	})})}
	var out bytes.Buffer
	r := h.runCtx(ctx, &out, "sync", "apply", "--yes", "--from", people)
	assert.Equal(t, 130, r.code)
	assert.Equal(t, []string{"worksection: run it again to finish: it does only what is left", "worksection: interrupted"}, lines(r.stderr)[len(lines(r.stderr))-2:])
	var res applyResult
	require.NoError(t, json.Unmarshal(out.Bytes(), &res), "the report is still printed")
	require.Len(t, res.Interrupted, 1, "a was in flight: interrupted, not failed")
	assert.Equal(t, roster.StatusInterrupted, res.Interrupted[0].Status)
	assert.Empty(t, res.Failed)
	assert.Len(t, res.Skipped, 1, "b was not tried")

	h.options = nil
	r = h.run("sync", "apply", "--yes", "--from", people)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Len(t, srv.Users(), len(worksectiontest.DefaultSeed().Users)+2)
}
