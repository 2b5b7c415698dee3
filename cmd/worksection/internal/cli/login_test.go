package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
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
