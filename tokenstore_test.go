package worksection_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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

func TestFileTokenStoreSaveLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	s := ws.NewFileTokenStore(path)
	ctx := context.Background()

	tok, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Nil(t, tok, "no file yet")

	require.NoError(t, os.WriteFile(path, []byte("{}"), 0o644)) // an old, too open file
	expiry := time.Now().Add(time.Hour).Round(time.Second)
	in := (&oauth2.Token{AccessToken: "at-1", RefreshToken: "rt-1", TokenType: "Bearer", Expiry: expiry, ExpiresIn: 3600}).
		WithExtra(map[string]any{"account_url": "https://acme.worksection.com"})
	require.NoError(t, s.Save(ctx, in))

	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "replaced by a 0600 file")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")

	out, err := ws.NewFileTokenStore(path).Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, "at-1", out.AccessToken)
	assert.Equal(t, "rt-1", out.RefreshToken)
	assert.True(t, expiry.Equal(out.Expiry))
	assert.Equal(t, int64(3600), out.ExpiresIn)
	assert.Equal(t, "https://acme.worksection.com", ws.AccountURL(out))

	var raw map[string]any
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &raw))
	assert.Equal(t, "https://acme.worksection.com", raw["account_url"])
}

func TestFileTokenStoreLoadCorruptDoesNotQuoteIt(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "token.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"access_token":"secret-at-9","expiry":5}`), 0o600))
	_, err := ws.NewFileTokenStore(path).Load(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret-at-9")
}

func TestFileTokenStoreLockIsExclusive(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "token.json")
	a, b := ws.NewFileTokenStore(path), ws.NewFileTokenStore(path)
	unlock, err := a.Lock(context.Background())
	require.NoError(t, err)

	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = b.Lock(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "b waits while a holds the lock")

	got := make(chan func(), 1)
	go func() {
		u, err := b.Lock(context.Background())
		assert.NoError(t, err)
		got <- u
	}()
	unlock()
	unlock() // harmless
	select {
	case u := <-got:
		u()
	case <-time.After(20 * time.Second):
		t.Fatal("b did not get the lock after a released it")
	}
	info, err := os.Stat(path + ".lock")
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

// TestHelperHoldFileLock is not a test: TestFileTokenStoreLockDiesWithItsProcess
// runs it in a child process, which takes the lock and waits to be killed.
func TestHelperHoldFileLock(t *testing.T) {
	path := os.Getenv("WS_HOLD_LOCK")
	if path == "" {
		t.Skip("helper process only")
	}
	if _, err := ws.NewFileTokenStore(path).Lock(context.Background()); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(1)
}

func TestFileTokenStoreLockDiesWithItsProcess(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is a Unix signal")
	}
	path := filepath.Join(t.TempDir(), "token.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldFileLock$")
	cmd.Env = append(os.Environ(), "WS_HOLD_LOCK="+path)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "locked\n", line)

	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = ws.NewFileTokenStore(path).Lock(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the child holds the lock")

	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no unlock runs
	_ = cmd.Wait()
	ctx, cancel2 := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel2()
	unlock, err := ws.NewFileTokenStore(path).Lock(ctx)
	require.NoError(t, err, "the OS released the dead process's lock")
	unlock()
}

func TestFileTokenStoreEmptyPath(t *testing.T) {
	t.Parallel()
	s := ws.NewFileTokenStore("")
	_, err := s.Load(context.Background())
	require.ErrorContains(t, err, "path is empty")
	require.ErrorContains(t, s.Save(context.Background(), &oauth2.Token{AccessToken: "a"}), "path is empty")
	_, err = s.Lock(context.Background())
	require.ErrorContains(t, err, "path is empty")
}

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
	assert.NotEqual(t, old.RefreshToken, saved.RefreshToken, "rotated")
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
		assert.NotEqual(t, old.AccessToken, tok.AccessToken, "every process uses the new token")
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
	assert.NotEqual(t, old.AccessToken, tok.AccessToken)
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
	assert.NotEqual(t, old.AccessToken, tok.AccessToken)
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
	assert.NotEqual(t, first.RefreshToken, saved.RefreshToken)
}
