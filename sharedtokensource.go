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
	// refreshEarly is how long before expiry a token is refreshed, or half
	// its lifetime (expires_in) if that is shorter, so that a short-lived
	// token is not refreshed at once.
	refreshEarly = time.Minute
	// renewTimeout bounds one shared renewal: waiting for the lock (a dead
	// holder's lease, a live holder's refresh), reloading, refreshing, saving.
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

// sharedRenewal is one reload-or-refresh shared by the callers of one
// process; done closes when tok or err is set.
type sharedRenewal struct {
	stale string
	done  chan struct{}
	tok   *oauth2.Token
	err   error
}

// NewSharedTokenSource returns a token source for several processes (or
// replicas) that sign in as one user and so share one rotating refresh
// token through store. It reads the store on every call, so a token
// another process saved is used at once. A token due for refresh (a
// minute before expiry, or half its lifetime if shorter) is refreshed in
// the background while still served; callers wait only when it is about
// to expire or the API refused it. A renewal takes the store's lock and
// reloads, refreshing only if no other process has; concurrent callers in
// one process share it. A short-lived program must call Flush before it
// exits, so that a refreshed pair reaches the store. How failures are
// handled (a refused refresh token, refused client credentials, a store
// that lost the token, a lost answer) is in docs/replicas.md.
//
// A Client using the source refreshes through its own HTTP client; each
// call's context ends only that call's wait. Token() uses ctx's values and
// the *http.Client under oauth2.HTTPClient if set. A renewal runs detached
// from the callers, bounded by the HTTP client's timeout and two minutes.
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

// fresh reports whether tok may be served without renewal (see earlyFor).
// Every process decides alike.
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

// newer reports whether a is a later pair than b: every refresh moves the
// expiry forward, so of two different pairs the later expiry is the live one.
func newer(a, b *oauth2.Token) bool {
	return b == nil || !a.Expiry.IsZero() && !b.Expiry.IsZero() &&
		a.Expiry.After(b.Expiry) && a.RefreshToken != b.RefreshToken
}

// Token returns the stored token while it is fresh, renewing it otherwise.
func (s *SharedTokenSource) Token() (*oauth2.Token, error) { return s.token(s.ctx, s.hc) }

// Flush waits until the renewal in flight, if any, has been answered and
// saved, or has failed, or ctx ends, and returns the last renewal's error
// (a failed save included), or ctx's, wrapped. Call it before a
// short-lived program exits: a background refresh may be running, and the
// old refresh token dies as soon as the server answers it.
func (s *SharedTokenSource) Flush(ctx context.Context) error {
	s.mu.Lock()
	f := s.flight
	last := s.last
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

// token implements tokenProvider for the Client. Reading the store on
// every call uses a token another process saved at once, not after the API
// refuses the old one (a refusal costs a request of the rate limit). A due
// but valid token is served while the refresh runs in the background: the
// caller has usually just waited for the limiter, and refreshing now would
// make its request late and the next process's arrive too soon after it.
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

// servable reports whether a token due for refresh may still be sent
// while the refresh runs: it is valid for another quarter of the refresh
// window.
func servable(tok *oauth2.Token) bool {
	return time.Until(tok.Expiry) > earlyFor(tok)/4
}

// peek returns the newest token known without taking the lock: the stored
// one, or ours if the store failed, lost the token or holds an older pair;
// nil if there is none.
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

// renew implements tokenProvider: the API refused stale as expired. If
// another caller already replaced it, there is nothing to do.
func (s *SharedTokenSource) renew(ctx context.Context, hc *http.Client, stale string) error {
	_, err := s.join(ctx, hc, stale, true)
	return err
}

// join joins the running renewal or starts one, and waits for it until
// ctx ends. refused forces a refresh of stale even if it looks fresh.
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

// livePair returns the live pair, reading the store under its lock: the
// stored one, or ours (ours is true) when the store lost the token or
// holds an older pair, so that it is written back.
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

// save stores tok. If that fails, the old pair is dead anyway: keep tok
// here; the next renewal finds the store older than tok and writes it back.
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
