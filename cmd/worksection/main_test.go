package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAsANewUser builds the binary and uses it as a new user would: the
// fake in one process, and sync plan/apply from others against it.
func TestAsANewUser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goBin, err := exec.LookPath("go")
	require.NoError(t, err)
	dir := t.TempDir()
	bin := filepath.Join(dir, "worksection")
	out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)

	// A clean environment: no credentials, no saved login.
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WORKSECTION_") && !strings.HasPrefix(kv, "WEBASYST_") &&
			!strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			base = append(base, kv)
		}
	}
	base = append(base, "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	run := func(env []string, args ...string) (code int, stdout, stderr string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var o, e strings.Builder
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), o.String(), e.String()
		}
		require.NoError(t, err)
		return 0, o.String(), e.String()
	}

	code, stdout, stderr := run(base, "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Usage:")
	assert.Empty(t, stderr)

	code, stdout, stderr = run(base, "users", "list")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `"email": "kate.greenway@acme.example"`, "JSON when stdout is not a terminal")
	assert.Len(t, strings.Split(strings.TrimSpace(stderr), "\n"), 1, "one line says the fake is used: %s", stderr)

	code, _, stderr = run(append(base, "WORKSECTION_ACCOUNT_URL=https://acme.worksection.com"), "users", "list")
	assert.Equal(t, 1, code)
	assert.Equal(t, "worksection: WORKSECTION_ACCOUNT_URL is set but WORKSECTION_API_KEY (or --api-key) is not; set both, or neither to use the built-in fake\n", stderr)

	// doctor on the built-in fake: every probe agrees; Ctrl-C stops it at
	// once and prints what was found.
	code, stdout, stderr = run(base, "doctor", "--write-probes", "-o", "json")
	assert.Equal(t, 0, code, "%s\n%s", stdout, stderr)
	var report struct {
		Fake        bool `json:"fake"`
		Interrupted bool `json:"interrupted"`
		Probes      []struct{ Verdict string }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &report))
	assert.True(t, report.Fake)
	assert.Len(t, report.Probes, 7)
	doctor := exec.Command(bin, "doctor", "-o", "json")
	doctor.Env = base
	var dout strings.Builder
	doctor.Stdout = &dout
	require.NoError(t, doctor.Start())
	time.Sleep(time.Second) // a run on the fake takes over 2 s: 10 requests 220 ms apart
	require.NoError(t, doctor.Process.Signal(syscall.SIGINT))
	stopped := time.Now()
	assert.Error(t, doctor.Wait(), "interrupted is not success")
	assert.Less(t, time.Since(stopped), 2*time.Second, "stops at once")
	report.Interrupted = false
	require.NoError(t, json.Unmarshal([]byte(dout.String()), &report), dout.String())
	assert.True(t, report.Interrupted)
	assert.Len(t, report.Probes, 7, "every probe is reported, those not run as unknown")

	// The fake in the foreground of its own process.
	fake := exec.Command(bin, "fake")
	fake.Env = base
	pipe, err := fake.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, fake.Start())
	defer func() { _ = fake.Process.Kill() }()
	var exports []string
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "export" && strings.HasPrefix(f[1], "WORKSECTION_ACCOUNT_URL=") {
			exports = f[1:]
			break
		}
	}
	require.Len(t, exports, 2, "fake prints the export line")
	go func() { _, _ = io.Copy(io.Discard, pipe) }()
	env := append(append([]string(nil), base...), exports...)

	people := filepath.Join(dir, "people.csv")
	require.NoError(t, os.WriteFile(people, []byte("email,first_name,last_name,team,role,projects\n"+
		"ann@new.example,Ann,Lee,Sales,guest,28\n"+
		"bo@new.example,Bo,Berg,Sales,,\n"+
		"kate.greenway@acme.example,Kate,Greenway,Development,,26 28\n"), 0o600))

	code, stdout, stderr = run(env, "sync", "plan", "--from", people, "-o", "table")
	assert.Equal(t, 2, code, "changes to make: %s", stderr)
	assert.Contains(t, stdout, "Plan: 1 team to create, 2 people to invite")
	assert.Empty(t, stderr, "the real (fake) account: no fallback notice")

	var first, second struct {
		Done   []struct{ Action, Target string } `json:"done"`
		Failed []any                             `json:"failed"`
	}
	code, stdout, stderr = run(env, "sync", "apply", "--yes", "--from", people)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &first))
	assert.Len(t, first.Done, 4, "one team, two invitations, one project (Kate is on 26 already)")
	assert.Len(t, strings.Split(strings.TrimSpace(stderr), "\n"), 4, "one progress line per step: %s", stderr)

	code, stdout, stderr = run(env, "sync", "apply", "--yes", "--from", people)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &second))
	assert.Empty(t, second.Done, "the second apply changes nothing")
	assert.Empty(t, stderr)

	code, stdout, _ = run(env, "sync", "plan", "--from", people, "-o", "table")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Nothing to do")

	code, stdout, _ = run(env, "users", "list", "-o", "csv")
	assert.Equal(t, 0, code)
	assert.Equal(t, 1, strings.Count(stdout, "ann@new.example"))
	code, stdout, _ = run(env, "projects", "members", "list", "28", "-o", "csv")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, ",ann@new.example,Ann Lee\n")
	assert.Contains(t, stdout, ",kate.greenway@acme.example,Kate Greenway\n")

	require.NoError(t, fake.Process.Signal(syscall.SIGINT))
	assert.NoError(t, fake.Wait(), "fake stops cleanly on Ctrl-C")
}
