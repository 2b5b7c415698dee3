package worksection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/worksection-go/worksection/internal/storedtoken"
)

// TokenStore keeps one OAuth2 token where several processes can reach it,
// for NewSharedTokenSource. FileTokenStore serves processes on one host;
// package redisstore serves replicas on several.
type TokenStore interface {
	// Load returns the stored token, or nil and no error if there is none.
	Load(ctx context.Context) (*oauth2.Token, error)
	// Save replaces the stored token.
	Save(ctx context.Context, tok *oauth2.Token) error
	// Lock waits until the caller holds a lock exclusive across every
	// process using the store, or ctx ends. NewSharedTokenSource holds it
	// while it reloads, refreshes and saves.
	Lock(ctx context.Context) (unlock func(), err error)
}

const (
	// refreshEarly is how long before expiry a token is refreshed, or half
	// its lifetime (expires_in) if that is shorter, so that a short-lived
	// token is not refreshed at once.
	refreshEarly = time.Minute
	// renewTimeout bounds one shared renewal: waiting for the lock (a dead
	// holder's lease, a live holder's refresh), reloading, refreshing, saving.
	renewTimeout = 2 * time.Minute
)

// NewSharedTokenSource returns a token source for several processes (or
// replicas) that sign in as one user and so share one rotating refresh
// token through store. It serves the stored token while it is valid,
// reading the store on every call (a file read, a Redis GET), so that a
// token another process saved is used at once. When the token is due (a
// minute before expiry, or half its lifetime if shorter) it is refreshed
// in the background while still being served; when it is about to expire,
// or the API answered 401, callers wait for the renewal. A renewal takes
// the store's lock and reloads: if another process has refreshed already,
// it uses that token without refreshing; only if the token is still stale
// does it refresh, save the new pair and release the lock. Concurrent
// callers in one process share one renewal.
//
// Failures:
//   - A refused refresh token (invalid_grant, revoked or expired) is final:
//     the error matches ErrUnauthorized and says to sign in again; the
//     same stored token is not sent again.
//   - A 5xx or a timeout from the refresh endpoint is reported and the
//     stored pair is kept, so a later call tries again.
//   - If the server rotated the token but its answer was lost (a timeout
//     after the server applied the refresh, or a process killed in the
//     middle of a refresh), the stored refresh token is already dead: the
//     next refresh is refused, and the user must sign in again and save the
//     new token to the store. The errors say so.
//   - If saving the new pair fails, this process keeps using it and saves
//     it again on its next renewal; until then other processes are signed
//     out.
//
// A Client using the source refreshes through the Client's own HTTP client,
// and each call's context ends only that call's wait. Token() uses ctx's
// values and the *http.Client under oauth2.HTTPClient if set (else one with
// a 30 s timeout). A renewal runs detached from the callers, bounded by the
// HTTP client's timeout and two minutes in all, so that a token the server
// has rotated is saved whoever still waits.
func NewSharedTokenSource(ctx context.Context, cfg *oauth2.Config, store TokenStore) oauth2.TokenSource {
	if ctx == nil {
		ctx = context.Background()
	}
	if store == nil || isNilPointer(store) {
		store = nilStore{}
	}
	hc, _ := ctx.Value(oauth2.HTTPClient).(*http.Client)
	return &sharedTokenSource{ctx: ctx, cfg: cfg, store: store, hc: hc}
}

// The Client renews through tokenProvider, with its HTTP client and the
// call's context.
var _ tokenProvider = (*sharedTokenSource)(nil)

// sharedTokenSource implements NewSharedTokenSource.
type sharedTokenSource struct {
	ctx   context.Context
	cfg   *oauth2.Config
	store TokenStore
	hc    *http.Client // for Token(); a Client passes its own

	mu     sync.Mutex
	cur    *oauth2.Token
	gen    int // counts renewals, so a slow read does not undo one
	flight *sharedRenewal
	// refused is a refresh token the server refused: never sent again.
	refused string
	// rotated is the refresh token our last refresh replaced, while saving
	// its successor failed: if the store still holds it, cur is the live pair.
	rotated string
}

// sharedRenewal is one reload-or-refresh shared by the callers of one
// process; done closes when tok or err is set.
type sharedRenewal struct {
	stale string
	done  chan struct{}
	tok   *oauth2.Token
	err   error
}

// String hides the tokens.
func (s *sharedTokenSource) String() string {
	return "worksection.SharedTokenSource{tokens: REDACTED}"
}

// GoString hides the tokens from %#v.
func (s *sharedTokenSource) GoString() string { return s.String() }

// Format makes every fmt verb use String.
func (s *sharedTokenSource) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// fresh reports whether tok may be served without renewal: it expires
// more than refreshEarly from now, or more than half its lifetime
// (expires_in) if that is shorter. Every process decides alike.
func fresh(tok *oauth2.Token) bool {
	return tok.Expiry.IsZero() || time.Until(tok.Expiry) > earlyFor(tok)
}

// earlyFor is how long before its expiry tok is due for refresh.
func earlyFor(tok *oauth2.Token) time.Duration {
	if tok.ExpiresIn > 0 {
		return min(refreshEarly, time.Duration(tok.ExpiresIn)*time.Second/2)
	}
	return refreshEarly
}

// Token returns the stored token while it is fresh, renewing it otherwise.
func (s *sharedTokenSource) Token() (*oauth2.Token, error) { return s.token(s.ctx, s.hc) }

// token implements tokenProvider for the Client.
// It reads the store on every call, so that a token another process has
// saved is used at once, rather than after the API refuses the one it
// replaced (each refusal costs a request against the rate limit). A token
// due for refresh but still valid is served while the refresh runs in the
// background: the caller has usually just waited for the rate limiter,
// and a refresh now would make its request late, and the next process's
// request arrive too soon after it.
func (s *sharedTokenSource) token(ctx context.Context, hc *http.Client) (*oauth2.Token, error) {
	tok := s.peek(ctx)
	switch {
	case tok != nil && fresh(tok):
		return tok, nil
	case tok != nil && servable(tok):
		s.mu.Lock()
		s.startLocked(hc, tok.AccessToken, false)
		s.mu.Unlock()
		return tok, nil
	}
	stale := ""
	if tok != nil {
		stale = tok.AccessToken
	}
	return s.join(ctx, hc, stale, false)
}

// servable reports whether a token due for refresh may still be sent
// while the refresh runs: it is valid for another quarter of the refresh
// window.
func servable(tok *oauth2.Token) bool {
	return time.Until(tok.Expiry) > earlyFor(tok)/4
}

// peek returns the newest token known without taking the lock: the stored
// one, or ours if the store failed or still holds a pair our failed save
// left behind; nil if there is none.
func (s *sharedTokenSource) peek(ctx context.Context) *oauth2.Token {
	s.mu.Lock()
	gen := s.gen
	s.mu.Unlock()
	stored, err := s.store.Load(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	leftBehind := stored != nil && s.rotated != "" && stored.RefreshToken == s.rotated
	if err == nil && stored != nil && !leftBehind && gen == s.gen && (s.cur == nil || s.cur.AccessToken != stored.AccessToken) {
		s.cur = stored
	}
	return s.cur
}

// renew implements tokenProvider: the API refused stale as expired. If
// another caller already replaced it, there is nothing to do.
func (s *sharedTokenSource) renew(ctx context.Context, hc *http.Client, stale string) error {
	_, err := s.join(ctx, hc, stale, true)
	return err
}

// join joins the running renewal or starts one, and waits for it until
// ctx ends. refused forces a refresh of stale even if it looks fresh.
func (s *sharedTokenSource) join(ctx context.Context, hc *http.Client, stale string, refused bool) (*oauth2.Token, error) {
	s.mu.Lock()
	if s.cur != nil && s.cur.AccessToken != stale && fresh(s.cur) {
		tok := s.cur // another caller renewed it meanwhile
		s.mu.Unlock()
		return tok, nil
	}
	f := s.startLocked(hc, stale, refused)
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("worksection: shared token: waiting for the renewal: %w", ctx.Err())
	}
}

// startLocked returns the renewal in flight, starting one if there is none.
func (s *sharedTokenSource) startLocked(hc *http.Client, stale string, refused bool) *sharedRenewal {
	if s.flight == nil {
		s.flight = &sharedRenewal{stale: stale, done: make(chan struct{})}
		go s.run(s.flight, hc, refused)
	}
	return s.flight
}

// run performs one renewal for every waiter, detached from their contexts.
func (s *sharedTokenSource) run(f *sharedRenewal, hc *http.Client, refused bool) {
	if hc == nil {
		hc = s.hc
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), renewTimeout)
	defer cancel()
	tok, err := s.reloadOrRefresh(ctx, hc, f.stale, refused)
	s.mu.Lock()
	if err == nil {
		s.cur = tok
	}
	s.gen++
	s.flight = nil
	f.tok, f.err = tok, err
	s.mu.Unlock()
	close(f.done)
}

func (s *sharedTokenSource) reloadOrRefresh(ctx context.Context, hc *http.Client, stale string, refused bool) (*oauth2.Token, error) {
	// Without the lock first: a sibling has usually renewed it already.
	if tok, err := s.store.Load(ctx); err == nil && tok != nil && tok.AccessToken != stale && fresh(tok) {
		return tok, nil
	}
	unlock, err := s.store.Lock(ctx)
	if err != nil {
		return nil, fmt.Errorf("worksection: shared token: taking the store's lock: %w", err)
	}
	defer unlock()
	tok, err := s.store.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("worksection: shared token: loading the token: %w", err)
	}
	if tok == nil {
		return nil, fmt.Errorf("worksection: shared token: the store holds no token; sign in and save one first: %w", ErrUnauthorized)
	}
	s.mu.Lock()
	unsaved := s.rotated != "" && tok.RefreshToken == s.rotated && s.cur != nil
	if unsaved {
		tok = s.cur // our last save failed: ours is the live pair
	}
	dead := tok.RefreshToken != "" && tok.RefreshToken == s.refused
	s.mu.Unlock()
	if fresh(tok) && (tok.AccessToken != stale || !refused) {
		if unsaved {
			return tok, s.save(ctx, tok, tok)
		}
		return tok, nil
	}
	if dead {
		return nil, refusedErr(&OAuthError{Code: "invalid_grant", Description: "this refresh token was refused before"})
	}
	return s.refreshLocked(ctx, hc, tok)
}

// refreshLocked refreshes old while holding the store's lock, and saves.
func (s *sharedTokenSource) refreshLocked(ctx context.Context, hc *http.Client, old *oauth2.Token) (*oauth2.Token, error) {
	if old.RefreshToken == "" {
		return nil, refusedErr(&OAuthError{Code: "invalid_grant", Description: "no refresh token to renew the expired access token"})
	}
	tok, err := refreshGrant(ctx, hc, s.cfg, old.RefreshToken)
	if errors.Is(err, ErrUnauthorized) {
		s.mu.Lock()
		s.refused = old.RefreshToken
		s.mu.Unlock()
		return nil, refusedErr(err)
	}
	if err != nil {
		return nil, fmt.Errorf("worksection: shared token: refreshing failed; the stored token is kept and the next call tries again "+
			"(if the server rotated the token before its answer was lost, that is refused and you must sign in again): %w", err)
	}
	tok = keepAccountURL(tok, old)
	if !tok.Expiry.IsZero() {
		// The lifetime, stored, lets every process judge freshness alike.
		tok.ExpiresIn = int64(time.Until(tok.Expiry).Round(time.Second) / time.Second)
	}
	return tok, s.save(ctx, old, tok)
}

// save stores tok, which replaced old. If that fails, the old pair is dead
// anyway: keep tok here and save it again on the next renewal.
func (s *sharedTokenSource) save(ctx context.Context, old, tok *oauth2.Token) error {
	err := s.store.Save(ctx, tok)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.cur = tok
		if s.rotated == "" {
			s.rotated = old.RefreshToken
		}
		return fmt.Errorf("worksection: shared token: saving the refreshed token failed; this process keeps using it and saves it again "+
			"on its next renewal, other processes sharing the store are signed out until then: %w", err)
	}
	s.rotated = ""
	return nil
}

func refusedErr(err error) error {
	return fmt.Errorf("worksection: shared token: the refresh token was refused; sign in again and save the new token to the store "+
		"(it was revoked or expired, or a refresh whose answer was lost already used it): %w", err)
}

// FileTokenStore is a TokenStore in a file, for several processes on one
// host: the token is JSON in a file of mode 0600, replaced atomically
// (written to a temporary file in the same directory, then renamed), and
// Lock is an OS file lock on path+".lock" (flock on Unix, LockFileEx on
// Windows), which the OS releases when a process dies.
type FileTokenStore struct {
	path string
}

// NewFileTokenStore returns a store of the token in the file at path.
func NewFileTokenStore(path string) *FileTokenStore { return &FileTokenStore{path: path} }

// Load returns the token in the file, or nil and no error if there is no file.
func (s *FileTokenStore) Load(context.Context) (*oauth2.Token, error) {
	if s == nil || s.path == "" {
		return nil, errors.New("worksection: FileTokenStore: path is empty")
	}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("worksection: FileTokenStore: %w", err)
	}
	tok, err := storedtoken.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("worksection: FileTokenStore: %s: %w", s.path, err)
	}
	return tok, nil
}

// Save replaces the file with tok, atomically, with mode 0600.
func (s *FileTokenStore) Save(_ context.Context, tok *oauth2.Token) error {
	if s == nil || s.path == "" {
		return errors.New("worksection: FileTokenStore: path is empty")
	}
	b, err := storedtoken.Marshal(tok)
	if err != nil {
		return fmt.Errorf("worksection: FileTokenStore: %w", err)
	}
	if err := writeFileAtomic(s.path, b); err != nil {
		return fmt.Errorf("worksection: FileTokenStore: %w", err)
	}
	return nil
}

// writeFileAtomic writes b to a temporary file beside path (CreateTemp
// makes it 0600) and renames it over path, so readers see the old file or
// the new one, never a part.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return errors.Join(err, os.Remove(tmp))
	}
	return nil
}

// Lock waits until this process holds the OS lock on path+".lock", or ctx
// ends. The lock file is created with mode 0600 and left in place.
func (s *FileTokenStore) Lock(ctx context.Context) (unlock func(), err error) {
	if s == nil || s.path == "" {
		return nil, errors.New("worksection: FileTokenStore: path is empty")
	}
	f, err := os.OpenFile(s.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("worksection: FileTokenStore: lock: %w", err)
	}
	wait := time.Millisecond
	for {
		ok, err := tryLockFile(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("worksection: FileTokenStore: lock: %w", err)
		}
		if ok {
			var once sync.Once
			return func() { once.Do(func() { unlockFile(f); f.Close() }) }, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, fmt.Errorf("worksection: FileTokenStore: waiting for the lock: %w", ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// nilStore stands in for a missing store: every use is an error.
type nilStore struct{}

var errNilStore = errors.New("worksection: NewSharedTokenSource: nil token store")

func (nilStore) Load(context.Context) (*oauth2.Token, error)     { return nil, errNilStore }
func (nilStore) Save(context.Context, *oauth2.Token) error       { return errNilStore }
func (nilStore) Lock(context.Context) (unlock func(), err error) { return nil, errNilStore }
