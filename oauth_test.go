package worksection_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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

// 1. The OAuth token and refresh endpoints follow no redirect at all.
func TestTrustOAuthEndpointsFollowNoRedirect(t *testing.T) {
	t.Parallel()
	elsewhere := newListener(t)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.srv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	ep, err := ws.EndpointAt(redirector.URL)
	require.NoError(t, err)
	cfg := &oauth2.Config{ClientID: "id", ClientSecret: "client-secret-1", Endpoint: ep, RedirectURL: "https://app.example/cb"}

	_, err = ws.Exchange(context.Background(), cfg, "the-code-1")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "client-secret-1")
	assert.NotContains(t, err.Error(), "the-code-1")

	ts := ws.NewTokenSource(context.Background(), cfg, &oauth2.Token{AccessToken: "old", RefreshToken: "refresh-1",
		Expiry: time.Now().Add(-time.Hour)}, nil)
	_, err = ts.Token()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "refresh-1")
	assert.Zero(t, elsewhere.hits.Load(), "neither the secret nor a grant was re-posted elsewhere")

	_, err = ws.EndpointAt("http://worksection.example")
	assert.ErrorContains(t, err, "http is allowed only on loopback")
	_, err = ws.EndpointAt("http://127.0.0.1:8080")
	assert.NoError(t, err)
	cfg.Endpoint.TokenURL = "http://worksection.example/oauth2/token" // built by hand
	_, err = ws.Exchange(context.Background(), cfg, "code")
	assert.ErrorContains(t, err, "must use https")
}

// 2. The refresh goes through the HTTP client the SDK was configured with.
func TestTrustRefreshUsesTheClientsHTTPClient(t *testing.T) {
	t.Parallel()
	api := worksectiontest.NewServer()
	defer api.Close()
	cfg := api.OAuthConfig(callback)
	tok := api.NewToken("kate.greenway@acme.example")
	api.ExpireAccessToken(tok.AccessToken)
	var seen []string
	var mu sync.Mutex
	hc := &http.Client{Timeout: 5 * time.Second, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r.URL.Path)
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})}
	c, err := ws.NewClientFromToken(context.Background(), cfg, tok, ws.WithHTTPClient(hc), ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	_, err = c.Me(context.Background())
	require.NoError(t, err)
	assert.Contains(t, seen, "/oauth2/refresh")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// 3. Secrets a server echoes into OAuth errors are masked, in any form.
func TestTrustOAuthErrorsMaskEchoedSecrets(t *testing.T) {
	t.Parallel()
	const secret, code, refresh = "cl/ient+secret", "auth-code-77", "def502/00refresh"
	echo := func(s string) string {
		j, _ := json.Marshal(s)
		return s + " " + strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`) + " " + url.QueryEscape(s)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		all := echo(r.Form.Get("client_secret")) + " " + echo(r.Form.Get("code")) + " " + echo(r.Form.Get("refresh_token"))
		b, _ := json.Marshal(map[string]string{"error": "invalid_client " + all, "errorDescription": "bad: " + all})
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	ep, err := ws.EndpointAt(srv.URL)
	require.NoError(t, err)
	cfg := &oauth2.Config{ClientID: "id", ClientSecret: secret, Endpoint: ep}

	_, exchangeErr := ws.Exchange(context.Background(), cfg, code)
	_, refreshErr := ws.NewTokenSource(context.Background(), cfg, &oauth2.Token{RefreshToken: refresh}, nil).Token()
	for _, err := range []error{exchangeErr, refreshErr} {
		var oe *ws.OAuthError
		require.ErrorAs(t, err, &oe)
		assertNoSecret(t, err, secret, code, refresh)
		assert.Contains(t, oe.Description, "REDACTED")
	}
}

// Hostile or careless input gives an error, never a panic.
func TestTrustNoPanics(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()

	nilToken := ws.WithTokenSource(tokenFunc(func() (*oauth2.Token, error) { return nil, nil }))
	c, err := ws.NewClient(srv.URL, nilToken, ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	_, err = c.GetUsers(context.Background())
	assert.ErrorContains(t, err, "no access token")

	_, err = srv.Client().GetUsers(nil) //lint:ignore SA1012 a nil context is the point
	assert.ErrorIs(t, err, ws.ErrInvalidInput)

	_, err = ws.Exchange(context.Background(), nil, "code")
	assert.Error(t, err)
	_, err = ws.NewTokenSource(context.Background(), nil, staleToken(), nil).Token()
	assert.Error(t, err)

	// expires_in far past any real lifetime does not wrap into the past.
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"access_token":"a","refresh_token":"r","expires_in":1e300}`))
	}))
	defer huge.Close()
	ep, err := ws.EndpointAt(huge.URL)
	require.NoError(t, err)
	tok, err := ws.Exchange(context.Background(), &oauth2.Config{Endpoint: ep}, "code")
	require.NoError(t, err)
	assert.True(t, tok.Expiry.After(time.Now()), "expiry %v", tok.Expiry)
}

// A refresh answer with a header-splitting token is refused, never saved.
func TestTrustRefreshedTokenWithControlCharacters(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"access_token":"a\r\nX-Injected: 1","refresh_token":"r2","expires_in":3600}`))
	}))
	defer srv.Close()
	ep, err := ws.EndpointAt(srv.URL)
	require.NoError(t, err)
	saved := 0
	ts := ws.NewTokenSource(context.Background(), &oauth2.Config{Endpoint: ep}, staleToken(), func(*oauth2.Token) error { saved++; return nil })
	_, err = ts.Token()
	assert.Error(t, err)
	assert.Zero(t, saved)
}
