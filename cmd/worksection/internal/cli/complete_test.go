package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// complete asks the tool, as a shell does, what completes the last word.
func complete(h *harness, args ...string) (candidates []string, directive string) {
	r := h.run(append([]string{"__complete"}, args...)...)
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if strings.HasPrefix(l, ":") {
			directive = l
		} else if l != "" {
			candidates = append(candidates, l)
		}
	}
	return candidates, directive
}

// noFiles is cobra's ShellCompDirectiveNoFileComp: the shell offers no file names.
const noFiles = ":4"

func TestFreeTextFlagsCompleteNoFileNames(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	for _, args := range [][]string{
		{"users", "invite", "--email", ""}, {"users", "invite", "--team", ""}, {"contacts", "add", "--name", ""},
		{"schedule", "set", "--user", ""}, {"subscribe", "--task", ""}, {"users", "list", "--account-url", ""},
		{"projects", "members", "add", "26", "--email", ""},
	} {
		got, directive := complete(h, args...)
		assert.Empty(t, got, "%v", args)
		assert.Equal(t, noFiles, directive, "%v completes no file names", args)
	}
	got, directive := complete(h, "users", "invite", "--role", "")
	assert.Equal(t, []string{"user", "guest", "reader"}, got)
	assert.Equal(t, noFiles, directive)
}

func TestFromCompletesWebasystStdinAndCSVFiles(t *testing.T) { // not parallel: it changes the working folder
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "people.csv"), nil, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "rosters"), 0o700))
	t.Chdir(dir)
	h := newHarness(t, nil)
	for _, cmd := range [][]string{{"sync", "plan"}, {"sync", "apply"}} {
		got, directive := complete(h, append(cmd, "--from", "")...)
		assert.ElementsMatch(t, []string{"webasyst", "-", "people.csv", "rosters" + string(filepath.Separator)}, got, "%v", cmd)
		assert.Equal(t, ":6", directive, "no other file names, and no space after a folder")
	}
	got, directive := complete(h, "sync", "plan", "--from", "w")
	assert.Equal(t, []string{"webasyst"}, got)
	assert.Equal(t, noFiles, directive)
}

func TestContextCompletesSavedNames(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	require.Equal(t, 0, h.createContext("acme", "https://acme.worksection.com", "k1").code)
	require.Equal(t, 0, h.createContext("beta", "https://beta.worksection.com", "k2").code)
	got, directive := complete(h, "users", "list", "--context", "")
	assert.Equal(t, []string{"acme", "beta"}, got)
	assert.Equal(t, noFiles, directive)
	got, _ = complete(h, "users", "list", "--context", "b")
	assert.Equal(t, []string{"beta"}, got)
}

func TestCompletionHelpNamesBashCompletion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"completion", "-h"}, {"completion", "bash", "-h"}} {
		r := newHarness(t, nil).run(args...)
		assert.Equal(t, 0, r.code)
		assert.Contains(t, r.stdout, "bash-completion", "%v", args)
	}
}
