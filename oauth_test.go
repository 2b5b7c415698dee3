package worksection_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

const callback = "http://127.0.0.1:9999/callback"

// authorizeCode plays the browser: it opens the authorize URL, which the
// fake approves at once, and returns the code from the redirect.
func authorizeCode(t *testing.T, cfg *oauth2.Config, state string) string {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(cfg.AuthCodeURL(state))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, state, loc.Query().Get("state"))
	return loc.Query().Get("code")
}

func TestAuthCodeURL(t *testing.T) {
	t.Parallel()
	cfg := ws.NewOAuth2Config("client-1", "s3cret", "https://app.example/cb", ws.ScopeUsersRead, ws.ScopeContactsRead)
	u, err := url.Parse(cfg.AuthCodeURL("xyz"))
	require.NoError(t, err)
	assert.Equal(t, "https://worksection.com/oauth2/authorize", u.Scheme+"://"+u.Host+u.Path)
	q := u.Query()
	assert.Equal(t, "client-1", q.Get("client_id"))
	assert.Equal(t, "https://app.example/cb", q.Get("redirect_uri"))
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, "xyz", q.Get("state"))
	assert.Equal(t, "users_read contacts_read", q.Get("scope"))
	assert.NotContains(t, u.String(), "s3cret", "the client secret never goes into the authorize URL")
	assert.Equal(t, "https://worksection.com/oauth2/token", cfg.Endpoint.TokenURL)
}

func TestOAuthFlowEndToEnd(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer(worksectiontest.WithOAuthUser("yuki.tanaka@acme.example"))
	defer srv.Close()
	cfg := srv.OAuthConfig(callback, ws.ScopeUsersRead)
	ctx := context.Background()

	code := authorizeCode(t, cfg, "state-1")
	tok, err := ws.Exchange(ctx, cfg, code)
	require.NoError(t, err)
	assert.Equal(t, srv.URL, ws.AccountURL(tok))
	assert.NotEmpty(t, tok.RefreshToken)
	assert.WithinDuration(t, time.Now().Add(24*time.Hour), tok.Expiry, time.Minute)

	c, err := ws.NewClientFromToken(ctx, cfg, tok)
	require.NoError(t, err)
	me, err := c.Me(ctx)
	require.NoError(t, err)
	assert.Equal(t, "yuki.tanaka@acme.example", me.Email)

	_, err = ws.Exchange(ctx, cfg, code)
	var oe *ws.OAuthError
	require.ErrorAs(t, err, &oe, "a code works once")
	assert.Equal(t, &ws.OAuthError{Code: "invalid_request", Description: "Authorization code has been revoked", HTTPStatus: 200}, oe)
	assert.ErrorIs(t, err, ws.ErrUnauthorized)

	bad := *cfg
	bad.ClientSecret = "wrong"
	_, err = ws.Exchange(ctx, &bad, authorizeCode(t, cfg, "s"))
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "invalid_client", oe.Code)
	assert.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "wrong")
}

func TestNewClientFromTokenNeedsAccountURL(t *testing.T) {
	t.Parallel()
	_, err := ws.NewClientFromToken(context.Background(), ws.NewOAuth2Config("a", "b", "c"), &oauth2.Token{AccessToken: "x"})
	assert.ErrorContains(t, err, "account_url")
}

// tokenLog records the tokens handed to the persistence hook.
type tokenLog struct {
	mu   sync.Mutex
	toks []*oauth2.Token
	err  error
}

func (l *tokenLog) save(t *oauth2.Token) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.toks = append(l.toks, t)
	return l.err
}

func (l *tokenLog) all() []*oauth2.Token {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*oauth2.Token(nil), l.toks...)
}

func TestExpiredTokenRefreshedOnceAndRotated(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	ctx := context.Background()
	tok := srv.NewToken("kate.greenway@acme.example")
	saved := &tokenLog{}
	c, err := ws.NewClientFromToken(ctx, cfg, tok, ws.WithTokenSource(ws.NewTokenSource(ctx, cfg, tok, saved.save)))
	require.NoError(t, err)

	srv.ExpireAccessToken(tok.AccessToken) // the server says expired; the client's clock does not know
	me, err := c.Me(ctx)
	require.NoError(t, err)
	assert.Equal(t, "kate.greenway@acme.example", me.Email)
	assert.Equal(t, 1, srv.RefreshCount())
	require.Len(t, saved.all(), 1, "the hook saw the new token")
	fresh := saved.all()[0]
	assert.NotEqual(t, tok.RefreshToken, fresh.RefreshToken, "refresh tokens rotate")
	assert.Equal(t, srv.URL, ws.AccountURL(fresh))

	// The old refresh token is refused now, as a revoked grant.
	_, err = ws.NewTokenSource(ctx, cfg, &oauth2.Token{RefreshToken: tok.RefreshToken}, nil).Token()
	var oe *ws.OAuthError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "invalid_grant", oe.Code)
	assert.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.NotContains(t, err.Error(), tok.RefreshToken)

	// So is the old access token.
	old, err := ws.NewClient(srv.URL, ws.WithAccessToken(tok.AccessToken))
	require.NoError(t, err)
	_, err = old.Me(ctx)
	assert.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.NotContains(t, err.Error(), tok.AccessToken)
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	tok := srv.NewToken("kate.greenway@acme.example")
	tok.Expiry = time.Now().Add(30 * time.Second) // inside the one-minute margin
	saved := &tokenLog{}
	ts := ws.NewTokenSource(context.Background(), cfg, tok, saved.save)
	got, err := ts.Token()
	require.NoError(t, err)
	assert.NotEqual(t, tok.AccessToken, got.AccessToken)
	assert.Equal(t, 1, srv.RefreshCount())
	again, err := ts.Token()
	require.NoError(t, err)
	assert.Same(t, got, again, "a fresh token is reused")
	assert.Len(t, saved.all(), 1)
}

func TestConcurrentCallersShareOneRefresh(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"expired locally", "expired on the server"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			srv := worksectiontest.NewServer()
			defer srv.Close()
			cfg := srv.OAuthConfig(callback)
			ctx := context.Background()
			tok := srv.NewToken("kate.greenway@acme.example")
			if how == "expired locally" {
				tok.Expiry = time.Now().Add(-time.Minute)
			} else {
				srv.ExpireAccessToken(tok.AccessToken)
			}
			saved := &tokenLog{}
			c, err := ws.NewClientFromToken(ctx, cfg, tok, ws.WithTokenSource(ws.NewTokenSource(ctx, cfg, tok, saved.save)),
				ws.WithRateLimit(rate.Inf, 0))
			require.NoError(t, err)

			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := c.Me(ctx); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			assert.Equal(t, 1, srv.RefreshCount(), "one refresh for 20 callers")
			assert.Len(t, saved.all(), 1)
		})
	}
}

func TestRefreshHookErrorIsReturned(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	tok := srv.NewToken("kate.greenway@acme.example")
	tok.Expiry = time.Now().Add(-time.Second)
	saved := &tokenLog{err: errors.New("disk full")}
	c, err := ws.NewClientFromToken(context.Background(), cfg, tok,
		ws.WithTokenSource(ws.NewTokenSource(context.Background(), cfg, tok, saved.save)))
	require.NoError(t, err)
	_, err = c.Me(context.Background())
	require.ErrorContains(t, err, "disk full")
	assert.Len(t, saved.all(), 1)
}

func TestRevokedRefreshToken(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	tok := &oauth2.Token{AccessToken: "gone", RefreshToken: "def50200revoked", Expiry: time.Now().Add(-time.Hour)}
	tok = tok.WithExtra(map[string]any{"account_url": srv.URL})
	c, err := ws.NewClientFromToken(context.Background(), cfg, tok)
	require.NoError(t, err)
	_, err = c.Me(context.Background())
	require.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "def50200revoked")
	assert.Zero(t, srv.ActionCount("me"), "nothing sent without a token")
}

func TestOtherTokenSourceRetriedOnce(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	first := srv.NewAccessToken("kate.greenway@acme.example")
	second := srv.NewAccessToken("kate.greenway@acme.example")
	srv.ExpireAccessToken(first)
	var mu sync.Mutex
	calls := 0
	src := tokenFunc(func() (*oauth2.Token, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			return &oauth2.Token{AccessToken: first}, nil
		}
		return &oauth2.Token{AccessToken: second}, nil
	})
	c, err := ws.NewClient(srv.URL, ws.WithTokenSource(src))
	require.NoError(t, err)
	_, err = c.Me(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, srv.ActionCount("me"), "the call was retried once")

	stuck, err := ws.NewClient(srv.URL, ws.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: first})))
	require.NoError(t, err)
	_, err = stuck.Me(context.Background())
	require.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.ErrorContains(t, err, "same expired token")
}

type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

func TestTokenSourceHidesTokens(t *testing.T) {
	t.Parallel()
	ts := ws.NewTokenSource(context.Background(), ws.NewOAuth2Config("id", "secret", ""),
		&oauth2.Token{AccessToken: "at-123456", RefreshToken: "rt-123456"}, nil)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, ts)
		assert.NotContains(t, out, "at-123456")
		assert.NotContains(t, out, "rt-123456")
		assert.NotContains(t, out, "secret")
	}
}

func TestScopes(t *testing.T) {
	t.Parallel()
	all := []string{ws.ScopeProjectsRead, ws.ScopeProjectsWrite, ws.ScopeTasksRead, ws.ScopeTasksWrite, ws.ScopeCostsRead,
		ws.ScopeCostsWrite, ws.ScopeTagsRead, ws.ScopeTagsWrite, ws.ScopeCommentsRead, ws.ScopeCommentsWrite,
		ws.ScopeFilesRead, ws.ScopeFilesWrite, ws.ScopeUsersRead, ws.ScopeUsersWrite, ws.ScopeContactsRead,
		ws.ScopeContactsWrite, ws.ScopeAdministrative}
	assert.Equal(t, "projects_read projects_write tasks_read tasks_write costs_read costs_write tags_read tags_write "+
		"comments_read comments_write files_read files_write users_read users_write contacts_read contacts_write administrative",
		strings.Join(all, " "))
}
