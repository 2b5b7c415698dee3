package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBuiltToolCompletion asks the built tool what a shell would: free-text
// flags offer no file names, --from offers webasyst, - and CSV files, and
// the completion help names the bash-completion package.
func TestBuiltToolCompletion(t *testing.T) {
	u := newUser(t)
	_, out, _ := u.run("", nil, "__complete", "users", "invite", "--email", "")
	assert.Equal(t, ":4", strings.TrimSpace(strings.Split(out, "\n")[0]), "no candidates, no file names")
	_, out, _ = u.run("", nil, "__complete", "sync", "plan", "--from", "")
	assert.Contains(t, out, "webasyst\n-\n")
	_, out, _ = u.run("", nil, "completion", "--help")
	assert.Contains(t, out, "bash-completion")
}
