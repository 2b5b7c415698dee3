//go:build linux

package main

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainUser is a new user whose environment sets neither NO_COLOR nor
// COLUMNS, whatever the test's has.
func plainUser(t *testing.T, extra ...string) *user {
	u := newUser(t)
	u.env = slices.DeleteFunc(u.env, func(kv string) bool {
		return strings.HasPrefix(kv, "NO_COLOR=") || strings.HasPrefix(kv, "COLUMNS=")
	})
	u.env = append(u.env, extra...)
	return u
}

// tableLines are the lines of a terminal's output the tool printed on
// stdout: not its notices on stderr.
func tableLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		if l != "" && !strings.HasPrefix(l, "worksection: ") {
			lines = append(lines, l)
		}
	}
	return lines
}

// On a 60-column terminal the members' table fits, its widest columns cut
// with "…"; --wide shows them whole.
func TestBuiltToolTableFitsTheTerminal(t *testing.T) {
	u := plainUser(t)
	u.termCols = 60
	term := u.onTerminal("users", "list")
	require.Equal(t, 0, term.exit())
	require.Eventually(t, func() bool { // drained: the header and 8 members, the last line ended
		return len(tableLines(term.output())) == 9 && strings.HasSuffix(term.output(), "\n")
	}, 30*time.Second, 10*time.Millisecond, "%q", term.output())
	lines := tableLines(term.output())
	for _, l := range lines {
		assert.LessOrEqual(t, utf8.RuneCountInString(l), 60, l)
	}
	assert.Contains(t, term.output(), "…")

	term = u.onTerminal("users", "list", "--wide")
	require.Equal(t, 0, term.exit())
	term.waitFor("ann.auditor@acme.example")
	assert.Contains(t, term.output(), "kate.greenway@acme.example")
	assert.NotContains(t, term.output(), "…")
}

// Status words are coloured on a terminal; not with NO_COLOR, and not
// when stdout is a pipe.
func TestBuiltToolColours(t *testing.T) {
	args := []string{"sync", "apply", "--from", "webasyst", "--yes", "-o", "table"}
	term := plainUser(t).onTerminal(args...)
	assert.Equal(t, 1, term.exit(), "the fake Webasyst team has a row with no email")
	term.waitFor("Bob: no email")
	assert.Contains(t, term.output(), "\x1b[32mdone\x1b[0m")
	assert.Contains(t, term.output(), "\x1b[31mrefused\x1b[0m")

	term = plainUser(t, "NO_COLOR=1").onTerminal(args...)
	assert.Equal(t, 1, term.exit())
	term.waitFor("Bob: no email")
	assert.NotContains(t, term.output(), "\x1b[")

	code, stdout, _ := plainUser(t).run("", nil, args...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "done")
	assert.NotContains(t, stdout, "\x1b[", "a pipe gets no colour")
}
