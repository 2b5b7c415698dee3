package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/worksectiontest"
)

// Without a terminal on stdin and without --yes, sync apply and users
// invite refuse before any call, naming --yes.
func TestApplyNeedsYesWithoutATerminal(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.stdin = "y\n" // piped input is not an answer
	people := writeCSV(t, "email\nann@new.example\n")
	for _, args := range [][]string{
		{"sync", "apply", "--from", people},
		{"sync", "apply", "--from", fromWebasyst},
		{"users", "invite", "--email", "ann@new.example"},
	} {
		r := h.run(args...)
		oneErrorLine(t, r, "--yes", "not a terminal")
		assert.Empty(t, r.stdout)
	}
	assert.Empty(t, srv.Requests(), "refused before any call")
}

// On a terminal the plan is shown and the question asked; only y or yes
// applies it.
func TestApplyAsksOnATerminal(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.stdinTTY = true
	host := strings.TrimPrefix(srv.URL, "http://")
	people := writeCSV(t, "email,team\nann@new.example,Sales\n")

	for _, answer := range []string{"\n", "n\n", "no\n", ""} {
		h.stdin = answer
		r := h.run("sync", "apply", "--from", people)
		assert.Equal(t, 1, r.code, "%q", answer)
		assert.Regexp(t, `(?m)^invite +ann@new.example +- +Sales`, r.stderr, "the plan is shown")
		assert.Contains(t, r.stderr, "Apply these changes to "+host+"? [y/N] ")
		assert.Zero(t, srv.ActionCount("add_user"), "%q: nothing sent", answer)
		assert.Zero(t, srv.ActionCount("add_user_group"), "%q: nothing sent", answer)
	}

	h.stdin = "y\n"
	r := h.run("sync", "apply", "--from", people)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, srv.ActionCount("add_user"))

	h.stdin = "YES\n"
	r = h.run("users", "invite", "--email", "bo@new.example")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "Apply these changes to "+host+"? [y/N] ")
	assert.Equal(t, 2, srv.ActionCount("add_user"))

	// Nothing to change: nothing to ask.
	h.stdin = ""
	r = h.run("sync", "apply", "--from", people)
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "Apply these changes")

	// --yes skips the question.
	r = h.run("users", "invite", "--yes", "--email", "cy@new.example")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "Apply these changes")
	assert.Equal(t, 3, srv.ActionCount("add_user"))
}

// A plan over --max-invites is refused before the question.
func TestApplyRefusesTooManyBeforeAsking(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.stdinTTY, h.stdin = true, "y\n"
	r := h.run("users", "invite", "--email", "a@new.example,b@new.example", "--max-invites", "1")
	oneErrorLine(t, r, "more than --max-invites 1")
	assert.NotContains(t, r.stderr, "Apply these changes")
	assert.Zero(t, srv.ActionCount("add_user"))
}

// One name cannot belong to several people.
func TestInviteSeveralRefusesOnePersonsFlags(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	for _, flag := range []string{"--first-name", "--last-name", "--title"} {
		r := h.run("users", "invite", "--yes", "--email", "a@new.example", "--email", "b@new.example", flag, "X")
		oneErrorLine(t, r, flag+" names one person")
		r = h.run("users", "invite", "--yes", "--email", "a@new.example,b@new.example", flag, "X")
		oneErrorLine(t, r, flag+" names one person")
	}
	assert.Empty(t, srv.Requests())
}
