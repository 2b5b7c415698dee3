package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/storedtoken"
	"github.com/worksection-go/worksection/webasyst/webasysttest"
	"github.com/worksection-go/worksection/worksectiontest"
)

// refusedLine checks exit status 4 and one line on stderr.
func refusedLine(t *testing.T, r result, contains ...string) {
	t.Helper()
	assert.Equal(t, exitUnauthorized, r.code, r.stderr)
	require.Len(t, lines(r.stderr), 1, "%q", r.stderr)
	for _, c := range contains {
		assert.Contains(t, r.stderr, c)
	}
}

// A refused credential exits 4 for every command and names where it came from.
func TestRefusedCredentialNamesItsSource(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	h.env[envAccountURL], h.env[envAPIKey] = srv.URL, "wrong-key-123"
	people := writeCSV(t, "email\na@new.example\n")
	for _, args := range [][]string{
		{"users", "list"}, {"teams", "create", "X"}, {"contacts", "list"}, {"folders", "list"},
		{"subscribe", "--task", "1", "--email", "a@b.example"}, {"projects", "members", "list", "28"},
		{"schedule", "get"}, {"sync", "plan", "--from", people}, {"sync", "apply", "--from", people},
		{"auth", "status"},
	} {
		r := h.run(args...)
		refusedLine(t, r, hostOf(srv.URL)+" refused the API key from WORKSECTION_API_KEY: check WORKSECTION_API_KEY")
		assert.NotContains(t, r.stdout+r.stderr, "wrong-key-123", "%v", args)
	}
	refusedLine(t, h.run("users", "list", "--api-key", "wrong-key-123"), "refused the API key from --api-key: check --api-key")

	h.env = map[string]string{}
	require.Equal(t, 0, h.createContext("bad", srv.URL, "wrong-key-123").code)
	r := h.run("users", "list")
	refusedLine(t, r, `refused the API key of context "bad": check the key`, "worksection context delete bad")
	assert.NotContains(t, r.stderr, "wrong-key-123")

	h.env[envClientID], h.env[envClientSecret], h.env[envOAuthURL] = srv.ClientID, srv.ClientSecret, srv.URL
	require.Equal(t, 0, h.run("login", "--context", "tok").code)
	putToken(t, h, "tok", &oauth2.Token{AccessToken: "revoked-token-456", Expiry: time.Now().Add(time.Hour)})
	r = h.run("users", "list", "--context", "tok")
	refusedLine(t, r, `refused the OAuth token of context "tok": sign in again with `+"`worksection login --context tok`")
	assert.NotContains(t, r.stderr, "revoked-token-456")
}

func TestRefusedWebasystToken(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	team := webasysttest.NewServer()
	defer team.Close()
	h := newHarness(t, srv)
	h.env[envWebasystURL], h.env[envWebasystTok] = team.URL, "wrong-wa-token-321"
	r := h.run("sync", "plan", "--from", "webasyst")
	refusedLine(t, r, "the Webasyst server refused WEBASYST_TOKEN: check it")
	assert.NotContains(t, r.stderr, "refused the API key", "the Worksection key was not the one refused")
	assert.NotContains(t, r.stderr, "wrong-wa-token-321")
}

// putToken replaces a file-kept context's token.
func putToken(t *testing.T, h *harness, name string, tok *oauth2.Token) {
	t.Helper()
	b, err := storedtoken.Marshal(tok)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(h.config, "worksection", "secrets", name), b, 0o600))
}

func TestAuthStatus(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	r := h.run("auth", "status")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, authStatus{AccountURL: srv.URL, Host: hostOf(srv.URL), Credential: kindAPIKey, From: envAPIKey, Accepted: true},
		decode[authStatus](t, r.stdout))
	assert.Equal(t, 1, srv.ActionCount("get_user_groups"), "one cheap read")
	assert.NotContains(t, r.stdout, srv.APIKey)

	r = newHarness(t, nil).run("auth", "status", "-o", "table")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `(?m)^127\.0\.0\.1:\d+ +api key +the built-in fake +- +- +accepted$`, r.stdout)

	h.env = map[string]string{envClientID: srv.ClientID, envClientSecret: srv.ClientSecret, envOAuthURL: srv.URL}
	require.Equal(t, 0, h.run("login").code)
	r = h.run("auth", "status")
	require.Equal(t, 0, r.code, r.stderr)
	st := decode[authStatus](t, r.stdout)
	assert.Equal(t, kindToken, st.Credential)
	assert.Equal(t, `context "default"`, st.From)
	require.NotNil(t, st.Expires)
	assert.True(t, st.Expires.After(time.Now()), "a live token's expiry: %v", st.Expires)
	require.NotNil(t, st.Refreshes)
	assert.True(t, *st.Refreshes)
	assert.Equal(t, 1, bearerCalls(srv, "me"))

	delete(h.env, envClientSecret)
	r = h.run("auth", "status", "-o", "table")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "no (WORKSECTION_CLIENT_SECRET is not set)")
	assert.Contains(t, r.stdout, `context "default"`)

	// An expired token without the client secret to refresh it.
	tok, err := storedtoken.Unmarshal(readSecret(t, h, "default"))
	require.NoError(t, err)
	tok.Expiry = time.Now().Add(-time.Minute)
	putToken(t, h, "default", tok)
	r = h.run("whoami")
	refusedLine(t, r, `the OAuth token of context "default" for `+hostOf(srv.URL)+" was refused or could not be refreshed: set WORKSECTION_CLIENT_SECRET")
	assert.NotContains(t, r.stderr, tok.RefreshToken)

	h.env[envClientSecret] = srv.ClientSecret
	putToken(t, h, "default", &oauth2.Token{AccessToken: "revoked", Expiry: time.Now().Add(time.Hour)})
	r = h.run("auth", "status", "-o", "table")
	refusedLine(t, r, `refused the OAuth token of context "default": sign in again`)
	assert.Regexp(t, `oauth token +context "default" +\S+ +no \(no refresh token\) +refused`, r.stdout, "the status is printed too")
}

func readSecret(t *testing.T, h *harness, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(h.config, "worksection", "secrets", name))
	require.NoError(t, err)
	return b
}

func TestWhoami(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	r := h.run("whoami", "-o", "table")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, []string{"ACCOUNT          CREDENTIAL     FROM", hostOf(srv.URL) + "  admin api key  WORKSECTION_API_KEY"}, lines(r.stdout))
	assert.Empty(t, srv.Requests(), "an API key belongs to the account: nothing to ask")

	h.env = map[string]string{envClientID: srv.ClientID, envClientSecret: srv.ClientSecret, envOAuthURL: srv.URL}
	require.Equal(t, 0, h.run("login", "--context", "me").code)
	r = h.run("whoami")
	require.Equal(t, 0, r.code, r.stderr)
	u := decode[ws.User](t, r.stdout)
	assert.NotEmpty(t, u.Email, "the member the token belongs to, one object")
	assert.Equal(t, 1, bearerCalls(srv, "me"))
}

func TestLogout(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	oneErrorLine(t, h.run("logout"), "no context to log out of: give --context NAME")
	require.Equal(t, 0, h.createContext("a", srv.URL, srv.APIKey).code)
	r := h.run("logout", "-o", "table")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `Logged out: the api key of context "a" is forgotten.`)
	assert.NoFileExists(t, filepath.Join(h.config, "worksection", "secrets", "a"))
	assert.Contains(t, h.run("context", "list", "-o", "csv").stdout, ",a,", "the context stays")
	oneErrorLine(t, h.run("users", "list"), `context "a" (`+hostOf(srv.URL)+`, api key) has no saved API key`)

	h.env = map[string]string{envClientID: srv.ClientID, envClientSecret: srv.ClientSecret, envOAuthURL: srv.URL}
	require.Equal(t, 0, h.run("login", "--context", "t").code)
	require.Equal(t, 0, h.run("logout", "--context", "t").code)
	oneErrorLine(t, h.run("whoami", "--context", "t"), "has no saved token", "worksection login --context t")
	r = h.run("login", "--context", "t")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 0, h.run("whoami", "--context", "t").code, "signed in again")
	r = h.run("login", "--context", "a", "-o", "table")
	require.Equal(t, 0, r.code, "the same account: the key is replaced by a token")
	assert.Contains(t, r.stdout, `"a"`)
	assert.True(t, strings.Contains(h.run("context", "list", "-o", "csv").stdout, ",a,"+hostOf(srv.URL)+",oauth token,file"))
}

func TestLoginIntoAnotherAccountsContext(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	other := worksectiontest.NewServer()
	defer other.Close()
	h := newHarness(t, nil)
	require.Equal(t, 0, h.createContext("acme", other.URL, other.APIKey).code)
	h.env = map[string]string{envClientID: srv.ClientID, envClientSecret: srv.ClientSecret, envOAuthURL: srv.URL}
	r := h.run("login")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, `worksection: context "acme" (`+hostOf(other.URL)+`, api key) is for another account than `+hostOf(srv.URL)+
		", where you signed in: nothing saved; sign in with --context NEW-NAME", lines(r.stderr)[len(lines(r.stderr))-1])
	assert.Equal(t, 0, h.run("teams", "list").code, "acme's key is kept")
	oneErrorLine(t, h.run("login", "--context", "bad/name"), "context name")
}

// A token response naming a malformed account_url is refused and nothing
// is saved, never a context the next run could not load.
func TestLoginRefusesABadAccountURL(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=c1&state="+q.Get("state"), http.StatusFound)
	})
	mux.HandleFunc("/oauth2/token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"at-secret-555","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-secret-555","account_url":"acme.worksection.com"}`)
	})
	oauth := httptest.NewServer(mux)
	defer oauth.Close()
	h := newHarness(t, nil)
	h.env = map[string]string{envClientID: "id", envClientSecret: "s", envOAuthURL: oauth.URL}
	r := h.run("login")
	assert.Equal(t, 1, r.code)
	last := lines(r.stderr)[len(lines(r.stderr))-1]
	assert.Equal(t, `worksection: the token response's account_url: URL "acme.worksection.com" has no host; want https://<account>.worksection.com`, last)
	assert.NotContains(t, r.stderr, "secret-555")
	assert.NoFileExists(t, filepath.Join(h.config, "worksection", configFileName))
	assert.Equal(t, 0, h.run("context", "list").code)
}
