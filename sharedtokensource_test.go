package worksection_test

import (
	"context"
	"fmt"
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

	var sources []*ws.SharedTokenSource
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
	for _, ts := range sources { // before the temporary folder goes
		require.NoError(t, ts.Flush(ctx))
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
