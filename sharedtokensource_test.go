package worksection_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
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

// memStore is a TokenStore in memory that counts and can fail.
type memStore struct {
	lock chan struct{}

	mu      sync.Mutex
	tok     *oauth2.Token
	saves   int
	saveErr error
}

func newMemStore(tok *oauth2.Token) *memStore {
	return &memStore{lock: make(chan struct{}, 1), tok: tok}
}

func (m *memStore) Load(context.Context) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tok, nil
}

func (m *memStore) Save(_ context.Context, tok *oauth2.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.saveErr != nil {
		return m.saveErr
	}
	m.tok, m.saves = tok, m.saves+1
	return nil
}

func (m *memStore) Lock(ctx context.Context) (func(), error) {
	select {
	case m.lock <- struct{}{}:
		return func() { <-m.lock }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (m *memStore) current() *oauth2.Token {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tok
}

// dueToken is a token the fake accepts that is due for refresh and too
// close to its expiry to be sent while the refresh runs: callers wait for
// the refresh.
func dueToken(srv *worksectiontest.Server) *oauth2.Token {
	tok := srv.NewToken("john.smith@acme.example")
	tok.Expiry = time.Now().Add(5 * time.Second)
	return tok
}

func TestSharedTokenSourceServesStoredTokenWithoutRefresh(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	store := ws.NewFileTokenStore(filepath.Join(t.TempDir(), "token.json"))
	ctx := context.Background()
	stored := srv.NewToken("john.smith@acme.example")
	require.NoError(t, store.Save(ctx, stored))

	for range 2 { // two processes
		tok, err := ws.NewSharedTokenSource(ctx, cfg, store).Token()
		require.NoError(t, err)
		assert.Equal(t, stored.AccessToken, tok.AccessToken)
	}
	assert.Zero(t, srv.ActionCount("oauth2/refresh"))
}

func TestSharedTokenSourceRefreshesOnceForAllProcesses(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	path := filepath.Join(t.TempDir(), "token.json")
	ctx := context.Background()
	old := dueToken(srv)
	require.NoError(t, ws.NewFileTokenStore(path).Save(ctx, old))

	// Four "processes", each its own store handle and source, with five
	// goroutines each, all finding the token about to expire.
	var wg sync.WaitGroup
	got := make(chan string, 20)
	for range 4 {
		ts := ws.NewSharedTokenSource(ctx, cfg, ws.NewFileTokenStore(path))
		for range 5 {
			wg.Go(func() {
				tok, err := ts.Token()
				if assert.NoError(t, err) {
					got <- tok.AccessToken
				}
			})
		}
	}
	wg.Wait()
	close(got)
	seen := map[string]bool{}
	for at := range got {
		seen[at] = true
	}
	assert.Len(t, seen, 1, "every caller got the one new token")
	assert.NotContains(t, seen, old.AccessToken)
	assert.Equal(t, 1, srv.RefreshCount(), "one refresh for all of them")
	assert.Equal(t, 1, srv.ActionCount("oauth2/refresh"), "no refused refresh either")

	saved, err := ws.NewFileTokenStore(path).Load(ctx)
	require.NoError(t, err)
	assert.True(t, seen[saved.AccessToken], "the new pair is saved")
	assert.True(t, old.RefreshToken != saved.RefreshToken, "rotated")
	assert.Equal(t, srv.URL, ws.AccountURL(saved), "account_url kept")
	assert.Positive(t, saved.ExpiresIn, "its lifetime is stored, so every process judges freshness alike")

	c, err := ws.NewClient(srv.URL, ws.WithAccessToken(saved.AccessToken))
	require.NoError(t, err)
	_, err = c.Me(ctx)
	require.NoError(t, err, "the new token works")
}

func TestSharedTokenSourceRefreshesInTheBackgroundWhileTheTokenIsValid(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	path := filepath.Join(t.TempDir(), "token.json")
	ctx := context.Background()
	old := srv.NewToken("john.smith@acme.example")
	old.Expiry = time.Now().Add(30 * time.Second) // due (within a minute), still valid for a while
	require.NoError(t, ws.NewFileTokenStore(path).Save(ctx, old))

	var sources []oauth2.TokenSource
	for range 3 { // three processes
		sources = append(sources, ws.NewSharedTokenSource(ctx, cfg, ws.NewFileTokenStore(path)))
	}
	tok, err := sources[0].Token()
	require.NoError(t, err)
	assert.Equal(t, old.AccessToken, tok.AccessToken, "served at once while the refresh starts")
	for _, ts := range sources[1:] {
		_, err := ts.Token() // the old token, or the new one if it is saved already
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		saved, err := ws.NewFileTokenStore(path).Load(ctx)
		return err == nil && saved.AccessToken != old.AccessToken
	}, 20*time.Second, 10*time.Millisecond, "the refresh ran in the background")
	for _, ts := range sources {
		tok, err := ts.Token()
		require.NoError(t, err)
		assert.True(t, old.AccessToken != tok.AccessToken, "every process uses the new token")
	}
	assert.Equal(t, 1, srv.RefreshCount(), "one refresh for all of them")
	assert.Equal(t, 1, srv.ActionCount("oauth2/refresh"))
}

func TestSharedTokenSourceRefusedGrantIsFinal(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	dead := dueToken(srv)
	dead.RefreshToken = "def50200-revoked-refresh-token"
	store := newMemStore(dead)
	ts := ws.NewSharedTokenSource(context.Background(), cfg, store)

	_, err := ts.Token()
	require.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.Contains(t, err.Error(), "sign in again")
	assert.NotContains(t, err.Error(), dead.RefreshToken)
	assert.NotContains(t, err.Error(), cfg.ClientSecret)
	var oe *ws.OAuthError
	require.ErrorAs(t, err, &oe)

	_, err = ts.Token()
	require.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.Equal(t, 1, srv.ActionCount("oauth2/refresh"), "a refused refresh token is not sent again")
	assert.Same(t, dead, store.current(), "the store is left for the user to sign in again")

	fresh := srv.NewToken("john.smith@acme.example") // the user signed in again
	require.NoError(t, store.Save(context.Background(), fresh))
	tok, err := ts.Token()
	require.NoError(t, err)
	assert.Equal(t, fresh.AccessToken, tok.AccessToken)
}

func TestSharedTokenSourceEmptyStore(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	_, err := ws.NewSharedTokenSource(context.Background(), srv.OAuthConfig(callback), newMemStore(nil)).Token()
	require.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.Contains(t, err.Error(), "sign in")
}

// flakyTransport answers the refresh endpoint with fail, once per entry,
// and passes everything else on.
type flakyTransport struct {
	mu   sync.Mutex
	fail []func(*http.Request) (*http.Response, error)
}

func (f *flakyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	var next func(*http.Request) (*http.Response, error)
	if len(f.fail) > 0 {
		next, f.fail = f.fail[0], f.fail[1:]
	}
	f.mu.Unlock()
	if next == nil {
		return http.DefaultTransport.RoundTrip(req)
	}
	return next(req)
}

func TestSharedTokenSource5xxKeepsTheStoredPair(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	tr := &flakyTransport{fail: []func(*http.Request) (*http.Response, error){
		func(req *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusServiceUnavailable, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
		},
	}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: tr})
	old := dueToken(srv)
	store := newMemStore(old)
	ts := ws.NewSharedTokenSource(ctx, srv.OAuthConfig(callback), store)

	_, err := ts.Token()
	require.Error(t, err)
	assert.NotErrorIs(t, err, ws.ErrUnauthorized, "a 5xx is not a refused grant")
	assert.Contains(t, err.Error(), "stored token is kept")
	assert.Same(t, old, store.current())

	tok, err := ts.Token() // the endpoint is back
	require.NoError(t, err)
	assert.True(t, old.AccessToken != tok.AccessToken)
	assert.Equal(t, tok.AccessToken, store.current().AccessToken)
}

func TestSharedTokenSourceLostAnswerAfterRotation(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	tr := &flakyTransport{fail: []func(*http.Request) (*http.Response, error){
		func(req *http.Request) (*http.Response, error) {
			resp, err := http.DefaultTransport.RoundTrip(req) // the server rotates...
			if err == nil {
				resp.Body.Close()
			}
			return nil, errors.New("connection reset by peer") // ...and its answer is lost
		},
	}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: tr})
	old := dueToken(srv)
	store := newMemStore(old)
	ts := ws.NewSharedTokenSource(ctx, srv.OAuthConfig(callback), store)

	_, err := ts.Token()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sign in again", "the first error already says what a lost answer means")
	assert.Equal(t, 1, srv.RefreshCount(), "the server did rotate")
	assert.Same(t, old, store.current(), "the stored pair is kept")

	_, err = ts.Token()
	require.ErrorIs(t, err, ws.ErrUnauthorized, "the stored refresh token is dead now")
	assert.Contains(t, err.Error(), "sign in again")
}

func TestSharedTokenSourceSaveFailureKeepsTheNewPair(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	old := dueToken(srv)
	store := newMemStore(old)
	store.saveErr = errors.New("disk full")
	ts := ws.NewSharedTokenSource(context.Background(), srv.OAuthConfig(callback), store)

	_, err := ts.Token()
	require.ErrorContains(t, err, "disk full")
	assert.Contains(t, err.Error(), "saving the refreshed token failed")
	tok, err := ts.Token()
	require.NoError(t, err, "this process keeps the new pair")
	assert.True(t, old.AccessToken != tok.AccessToken)
	assert.Equal(t, 1, srv.RefreshCount(), "and does not refresh the dead stored pair")
}

func TestSharedTokenSourceHidesTokens(t *testing.T) {
	t.Parallel()
	tok := &oauth2.Token{AccessToken: "at-secret-1", RefreshToken: "rt-secret-1", Expiry: time.Now().Add(time.Hour)}
	ts := ws.NewSharedTokenSource(context.Background(), ws.NewOAuth2Config("id", "client-secret-1", callback), newMemStore(tok))
	_, err := ts.Token()
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, ts)
		assert.NotContains(t, out, "secret", verb)
	}
}

// tokenClient is a user-API client of srv with tokens from ts.
func tokenClient(t *testing.T, srv *worksectiontest.Server, ts oauth2.TokenSource) *ws.Client {
	t.Helper()
	c, err := ws.NewClient(srv.URL, ws.WithTokenSource(ts), ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestSharedTokenSourceRenewsWhenTheAPISaysExpired(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "token.json")
	first := srv.NewToken("john.smith@acme.example") // valid for a day, by its expiry
	require.NoError(t, ws.NewFileTokenStore(path).Save(ctx, first))
	a := tokenClient(t, srv, ws.NewSharedTokenSource(ctx, srv.OAuthConfig(callback), ws.NewFileTokenStore(path)))
	b := tokenClient(t, srv, ws.NewSharedTokenSource(ctx, srv.OAuthConfig(callback), ws.NewFileTokenStore(path)))
	_, err := a.Me(ctx)
	require.NoError(t, err)
	_, err = b.Me(ctx)
	require.NoError(t, err)

	srv.ExpireAccessToken(first.AccessToken) // the server ends it early
	me, err := a.Me(ctx)
	require.NoError(t, err, "a refreshes after the 401 and repeats the call")
	assert.Equal(t, "john.smith@acme.example", me.Email)
	_, err = b.Me(ctx)
	require.NoError(t, err, "b's token was rotated away: it reloads and adopts a's")
	assert.Equal(t, 1, srv.RefreshCount(), "one refresh for both processes")
	assert.Equal(t, 1, srv.ActionCount("oauth2/refresh"))

	saved, err := ws.NewFileTokenStore(path).Load(ctx)
	require.NoError(t, err)
	assert.True(t, first.RefreshToken != saved.RefreshToken)
}

// slowRefresh delays every refresh request by d before it reaches the
// server, as a slow refresh endpoint would, and counts them.
type slowRefresh struct {
	d time.Duration
}

func (s slowRefresh) RoundTrip(req *http.Request) (*http.Response, error) {
	if filepath.Base(req.URL.Path) == "refresh" {
		time.Sleep(s.d)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// slowCtx makes the token sources refresh through slowRefresh.
func slowCtx(d time.Duration) context.Context {
	return context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: slowRefresh{d}})
}

// servableToken is due for refresh but valid long enough to be served
// while the refresh runs in the background.
func servableToken(srv *worksectiontest.Server) *oauth2.Token {
	tok := srv.NewToken("john.smith@acme.example")
	tok.Expiry = time.Now().Add(50 * time.Second)
	return tok
}

func TestSharedTokenSourceFlushWaitsForTheBackgroundRefresh(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	old := servableToken(srv)
	store := newMemStore(old)
	ts := ws.NewSharedTokenSource(slowCtx(2*time.Second), srv.OAuthConfig(callback), store)

	tok, err := ts.Token()
	require.NoError(t, err)
	assert.Equal(t, old.AccessToken, tok.AccessToken, "the valid token is served while the refresh runs")
	assert.Same(t, old, store.current(), "the refresh has not been answered yet")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, ts.Flush(ctx))
	assert.True(t, old.RefreshToken != store.current().RefreshToken, "the rotated pair is saved when Flush returns")
	assert.Equal(t, 1, srv.RefreshCount())
	require.NoError(t, ts.Flush(ctx), "nothing in flight")
}

func TestSharedTokenSourceFlushIsBoundedByItsContext(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	old := servableToken(srv)
	store := newMemStore(old)
	ts := ws.NewSharedTokenSource(slowCtx(3*time.Second), srv.OAuthConfig(callback), store)
	_, err := ts.Token()
	require.NoError(t, err)

	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = ts.Flush(short)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "flush")

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs { // several callers wait for the same refresh
		wg.Go(func() { errs[i] = ts.Flush(context.Background()) })
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	assert.True(t, old.RefreshToken != store.current().RefreshToken, "the refresh went on after the first Flush gave up")
}

func TestSharedTokenSourceFlushReturnsTheSaveError(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	store := newMemStore(servableToken(srv))
	store.saveErr = errors.New("disk full")
	ts := ws.NewSharedTokenSource(context.Background(), srv.OAuthConfig(callback), store)
	_, err := ts.Token()
	require.NoError(t, err)
	require.ErrorContains(t, ts.Flush(context.Background()), "disk full")
	//lint:ignore SA1012 a nil context is an error, not a panic
	require.Error(t, ts.Flush(nil)) //nolint:staticcheck
}

// refreshAfterStoreLoss gives ts a token that is fresh for 4 s, lets it
// read it, empties the store with lose, waits until the token is due, and
// checks that the source writes its pair back and refreshes with it.
func refreshAfterStoreLoss(t *testing.T, srv *worksectiontest.Server, store ws.TokenStore, lose func()) {
	t.Helper()
	ctx := context.Background()
	tok := srv.NewToken("john.smith@acme.example")
	tok.Expiry, tok.ExpiresIn = time.Now().Add(8*time.Second), 8 // due 4 s before expiry
	require.NoError(t, store.Save(ctx, tok))
	ts := ws.NewSharedTokenSource(ctx, srv.OAuthConfig(callback), store)
	got, err := ts.Token()
	require.NoError(t, err)
	require.Equal(t, tok.AccessToken, got.AccessToken)
	require.Zero(t, srv.RefreshCount(), "the token was fresh")

	lose()
	lost, err := store.Load(ctx)
	require.NoError(t, err)
	require.Nil(t, lost)
	time.Sleep(time.Until(tok.Expiry.Add(-3500 * time.Millisecond))) // due now

	_, err = ts.Token()
	require.NoError(t, err, "this process holds the live pair")
	require.NoError(t, ts.Flush(ctx))
	saved, err := store.Load(ctx)
	require.NoError(t, err)
	require.NotNil(t, saved, "the pair is written back")
	assert.True(t, tok.RefreshToken != saved.RefreshToken, "and refreshed")
	assert.Equal(t, 1, srv.RefreshCount())
	again, err := ws.NewSharedTokenSource(ctx, srv.OAuthConfig(callback), store).Token()
	require.NoError(t, err, "another process signs in from the store")
	assert.Equal(t, saved.AccessToken, again.AccessToken)
}

func TestSharedTokenSourceWritesBackWhenTheFileIsDeleted(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "token.json")
	refreshAfterStoreLoss(t, srv, ws.NewFileTokenStore(path), func() { require.NoError(t, os.Remove(path)) })
}

func TestSharedTokenSourceWritesBackANewerPair(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	older := srv.NewToken("john.smith@acme.example")
	older.Expiry = time.Now().Add(time.Hour)
	ours := srv.NewToken("john.smith@acme.example")
	ours.Expiry = time.Now().Add(2 * time.Hour)
	store := newMemStore(ours)
	ts := ws.NewSharedTokenSource(ctx, srv.OAuthConfig(callback), store)
	_, err := ts.Token()
	require.NoError(t, err)

	store.tok = older // a backup restored, say
	client := tokenClient(t, srv, ts)
	srv.ExpireAccessToken(ours.AccessToken) // the API says ours expired: renew
	_, err = client.GetUsers(ctx)
	require.NoError(t, err)
	cur := store.current()
	assert.True(t, older.RefreshToken != cur.RefreshToken, "the older stored pair is not used")
	assert.True(t, ours.RefreshToken != cur.RefreshToken, "ours was refreshed and saved")
	assert.Equal(t, 1, srv.RefreshCount())
}

func TestSharedTokenSourceNeverWritesBackARefusedToken(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	tok := dueToken(srv)
	// Another process refreshes with the same refresh token first.
	_, err := ws.NewSharedTokenSource(ctx, srv.OAuthConfig(callback), newMemStore(tok)).Token()
	require.NoError(t, err)

	store := newMemStore(tok)
	ts := ws.NewSharedTokenSource(ctx, srv.OAuthConfig(callback), store)
	_, err = ts.Token()
	require.ErrorIs(t, err, ws.ErrUnauthorized, "the server refuses the used refresh token")
	store.tok = nil
	_, err = ts.Token()
	require.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.Nil(t, store.current(), "a refused pair is never written back")
	assert.Equal(t, 2, srv.ActionCount("oauth2/refresh"), "and never sent again")
}

func TestSharedTokenSourceRefusedClientKeepsTheToken(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	cfg.ClientSecret = "not-the-secret"
	old := dueToken(srv)
	store := newMemStore(old)
	_, err := ws.NewSharedTokenSource(context.Background(), cfg, store).Token()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "client id and client secret")
	assert.NotContains(t, err.Error(), "sign in again")
	assert.NotContains(t, err.Error(), "not-the-secret")
	assert.Same(t, old, store.current(), "the stored pair is kept")

	cfg.ClientSecret = srv.ClientSecret // fixed: the same refresh token still works
	_, err = ws.NewSharedTokenSource(context.Background(), cfg, store).Token()
	require.NoError(t, err)
}
