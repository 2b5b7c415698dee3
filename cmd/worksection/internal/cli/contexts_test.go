package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/worksectiontest"
)

// createContext runs `context create NAME --account-url URL --api-key-stdin`.
func (h *harness) createContext(name, url, key string) result {
	h.stdin = key + "\n"
	defer func() { h.stdin = "" }()
	return h.run("context", "create", name, "--account-url", url, "--api-key-stdin")
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(s), &v), s)
	return v
}

func TestContextCreateRefusesBadInput(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	oneErrorLine(t, h.createContext("a b", srv.URL, "k"), `context name "a b": use up to 64 letters`)
	oneErrorLine(t, h.createContext("../x", srv.URL, "k"), "context name")
	oneErrorLine(t, h.run("context", "create", "a", "--api-key-stdin"), "--account-url is required")
	oneErrorLine(t, h.createContext("a", "acme.worksection.com", "k"), "--account-url: URL", "has no host")
	oneErrorLine(t, h.createContext("a", "http://acme.worksection.com", "k"), "--account-url", "https")
	r := h.run("context", "create", "a", "--account-url", srv.URL, "--api-key", "flag-secret-123")
	oneErrorLine(t, r, "never takes the key from --api-key", "--api-key-stdin")
	assert.NotContains(t, r.stderr, "flag-secret-123")
	oneErrorLine(t, h.run("context", "create", "a", "--account-url", srv.URL), "no terminal to ask for the API key: pipe it in with --api-key-stdin")
	oneErrorLine(t, h.createContext("a", srv.URL, "  "), "no API key given")
	r = h.createContext("a", srv.URL, "two words-secret")
	oneErrorLine(t, r, "the API key must be one word on one line")
	assert.NotContains(t, r.stderr, "words-secret")
	oneErrorLine(t, h.run("context", "create"), "accepts 1 arg(s), received 0")
	assert.NoDirExists(t, filepath.Join(h.config, "worksection"), "nothing saved")

	require.Equal(t, 0, h.createContext("a", srv.URL, srv.APIKey).code)
	oneErrorLine(t, h.createContext("a", srv.URL, "k2"), `context "a" (`+hostOf(srv.URL)+`, api key) exists`, "worksection context delete a")
}

func TestContextLifecycle(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)

	r := h.run("context", "list")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "[]\n", r.stdout, "no contexts: an empty JSON list")
	oneErrorLine(t, h.run("context", "active"), "no context is active")
	oneErrorLine(t, h.run("context", "use", "nope"), `no context "nope": there are none yet`)

	r = h.createContext("one", srv.URL, srv.APIKey)
	require.Equal(t, 0, r.code, r.stderr)
	created := decode[contextJSON](t, r.stdout)
	assert.Equal(t, contextJSON{Name: "one", Active: true, AccountURL: srv.URL, Host: hostOf(srv.URL), Credential: kindAPIKey, Store: storeFile}, created)
	require.Equal(t, 0, h.createContext("two", srv.URL, "wrong-key-456").code, "the newest becomes active, as in hcloud")

	r = h.run("context", "list", "-o", "table")
	require.Equal(t, 0, r.code)
	assert.Equal(t, []string{
		"ACTIVE  NAME  ACCOUNT          CREDENTIAL  STORE",
		"-       one   " + hostOf(srv.URL) + "  api key     file",
		"*       two   " + hostOf(srv.URL) + "  api key     file",
	}, lines(r.stdout))
	assert.Len(t, decode[[]contextJSON](t, h.run("context", "list", "-o", "json").stdout), 2)

	r = h.run("context", "use", "one")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, decode[contextJSON](t, r.stdout).Active)
	assert.Equal(t, "one", decode[contextJSON](t, h.run("context", "active").stdout).Name)
	oneErrorLine(t, h.run("context", "use", "three"), `no context "three"; have one, two`)

	// The active context is used, with no fake and nothing on stderr.
	r = h.run("teams", "list", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	assert.Contains(t, r.stdout, "Northwind Traders")

	// --context, then WORKSECTION_CONTEXT, then the active one.
	h.env[envContext] = "two"
	r = h.run("context", "use", "one")
	require.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, `context "one" is active, but WORKSECTION_CONTEXT set in this shell comes first`)
	assert.Equal(t, "two", decode[contextJSON](t, h.run("context", "active").stdout).Name)
	assert.Equal(t, exitUnauthorized, h.run("teams", "list").code, "two's key is wrong")
	assert.Equal(t, "one", decode[contextJSON](t, h.run("context", "active", "--context", "one").stdout).Name)
	assert.Equal(t, 0, h.run("teams", "list", "--context", "one").code)
	h.env[envContext] = "nope"
	oneErrorLine(t, h.run("teams", "list"), `no context "nope"; have one, two`)
	delete(h.env, envContext)

	// Deleting the active context leaves none active: the fake again.
	r = h.run("context", "delete", "one")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "one", decode[contextJSON](t, r.stdout).Name)
	assert.NoFileExists(t, filepath.Join(h.config, "worksection", "secrets", "one"))
	oneErrorLine(t, h.run("context", "active"), "no context is active")
	r = h.run("teams", "list")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "using a built-in fake account")
	oneErrorLine(t, h.run("context", "delete", "one"), `no context "one"; have two`)
}

// Flags and variables come before any context; naming a context that is
// then not used says so.
func TestContextPrecedence(t *testing.T) {
	t.Parallel()
	good := worksectiontest.NewServer()
	defer good.Close()
	other := worksectiontest.NewServer(worksectiontest.WithSeed(worksectiontest.Seed{}))
	defer other.Close()
	h := newHarness(t, nil)
	require.Equal(t, 0, h.createContext("ctx", other.URL, other.APIKey).code)

	h.env[envAccountURL], h.env[envAPIKey] = good.URL, good.APIKey
	r := h.run("context", "use", "ctx")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "worksection: context \"ctx\" is active, but WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY set in this shell come first (see `worksection auth status`)\n", r.stderr)
	r = h.run("teams", "list", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Northwind Traders", "the variables, not the active context")
	assert.Empty(t, r.stderr, "an active context that is not used is not worth a word")
	r = h.run("teams", "list", "--context", "ctx", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Northwind Traders")
	assert.Equal(t, "worksection: --context \"ctx\" is not used: WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY come first\n", r.stderr)

	// Half a pair is an error even with a context to fall back on.
	delete(h.env, envAPIKey)
	oneErrorLine(t, h.run("teams", "list"), "WORKSECTION_ACCOUNT_URL is set but WORKSECTION_API_KEY (or --api-key) is not")
	oneErrorLine(t, h.run("teams", "list", "--context", "ctx"), "WORKSECTION_ACCOUNT_URL is set but WORKSECTION_API_KEY")

	// Flags before variables, each of the pair on its own.
	h.env[envAccountURL], h.env[envAPIKey] = other.URL, "wrong"
	r = h.run("teams", "list", "--account-url", good.URL, "--api-key", good.APIKey, "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Northwind Traders")

	h.env = map[string]string{}
	r = h.run("teams", "list", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "Northwind Traders", "the active context's (empty) account")
}

func TestConfigFileErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	require.NoError(t, os.MkdirAll(filepath.Join(h.config, "worksection"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(h.config, "worksection", configFileName), []byte("{not json"), 0o600))
	oneErrorLine(t, h.run("users", "list"), "reading the config", configFileName)
	oneErrorLine(t, h.run("context", "list"), "reading the config")

	for body, msg := range map[string]string{
		`{"contexts":[{"name":"a\u001b[2Jb","account_url":"https://a.example","credential":"api key","store":"file"}]}`: `context 1: context name "a\x1b[2Jb"`,
		`{"contexts":[{"name":"a","account_url":"https://a.example/\u001b[2J","credential":"api key","store":"file"}]}`: `context "a": account_url: URL`,
		`{"contexts":[{"name":"a","account_url":"https://a.example","credential":"password","store":"file"}]}`:          `context "a": credential "password" or store "file" is not one the tool writes`,
		`{"active":"gone","contexts":[]}`: `the active context "gone" does not exist`,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(h.config, "worksection", configFileName), []byte(body), 0o600))
		r := h.run("context", "list")
		oneErrorLine(t, r, msg)
		assert.NotContains(t, r.stderr, "\x1b", "no escape reaches the terminal")
	}
}

// Every new command has help with examples, and those that need no
// context run as printed on the built-in fake.
func TestContextCommandsHelpAndExamples(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	for _, args := range [][]string{{"context"}, {"context", "create"}, {"context", "list"}, {"context", "use"},
		{"context", "active"}, {"context", "delete"}, {"auth"}, {"auth", "status"}, {"logout"}, {"whoami"}, {"login"}} {
		r := h.run(append(args, "-h")...)
		assert.Equal(t, 0, r.code, "%v", args)
		assert.Contains(t, r.stdout, "Examples:", "%v", args)
		assert.Empty(t, r.stderr, "%v", args)
	}
	r := h.run("-h")
	assert.Contains(t, r.stdout, "3. a context named by --context NAME or WORKSECTION_CONTEXT=NAME")
	assert.Contains(t, r.stdout, "4 a credential was refused (authentication)")
	for _, args := range [][]string{{"context", "list"}, {"context", "list", "-o", "json"}, {"auth", "status"},
		{"auth", "status", "-o", "json"}, {"whoami"}, {"whoami", "-o", "json"}} {
		r := h.run(args...)
		assert.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
	}
}

// Runs that change contexts at once lose none of the changes: each reads
// and writes the config under its lock.
func TestConcurrentContextChanges(t *testing.T) {
	t.Parallel()
	config := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errs bytes.Buffer
			env := Env{Getenv: func(string) string { return "" }, Stdin: strings.NewReader("k\n"), Stdout: &out, Stderr: &errs,
				IsTerminal: func(io.Writer) bool { return false }, ConfigDir: func() (string, error) { return config, nil }}
			codes[i] = Run(context.Background(), env, []string{"context", "create", fmt.Sprintf("c%d", i),
				"--account-url", "https://acme.worksection.com", "--api-key-stdin"})
		}()
	}
	wg.Wait()
	assert.Equal(t, make([]int, n), codes)
	h := newHarness(t, nil)
	h.config = config
	assert.Len(t, decode[[]contextJSON](t, h.run("context", "list").stdout), n)
}
