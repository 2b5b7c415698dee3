package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The built tool exits 1 on a typo, naming it, and 0 for help.
func TestBuiltToolTypos(t *testing.T) {
	u := newUser(t, "WORKSECTION_NO_KEYRING=1")
	for _, c := range []struct{ args, want string }{
		{"users lst", `unknown command "lst" for "worksection users"`},
		{"users show x", `unknown command "show" for "worksection users"`},
		{"completion tcsh", `unknown command "tcsh" for "worksection completion"`},
		{"help bogus", `unknown help topic "bogus"`},
		{"users list extra-arg", "accepts no arguments"},
		{"--bogus users list", "unknown flag: --bogus"},
	} {
		code, stdout, stderr := u.run("", nil, strings.Fields(c.args)...)
		assert.Equal(t, 1, code, c.args)
		assert.Contains(t, stderr, c.want, c.args)
		assert.Empty(t, stdout, c.args)
	}
	code, stdout, _ := u.run("", nil, "users", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Usage:")
}
