package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/worksectiontest"
)

// A sign-in the person refuses ends the wait at once, exit 1, with the
// server's error and description, sanitised; a wrong state is still
// refused and does not end it.
func TestLoginRefusedEndsAtOnce(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	h.env = map[string]string{envClientID: srv.ClientID, envClientSecret: srv.ClientSecret, envOAuthURL: srv.URL}
	wrongState := make(chan int, 1)
	var stdout, stderr bytes.Buffer
	env := h.environ(&stdout, &stderr)
	env.Browse = func(ctx context.Context, authorize string) {
		u, err := url.Parse(authorize)
		if err != nil {
			return
		}
		q := u.Query()
		back := func(state string) int {
			cb := q.Get("redirect_uri") + "?" + url.Values{"state": {state}, "error": {"access_denied"},
				"error_description": {"The user denied access\x1b[2J\u202e"}}.Encode()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cb, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		wrongState <- back("not-the-state")
		back(q.Get("state"))
	}
	code := Run(context.Background(), env, []string{"login", "--timeout", "60s"})
	assert.Equal(t, 1, code)
	assert.Equal(t, http.StatusBadRequest, <-wrongState, "a wrong state is refused")
	require.Contains(t, stderr.String(), "worksection: the sign-in was refused: access_denied: The user denied access[2J\n")
	assert.NotContains(t, stderr.String(), "waiting for the sign-in")
	assert.NotContains(t, stderr.String(), "\x1b")
	assert.Zero(t, srv.ActionCount("oauth2/token"), "no code was exchanged")
}

func TestLoginSavesTokenAndIsUsed(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	oneErrorLine(t, h.run("login"), "login needs an OAuth app", envClientID)
	h.env[envClientID] = srv.ClientID
	oneErrorLine(t, h.run("login"), "WORKSECTION_CLIENT_ID is set but WORKSECTION_CLIENT_SECRET is not")

	h.env[envClientSecret], h.env[envOAuthURL] = srv.ClientSecret, srv.URL
	r := h.run("login", "-o", "table")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Signed in to "+hostOf(srv.URL)+`; the token is saved in context "default" (in a file of mode 0600).`)
	assert.Contains(t, r.stderr, "no OS keyring: secrets are kept in files of mode 0600")
	path := filepath.Join(h.config, "worksection", "secrets", "default")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var saved struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		AccountURL   string `json:"account_url"`
	}
	require.NoError(t, json.Unmarshal(b, &saved))
	assert.Equal(t, srv.URL, saved.AccountURL)
	assert.NotEmpty(t, saved.RefreshToken)
	assert.NotContains(t, r.stdout+r.stderr, saved.AccessToken, "the token is never printed")
	assert.NotContains(t, r.stdout+r.stderr, srv.ClientSecret)

	// No account variables now: the context login made active is used, not the fake.
	r = h.run("users", "list")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	assert.Contains(t, r.stdout, "kate.greenway@acme.example")
	assert.Equal(t, 1, bearerCalls(srv, "get_users"))
}

// bearerCalls counts the calls of action made with a bearer token.
func bearerCalls(srv *worksectiontest.Server, action string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Action == action && r.Auth == worksectiontest.AuthBearer {
			n++
		}
	}
	return n
}
