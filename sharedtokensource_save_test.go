package worksection_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

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
