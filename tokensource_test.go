package worksection_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

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

func TestTokenSourceFlushWaitsForARefreshItsCallerLeft(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	log := &tokenLog{}
	old := dueToken(srv)
	ts := ws.NewTokenSource(slowCtx(2*time.Second), srv.OAuthConfig(callback), old, log.save)
	require.NoError(t, ts.Flush(context.Background()), "nothing in flight yet")

	client, err := ws.NewClient(srv.URL, ws.WithTokenSource(ts), ws.WithRateLimit(rate.Inf, 0),
		ws.WithHTTPClient(&http.Client{Transport: slowRefresh{2 * time.Second}}))
	require.NoError(t, err)
	defer client.Close()
	impatient, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = client.GetUsers(impatient) // leaves while the refresh runs
	require.ErrorIs(t, err, context.DeadlineExceeded)

	require.NoError(t, ts.Flush(context.Background()))
	saved := log.all()
	require.Len(t, saved, 1, "the rotated token reached the hook before Flush returned")
	assert.True(t, old.RefreshToken != saved[0].RefreshToken)
}

func TestTokenSourceFlushIsBoundedByItsContext(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	log := &tokenLog{}
	ts := ws.NewTokenSource(slowCtx(3*time.Second), srv.OAuthConfig(callback), dueToken(srv), log.save)
	go func() { _, _ = ts.Token() }()
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		return ts.Flush(ctx) != nil // a refresh is in flight
	}, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, ts.Flush(context.Background()))
	assert.Len(t, log.all(), 1)
}

func TestTokenSourceRefusedClientIsNotARefusedToken(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	cfg.ClientSecret = "not-the-secret"
	ts := ws.NewTokenSource(context.Background(), cfg, dueToken(srv), nil)
	_, err := ts.Token()
	require.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.Contains(t, err.Error(), "client id and client secret")
	assert.NotContains(t, err.Error(), "sign in again")
	assert.NotContains(t, err.Error(), "not-the-secret")
	require.ErrorContains(t, ts.Flush(context.Background()), "client secret", "Flush reports the last refresh's outcome")

	cfg.ClientSecret = srv.ClientSecret // not final: the refresh token is unused
	_, err = ts.Token()
	require.NoError(t, err)
}

// refreshServer is an OAuth refresh endpoint whose answer the test controls.
type refreshServer struct {
	*httptest.Server
	calls   atomic.Int32
	release chan struct{} // closed to let hanging refreshes answer
	status  int
}

func newRefreshServer(t *testing.T, status int, hang bool) *refreshServer {
	rs := &refreshServer{release: make(chan struct{}), status: status}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.calls.Add(1)
		if hang {
			select {
			case <-rs.release:
			case <-r.Context().Done():
				return
			}
		}
		w.WriteHeader(rs.status)
		if rs.status == http.StatusOK {
			_, _ = w.Write([]byte(`{"token_type":"Bearer","expires_in":86400,"access_token":"new-access","refresh_token":"new-refresh"}`))
		}
	}))
	t.Cleanup(func() {
		select {
		case <-rs.release:
		default:
			close(rs.release)
		}
		rs.Close()
	})
	return rs
}

func (rs *refreshServer) config(t *testing.T) *oauth2.Config {
	ep, err := ws.EndpointAt(rs.URL)
	require.NoError(t, err)
	return &oauth2.Config{ClientID: "id", ClientSecret: "secret", Endpoint: ep}
}

// 2. Each caller's context ends that caller's wait, even while a refresh
// that never answers is in flight; the callers share that one refresh.
func TestTrustRefreshHonoursEachCallersContext(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t, http.StatusOK, true)
	api := worksectiontest.NewServer()
	defer api.Close()
	c, err := ws.NewClient(api.URL, ws.WithTokenSource(ws.NewTokenSource(context.Background(), rs.config(t), staleToken(), nil)),
		ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, 5)
	start := time.Now()
	for i := range errs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, errs[i] = c.GetUsers(ctx)
		})
	}
	wg.Wait()
	assert.Less(t, time.Since(start), 10*time.Second, "callers were not held by the hanging refresh")
	for _, err := range errs {
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	}
	assert.Equal(t, int32(1), rs.calls.Load(), "one refresh shared by all five callers")
}

// 2. A failed refresh is shared by the callers waiting for it, not
// repeated by each in turn; the stored pair is kept for a later try.
func TestTrustFailedRefreshIsSharedAndKeepsThePair(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t, http.StatusBadGateway, true)
	ts := ws.NewTokenSource(context.Background(), rs.config(t), staleToken(), nil)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() { _, errs[i] = ts.Token() })
	}
	// Let every caller join the refresh in flight before it answers.
	require.Eventually(t, func() bool { return rs.calls.Load() == 1 }, 10*time.Second, 5*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	close(rs.release)
	wg.Wait()
	for _, err := range errs {
		require.Error(t, err)
		assert.NotErrorIs(t, err, ws.ErrUnauthorized, "a 502 does not end the grant")
	}
	assert.Equal(t, int32(1), rs.calls.Load())

	rs.status = http.StatusOK // the endpoint recovers: the kept refresh token still works
	tok, err := ts.Token()
	require.NoError(t, err)
	assert.Equal(t, "new-access", tok.AccessToken)
}
