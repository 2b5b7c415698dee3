package worksection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

const (
	// refreshEarly is how long before expiry a token is refreshed (or half
	// its expires_in if shorter, so a short-lived one is not refreshed at once).
	refreshEarly = time.Minute
	// renewTimeout bounds one shared renewal: the lock wait (a dead holder's
	// lease, a live holder's refresh), reload, refresh and save.
	renewTimeout = 2 * time.Minute
)

// SharedTokenSource shares one user's rotating refresh token among
// processes through a TokenStore (see NewSharedTokenSource). It implements
// oauth2.TokenSource and is safe for concurrent use.
type SharedTokenSource struct {
	ctx   context.Context
	cfg   *oauth2.Config
	store TokenStore
	hc    *http.Client // for Token(); a Client passes its own

	mu      sync.Mutex
	cur     *oauth2.Token
	gen     int // counts renewals, so a slow read does not undo one
	flight  *sharedRenewal
	last    error  // the last renewal's outcome, for Flush
	refused string // a refresh token the server refused: never sent or written back again
}

// sharedRenewal is one reload-or-refresh shared by a process's callers.
type sharedRenewal struct {
	stale string
	done  chan struct{}
	tok   *oauth2.Token
	err   error
}

// NewSharedTokenSource returns a token source for processes (or replicas)
// that sign in as one user and so share one rotating refresh token through
// store, read on every call. A due token is refreshed in the background,
// under the store's lock, unless another process has. A short-lived program
// must call Flush before it exits. See docs/replicas.md.
//
// A Client refreshes through its own HTTP client, Token() through ctx's
// oauth2.HTTPClient if set. A renewal runs detached from the callers (each
// context ends only its own wait), bounded by the HTTP timeout and 2 minutes.
func NewSharedTokenSource(ctx context.Context, cfg *oauth2.Config, store TokenStore) *SharedTokenSource {
	if ctx == nil {
		ctx = context.Background()
	}
	if store == nil || isNilPointer(store) {
		store = nilStore{}
	}
	hc, _ := ctx.Value(oauth2.HTTPClient).(*http.Client)
	return &SharedTokenSource{ctx: ctx, cfg: cfg, store: store, hc: hc}
}

// String hides the tokens.
func (s *SharedTokenSource) String() string {
	return "worksection.SharedTokenSource{tokens: REDACTED}"
}

// GoString hides the tokens from %#v.
func (s *SharedTokenSource) GoString() string { return s.String() }

// Format makes every fmt verb use String.
func (s *SharedTokenSource) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// fresh reports whether tok needs no renewal; every process decides alike.
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

// newer reports whether a is a later pair than b (a refresh moves the expiry on).
func newer(a, b *oauth2.Token) bool {
	return b == nil || !a.Expiry.IsZero() && !b.Expiry.IsZero() &&
		a.Expiry.After(b.Expiry) && a.RefreshToken != b.RefreshToken
}

// Token returns the stored token while it is fresh, renewing it otherwise.
func (s *SharedTokenSource) Token() (*oauth2.Token, error) { return s.token(s.ctx, s.hc) }

// Flush waits until the renewal in flight, if any, is saved or has failed,
// or ctx ends, and returns the last renewal's error (or ctx's, wrapped).
// Call it before a short-lived program exits: the old refresh token dies as
// soon as the server answers a background refresh.
func (s *SharedTokenSource) Flush(ctx context.Context) error {
	s.mu.Lock()
	f, last := s.flight, s.last
	s.mu.Unlock()
	if f == nil {
		return last
	}
	return waitRenewal(ctx, f.done, func() error { return f.err }, "worksection: shared token: flush")
}

// waitRenewal waits for done or ctx; what names the waiter in the error.
func waitRenewal(ctx context.Context, done <-chan struct{}, result func() error, what string) error {
	if ctx == nil {
		return fmt.Errorf("%s: nil context", what)
	}
	select {
	case <-done:
		return result()
	case <-ctx.Done():
		return fmt.Errorf("%s: waiting for the renewal in flight: %w", what, ctx.Err())
	}
}

// token implements tokenProvider. Reading the store on every call uses
// another process's token at once, not after a refusal that costs a request
// of the rate limit. A due token is served while the refresh runs: the
// caller has just waited for the limiter, and refreshing first would make
// its request late and the next process's arrive too soon after it.
func (s *SharedTokenSource) token(ctx context.Context, hc *http.Client) (*oauth2.Token, error) {
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

// servable reports whether a due token may be sent while it is refreshed:
// it is valid for another quarter of the refresh window.
func servable(tok *oauth2.Token) bool {
	return time.Until(tok.Expiry) > earlyFor(tok)/4
}

// peek returns the newest token known without the store's lock: the stored
// one, or ours if the store failed, lost it or holds an older pair.
func (s *SharedTokenSource) peek(ctx context.Context) *oauth2.Token {
	s.mu.Lock()
	gen := s.gen
	s.mu.Unlock()
	stored, err := s.store.Load(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && stored != nil && gen == s.gen && (s.cur == nil || s.cur.AccessToken != stored.AccessToken && !newer(s.cur, stored)) {
		s.cur = stored
	}
	return s.cur
}

// renew implements tokenProvider: the API refused stale as expired.
func (s *SharedTokenSource) renew(ctx context.Context, hc *http.Client, stale string) error {
	_, err := s.join(ctx, hc, stale, true)
	return err
}

// join joins or starts a renewal and waits for it until ctx ends. refused
// forces a refresh of stale even if it looks fresh.
func (s *SharedTokenSource) join(ctx context.Context, hc *http.Client, stale string, refused bool) (*oauth2.Token, error) {
	s.mu.Lock()
	if s.cur != nil && s.cur.AccessToken != stale && fresh(s.cur) {
		tok := s.cur // another caller renewed it meanwhile
		s.mu.Unlock()
		return tok, nil
	}
	f := s.startLocked(hc, stale, refused)
	s.mu.Unlock()
	if err := waitRenewal(ctx, f.done, func() error { return f.err }, "worksection: shared token"); err != nil {
		return nil, err
	}
	return f.tok, nil
}

// startLocked returns the renewal in flight, starting one if there is none.
func (s *SharedTokenSource) startLocked(hc *http.Client, stale string, refused bool) *sharedRenewal {
	if s.flight == nil {
		s.flight = &sharedRenewal{stale: stale, done: make(chan struct{})}
		go s.run(s.flight, hc, refused)
	}
	return s.flight
}

// run performs one renewal for every waiter, detached from their contexts.
func (s *SharedTokenSource) run(f *sharedRenewal, hc *http.Client, refused bool) {
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
	s.flight, s.last = nil, err
	f.tok, f.err = tok, err
	s.mu.Unlock()
	close(f.done)
}

// reloadOrRefresh finds the live pair under the store's lock and
// refreshes it unless it is fresh (and not the one the API refused).
func (s *SharedTokenSource) reloadOrRefresh(ctx context.Context, hc *http.Client, stale string, refused bool) (*oauth2.Token, error) {
	// Without the lock first: a sibling has usually renewed it already.
	if tok, err := s.store.Load(ctx); err == nil && tok != nil && tok.AccessToken != stale && fresh(tok) && !s.holdsNewer(tok) {
		return tok, nil
	}
	unlock, err := s.store.Lock(ctx)
	if err != nil {
		return nil, fmt.Errorf("worksection: shared token: taking the store's lock: %w", err)
	}
	defer unlock()
	tok, ours, err := s.livePair(ctx)
	if err != nil {
		return nil, err
	}
	if fresh(tok) && (tok.AccessToken != stale || !refused) {
		if ours {
			return tok, s.save(ctx, tok)
		}
		return tok, nil
	}
	return s.refreshLocked(ctx, hc, tok)
}

// holdsNewer reports whether this process holds a later pair than stored.
func (s *SharedTokenSource) holdsNewer(stored *oauth2.Token) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur != nil && s.cur.RefreshToken != s.refused && newer(s.cur, stored)
}

// livePair returns the stored pair under the store's lock, or ours (ours
// true, to be written back) when the store lost it or holds an older one.
func (s *SharedTokenSource) livePair(ctx context.Context) (tok *oauth2.Token, ours bool, err error) {
	stored, err := s.store.Load(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("worksection: shared token: loading the token: %w", err)
	}
	if s.holdsNewer(stored) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.cur, true, nil
	}
	if stored == nil {
		return nil, false, fmt.Errorf("worksection: shared token: the store holds no token; sign in and save one first: %w", ErrUnauthorized)
	}
	return stored, false, nil
}

// refreshLocked refreshes old while holding the store's lock, and saves.
func (s *SharedTokenSource) refreshLocked(ctx context.Context, hc *http.Client, old *oauth2.Token) (*oauth2.Token, error) {
	s.mu.Lock()
	dead := old.RefreshToken != "" && old.RefreshToken == s.refused
	s.mu.Unlock()
	switch {
	case old.RefreshToken == "":
		return nil, refusedErr(&OAuthError{Code: "invalid_grant", Description: "no refresh token to renew the expired access token"})
	case dead:
		return nil, refusedErr(&OAuthError{Code: "invalid_grant", Description: "this refresh token was refused before"})
	}
	tok, err := refreshGrant(ctx, hc, s.cfg, old.RefreshToken)
	switch {
	case clientRefused(err):
		return nil, clientRefusedErr(err)
	case errors.Is(err, ErrUnauthorized):
		s.mu.Lock()
		s.refused = old.RefreshToken
		s.mu.Unlock()
		return nil, refusedErr(err)
	case err != nil:
		return nil, fmt.Errorf("worksection: shared token: refreshing failed; the stored token is kept and the next call tries again "+
			"(if the server rotated the token before its answer was lost, that is refused and you must sign in again): %w", err)
	}
	tok = keepAccountURL(tok, old)
	if !tok.Expiry.IsZero() {
		// The lifetime, stored, lets every process judge freshness alike.
		tok.ExpiresIn = int64(time.Until(tok.Expiry).Round(time.Second) / time.Second)
	}
	return tok, s.save(ctx, tok)
}

// save stores tok. On failure the old pair is dead anyway: keep tok, and
// the next renewal finds the store older and writes it back.
func (s *SharedTokenSource) save(ctx context.Context, tok *oauth2.Token) error {
	err := s.store.Save(ctx, tok)
	if err != nil {
		s.mu.Lock()
		s.cur = tok
		s.mu.Unlock()
		return fmt.Errorf("worksection: shared token: saving the refreshed token failed; this process keeps using it and saves it again "+
			"on its next renewal, other processes sharing the store are signed out until then: %w", err)
	}
	return nil
}

func refusedErr(err error) error {
	return fmt.Errorf("worksection: shared token: the refresh token was refused; sign in again and save the new token to the store "+
		"(it was revoked or expired, or a refresh whose answer was lost already used it): %w", err)
}
