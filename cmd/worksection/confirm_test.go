//go:build !windows

package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// On a terminal, users invite and sync apply show the plan and ask; only
// "y" applies it. Off a terminal, without --yes, nothing is sent.
func TestConfirmationOnATerminal(t *testing.T) {
	url := startFake(t, binary(t), "confirm-key")
	u := newUser(t, "WORKSECTION_ACCOUNT_URL="+url, "WORKSECTION_API_KEY=confirm-key")
	question := "Apply these changes to " + strings.TrimPrefix(url, "http://") + "? [y/N] "

	term := u.onTerminal("users", "invite", "--email", "no@new.example")
	term.waitFor(question)
	_, err := term.ptmx.Write([]byte("n\r"))
	require.NoError(t, err)
	assert.Equal(t, 1, term.exit(), term.output())
	term.waitFor("cancelled: nothing was changed")
	code, _, _ := u.run("", nil, "users", "get", "no@new.example")
	assert.Equal(t, 1, code, "not invited")

	term = u.onTerminal("users", "invite", "--email", "yes@new.example", "--team", "Sales")
	term.waitFor(question)
	assert.Regexp(t, `invite +yes@new.example`, term.output(), "the plan is shown before the question")
	_, err = term.ptmx.Write([]byte("y\r"))
	require.NoError(t, err)
	require.Equal(t, 0, term.exit(), term.output())
	code, stdout, stderr := u.run("", nil, "users", "get", "yes@new.example", "-o", "csv")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, ",yes@new.example,")

	code, stdout, stderr = u.run("y\n", nil, "users", "invite", "--email", "piped@new.example")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "pass --yes")
	code, _, _ = u.run("", nil, "users", "get", "piped@new.example")
	assert.Equal(t, 1, code, "not invited")

	code, _, stderr = u.run("", nil, "users", "invite", "--yes", "--email", "piped@new.example")
	require.Equal(t, 0, code, stderr)
	code, _, _ = u.run("", nil, "users", "get", "piped@new.example")
	assert.Equal(t, 0, code, "invited with --yes")
}

// Ctrl-C at the question exits 130 and sends nothing.
func TestConfirmationInterrupted(t *testing.T) {
	url := startFake(t, binary(t), "confirm-key")
	u := newUser(t, "WORKSECTION_ACCOUNT_URL="+url, "WORKSECTION_API_KEY=confirm-key")
	term := u.onTerminal("users", "invite", "--email", "ctrlc@new.example")
	term.waitFor("[y/N] ")
	_, err := term.ptmx.Write([]byte{0x03})
	require.NoError(t, err)
	assert.Equal(t, 130, term.exit(), term.output())
	code, _, _ := u.run("", nil, "users", "get", "ctrlc@new.example")
	assert.Equal(t, 1, code, "not invited")
}
