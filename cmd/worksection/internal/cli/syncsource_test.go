package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/webasyst"
	"github.com/worksection-go/worksection/webasyst/webasysttest"
	"github.com/worksection-go/worksection/worksectiontest"
)

// A roster that names nobody is refused, by plan and apply alike, unless
// --allow-empty: sync tools that trusted an empty source have deleted
// whole organisations.
func TestSyncRefusesAnEmptyRoster(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	wa := webasysttest.NewServer(webasysttest.WithTeam([]webasyst.Teammate{}))
	defer wa.Close()
	headerOnly := writeCSV(t, "email,first_name,team\n")

	h := newHarness(t, srv)
	h.env[envWebasystURL], h.env[envWebasystTok] = wa.URL, wa.Token
	for _, tc := range []struct {
		from, want string
	}{
		{headerOnly, "has a header row only"},
		{fromWebasyst, "the Webasyst team has no members"},
	} {
		for _, cmd := range [][]string{{"sync", "plan"}, {"sync", "apply", "--yes"}} {
			args := append(cmd, "--from", tc.from)
			oneErrorLine(t, h.run(args...), tc.want, "names nobody", "--allow-empty")
			r := h.run(append(args, "--allow-empty")...)
			assert.Equal(t, 0, r.code, "%v --allow-empty: %s", args, r.stderr)
		}
	}
	for _, req := range srv.Requests() {
		assert.NotContains(t, []string{"add_user", "add_user_group", "add_project_members"}, req.Action)
	}
}

// --from - reads the CSV from standard input; apply then needs --yes, as
// stdin cannot also answer the question.
func TestSyncFromStdin(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.stdin = "email;first_name;team\nann@new.example;Ann;Sales\n" // Excel's ";" is detected
	r := h.run("sync", "plan", "--from", "-", "-o", "csv")
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stdout, "invite,ann@new.example,Ann,Sales,as user\n")

	h.stdinTTY = true
	oneErrorLine(t, h.run("sync", "apply", "--from", "-"), "--from - reads the roster from standard input", "--yes")
	assert.Zero(t, srv.ActionCount("add_user"))
	r = h.run("sync", "apply", "--from", "-", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, srv.ActionCount("add_user"))

	h.stdin = "email,first_name\nbo@new.example,B\xf6\n"
	oneErrorLine(t, h.run("sync", "plan", "--from", "-"), "standard input", "line 2", "not UTF-8")
}
