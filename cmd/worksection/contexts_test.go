package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"
)

var built struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

// TestMain removes the binary the tests below build once.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binary builds the tool once for the tests that run it.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "worksection-bin-"); built.err == nil {
			built.out, built.err = exec.Command("go", "build", "-o", filepath.Join(built.dir, "worksection"), ".").CombinedOutput()
		}
	})
	require.NoError(t, built.err, "%s", built.out)
	return filepath.Join(built.dir, "worksection")
}

// user is a new user of the built binary: a home and config folder of
// their own, no WORKSECTION_ variables, and a record of everything the
// tool printed, to check that no secret ever appears in it.
type user struct {
	t       *testing.T
	bin     string
	home    string
	env     []string
	printed strings.Builder
	// termCols is the width of the terminals onTerminal opens; 0: none set.
	termCols uint16
}

func newUser(t *testing.T, extra ...string) *user {
	u := &user{t: t, bin: binary(t), home: t.TempDir()}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WORKSECTION_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			u.env = append(u.env, kv)
		}
	}
	u.env = append(u.env, "HOME="+u.home, "XDG_CONFIG_HOME="+filepath.Join(u.home, "config"))
	u.env = append(u.env, extra...)
	return u
}

// configDir is the tool's folder in the user's config folder.
func (u *user) configDir() string { return filepath.Join(u.home, "config", "worksection") }

// run runs the tool with stdin, and more variables.
func (u *user) run(stdin string, env []string, args ...string) (code int, stdout, stderr string) {
	cmd := exec.Command(u.bin, args...)
	cmd.Env = append(append([]string(nil), u.env...), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	u.printed.WriteString(o.String() + e.String())
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), o.String(), e.String()
	}
	require.NoError(u.t, err)
	return 0, o.String(), e.String()
}

// startFake runs `worksection fake --key KEY` and returns its URL.
func startFake(t *testing.T, bin, key string) string {
	fake := exec.Command(bin, "fake", "--key", key)
	pipe, err := fake.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, fake.Start())
	t.Cleanup(func() {
		_ = fake.Process.Signal(syscall.SIGINT)
		_ = fake.Wait()
	})
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "export" && strings.HasPrefix(f[1], "WORKSECTION_ACCOUNT_URL=") {
			go func() { _, _ = io.Copy(io.Discard, pipe) }()
			return strings.TrimPrefix(f[1], "WORKSECTION_ACCOUNT_URL=")
		}
	}
	t.Fatal("the fake printed no export line")
	return ""
}

type contextRecord struct {
	Name       string `json:"name"`
	Active     bool   `json:"active"`
	Host       string `json:"host"`
	Credential string `json:"credential"`
	Store      string `json:"store"`
}

// TestContextsAsANewUser runs the built tool through contexts: create,
// list, use, active, --context, WORKSECTION_CONTEXT, the precedence of
// flags and variables, auth status (exit 4 for a wrong key), whoami,
// logout and delete, with secrets in files of mode 0600 and never printed.
func TestContextsAsANewUser(t *testing.T) {
	const goodKey, badKey = "good-key-7f3a9c", "bad-key-51d0e2"
	u := newUser(t, "WORKSECTION_NO_KEYRING=1") // never the keyring of the machine running the tests
	url := startFake(t, u.bin, goodKey)
	host := strings.TrimPrefix(url, "http://")

	code, stdout, stderr := u.run(goodKey+"\n", nil, "context", "create", "good", "--account-url", url, "--api-key-stdin")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "worksection: WORKSECTION_NO_KEYRING is set: secrets are kept in files of mode 0600 in "+
		filepath.Join(u.configDir(), "secrets")+" (said once)\n", stderr)
	var rec contextRecord
	require.NoError(t, json.Unmarshal([]byte(stdout), &rec))
	assert.Equal(t, contextRecord{Name: "good", Active: true, Host: host, Credential: "api key", Store: "file"}, rec)
	code, _, stderr = u.run(badKey, nil, "context", "create", "bad", "--account-url", url, "--api-key-stdin")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr, "the file notice is given once per config folder")

	code, stdout, _ = u.run("", nil, "context", "list", "-o", "table")
	require.Equal(t, 0, code)
	assert.Regexp(t, `^ACTIVE +NAME +ACCOUNT +CREDENTIAL +STORE\n\* +bad +`+regexp.QuoteMeta(host)+` +api key +file\n- +good +`+regexp.QuoteMeta(host)+` +api key +file\n$`, stdout)
	code, stdout, _ = u.run("", nil, "context", "active")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(stdout), &rec))
	assert.Equal(t, "bad", rec.Name, "create makes the new context active")

	code, _, stderr = u.run("", nil, "users", "list")
	assert.Equal(t, 4, code, "the active context's key is wrong")
	assert.Equal(t, `worksection: get_users: Action hash is missed or invalid (code 2); `+host+` refused the API key of context "bad": `+
		"check the key (Account → API), then `worksection context delete bad` and create it again\n", stderr)

	code, _, stderr = u.run("", nil, "context", "use", "good")
	require.Equal(t, 0, code, stderr)
	code, stdout, stderr = u.run("", nil, "users", "list", "-o", "csv")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr, "a context, not the fake")
	assert.Contains(t, stdout, "kate.greenway@acme.example")

	// --context and WORKSECTION_CONTEXT choose for one run; the flag first.
	code, _, stderr = u.run("", nil, "teams", "list", "--context", "bad")
	assert.Equal(t, 4, code, stderr)
	assert.Contains(t, stderr, `refused the API key of context "bad"`)
	code, _, _ = u.run("", []string{"WORKSECTION_CONTEXT=bad"}, "teams", "list")
	assert.Equal(t, 4, code)
	code, _, _ = u.run("", []string{"WORKSECTION_CONTEXT=bad"}, "teams", "list", "--context", "good")
	assert.Equal(t, 0, code)
	code, _, stderr = u.run("", nil, "teams", "list", "--context", "nope")
	assert.Equal(t, 1, code)
	assert.Equal(t, "worksection: no context \"nope\"; have bad, good (see `worksection context list`)\n", stderr)

	// Variables come before contexts; half a pair is an error, not a fallback.
	code, _, stderr = u.run("", []string{"WORKSECTION_ACCOUNT_URL=" + url, "WORKSECTION_API_KEY=" + badKey}, "teams", "list")
	assert.Equal(t, 4, code)
	assert.Contains(t, stderr, host+" refused the API key from WORKSECTION_API_KEY: check WORKSECTION_API_KEY")
	code, _, stderr = u.run("", []string{"WORKSECTION_ACCOUNT_URL=" + url}, "teams", "list")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "WORKSECTION_ACCOUNT_URL is set but WORKSECTION_API_KEY (or --api-key) is not")
	code, _, stderr = u.run("", []string{"WORKSECTION_API_KEY=" + badKey}, "teams", "list", "--account-url", url)
	assert.Equal(t, 4, code, "a flag and a variable make the pair")
	assert.Contains(t, stderr, "refused the API key from WORKSECTION_API_KEY")

	// auth status: one read; exit 4 with the status printed when refused.
	code, stdout, stderr = u.run("", nil, "auth", "status", "-o", "json")
	require.Equal(t, 0, code, stderr)
	var st struct {
		Host, Credential, From string
		Accepted               bool
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	assert.Equal(t, host, st.Host)
	assert.Equal(t, "api key", st.Credential)
	assert.Equal(t, `context "good"`, st.From)
	assert.True(t, st.Accepted)
	code, stdout, stderr = u.run("", nil, "auth", "status", "--context", "bad", "-o", "table")
	assert.Equal(t, 4, code)
	assert.Regexp(t, `(?m)^`+regexp.QuoteMeta(host)+` +api key +context "bad" +- +- +refused$`, stdout)
	assert.Len(t, strings.Split(strings.TrimSpace(stderr), "\n"), 1)

	code, stdout, _ = u.run("", nil, "whoami", "-o", "csv")
	require.Equal(t, 0, code)
	assert.Equal(t, "ACCOUNT,CREDENTIAL,FROM\n"+host+",admin api key,\"context \"\"good\"\"\"\n", stdout)

	// The secrets: files of mode 0600 in a folder of mode 0700.
	for _, name := range []string{"config.json", "secrets/good", "secrets/bad"} {
		fi, err := os.Stat(filepath.Join(u.configDir(), name))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), name)
	}
	fi, err := os.Stat(filepath.Join(u.configDir(), "secrets"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	config, err := os.ReadFile(filepath.Join(u.configDir(), "config.json"))
	require.NoError(t, err)
	assert.NotContains(t, string(config), goodKey)

	// logout forgets the secret and keeps the context; delete drops both.
	code, _, stderr = u.run("", nil, "logout", "--context", "bad")
	require.Equal(t, 0, code, stderr)
	assert.NoFileExists(t, filepath.Join(u.configDir(), "secrets", "bad"))
	code, _, stderr = u.run("", nil, "teams", "list", "--context", "bad")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `context "bad" (`+host+`, api key) has no saved API key`)
	code, _, _ = u.run("", nil, "context", "delete", "bad")
	require.Equal(t, 0, code)
	code, stdout, _ = u.run("", nil, "context", "list", "-o", "csv")
	require.Equal(t, 0, code)
	assert.Equal(t, "ACTIVE,NAME,ACCOUNT,CREDENTIAL,STORE\n*,good,"+host+",api key,file\n", stdout)
	code, _, _ = u.run("", nil, "context", "delete", "good")
	require.Equal(t, 0, code)
	code, _, stderr = u.run("", nil, "teams", "list")
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "using a built-in fake account", "no context left: the fake")

	assert.NotContains(t, u.printed.String(), goodKey)
	assert.NotContains(t, u.printed.String(), badKey)
}

// On a machine without an OS keyring (headless Linux, CI) the built tool
// falls back to the file by itself and says why.
func TestContextFileFallbackWithoutKeyring(t *testing.T) {
	if _, err := keyring.Get("worksection-test-probe", "nobody"); err == nil || errors.Is(err, keyring.ErrNotFound) {
		t.Skip("this machine has an OS keyring; the fallback is tested in package cli with a failing keyring")
	}
	u := newUser(t)
	code, stdout, stderr := u.run("k-123\n", nil, "context", "create", "c", "--account-url", "https://acme.worksection.com", "--api-key-stdin")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "worksection: no OS keyring: ")
	assert.Contains(t, stderr, "secrets are kept in files of mode 0600 in "+filepath.Join(u.configDir(), "secrets")+" (said once)")
	assert.Contains(t, stdout, `"store": "file"`)
	fi, err := os.Stat(filepath.Join(u.configDir(), "secrets", "c"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}
