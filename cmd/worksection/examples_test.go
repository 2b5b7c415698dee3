package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryCommandsExamplesRunAsPrinted walks the whole command tree as a
// user sees it, through each command's --help, and checks that every
// command has an Examples section whose lines run as printed: through bash,
// with the built tool on the PATH, no credentials (the built-in fake), in
// a folder holding examples/people.csv. A line exits as its "# exit N"
// comment says, 0 without one. A "# runs until Ctrl-C" line is stopped
// after a few seconds; only a line that needs a browser says so and is
// not run.
func TestEveryCommandsExamplesRunAsPrinted(t *testing.T) {
	u := newUser(t)
	people, err := os.ReadFile(filepath.Join("..", "..", "examples", "people.csv"))
	require.NoError(t, err, "examples/people.csv ships with the module")
	paths := commandPaths(t, u, nil)
	require.Greater(t, len(paths), 40, "the walk reached the whole tree")
	for _, path := range paths {
		t.Run(strings.Join(append([]string{"worksection"}, path...), " "), func(t *testing.T) {
			_, help, _ := u.run("", nil, append(path, "--help")...)
			lines := exampleLines(help)
			require.NotEmpty(t, lines, "an Examples section with a command to run:\n%s", help)
			dir := t.TempDir() // each command's examples share a folder and a config, in order
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "examples"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "examples", "people.csv"), people, 0o600))
			home := newUser(t)
			for _, line := range lines {
				runExample(t, home, dir, line)
			}
		})
	}
}

// commandPaths lists path and every command below it, from the "Available
// Commands" of each --help.
func commandPaths(t *testing.T, u *user, path []string) [][]string {
	code, help, _ := u.run("", nil, append(path, "--help")...)
	require.Equal(t, 0, code, "%v --help", path)
	out := [][]string{path}
	in := false
	for _, l := range strings.Split(help, "\n") {
		switch {
		case l == "Available Commands:":
			in = true
		case in && strings.TrimSpace(l) == "":
			in = false
		case in:
			sub := append(append([]string(nil), path...), strings.Fields(l)[0])
			out = append(out, commandPaths(t, u, sub)...)
		}
	}
	return out
}

// exampleLines are the commands of a help's Examples section.
func exampleLines(help string) []string {
	_, ex, ok := strings.Cut(help, "\nExamples:\n")
	if !ok {
		return nil
	}
	ex, _, _ = strings.Cut(ex, "\n\n")
	var lines []string
	for _, l := range strings.Split(ex, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}

var exitComment = regexp.MustCompile(`#.*\bexit (\d+)`)

// runExample runs one line through bash as u, in dir.
func runExample(t *testing.T, u *user, dir, line string) {
	if strings.Contains(line, "# needs a browser") {
		t.Logf("not run (needs a browser): %s", line)
		return
	}
	want := "0"
	if m := exitComment.FindStringSubmatch(line); m != nil {
		want = m[1]
	}
	until := strings.Contains(line, "# runs until Ctrl-C")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if until {
		ctx, cancel = context.WithTimeout(ctx, 5*time.Second) // ample to start and print, on a busy machine too
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, "bash", "-c", line)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), u.env...), "PATH="+filepath.Dir(u.bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	u.printed.Write(out)
	if until { // stopped by the test: what counts is that it served
		assert.Contains(t, string(out), "export WORKSECTION_ACCOUNT_URL=", "%s\n%s", line, out)
		return
	}
	code := "0"
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = strconv.Itoa(exit.ExitCode())
	} else {
		require.NoError(t, err, line)
	}
	assert.Equal(t, want, code, "%s\n%s", line, out)
}
