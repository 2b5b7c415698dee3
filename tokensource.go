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

// refreshTimeout bounds a refresh whose HTTP client has no timeout of its own.
const refreshTimeout = 30 * time.Second

// TokenSource keeps a user's token fresh through Worksection's refresh
// endpoint. Every refresh rotates the pair, so onRefresh must persist it.
// Concurrent callers share one refresh; a caller's context ends its wait only.
type TokenSource struct {
	ctx       context.Context
	cfg       *oauth2.Config
	hc        *http.Client // for Token(); a Client passes its own
	onRefresh func(*oauth2.Token) error
	early     time.Duration

	mu       sync.Mutex
	tok      *oauth2.Token
	inflight *refreshCall
	last     error // the last refresh's outcome, for Flush
	final    error // an invalid grant: no refresh can succeed any more
}

// refreshCall is one refresh shared by every caller that waits for it.
type refreshCall struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// NewTokenSource returns a TokenSource starting from tok. onRefresh (or nil)
// gets each new token first, its error going to that refresh's waiters.
// Refreshes use the Client's HTTP client, or in Token() ctx's oauth2.HTTPClient.
func NewTokenSource(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token, onRefresh func(*oauth2.Token) error) *TokenSource {
	if ctx == nil {
		ctx = context.Background()
	}
	hc, _ := ctx.Value(oauth2.HTTPClient).(*http.Client)
	return &TokenSource{ctx: ctx, cfg: cfg, hc: hc, tok: tok, onRefresh: onRefresh, early: time.Minute}
}

// Token returns a valid access token, refreshing it a minute before expiry.
func (s *TokenSource) Token() (*oauth2.Token, error) { return s.token(s.ctx, s.hc) }

func (s *TokenSource) token(ctx context.Context, hc *http.Client) (*oauth2.Token, error) {
	return s.refreshUnless(ctx, hc, func(cur *oauth2.Token) bool {
		return cur.AccessToken != "" && (cur.Expiry.IsZero() || time.Until(cur.Expiry) > s.early)
	})
}

// renew refreshes after the API called stale expired, unless another
// caller's refresh has already replaced it.
func (s *TokenSource) renew(ctx context.Context, hc *http.Client, stale string) error {
	_, err := s.refreshUnless(ctx, hc, func(cur *oauth2.Token) bool { return cur.AccessToken != stale })
	return err
}

// refreshUnless returns the current token if good, else joins or starts a
// refresh and waits for it or ctx.
func (s *TokenSource) refreshUnless(ctx context.Context, hc *http.Client, good func(*oauth2.Token) bool) (*oauth2.Token, error) {
	s.mu.Lock()
	call := s.inflight
	if call == nil {
		switch {
		case s.tok != nil && good(s.tok):
			tok := s.tok
			s.mu.Unlock()
			return tok, nil
		case s.final != nil:
			s.mu.Unlock()
			return nil, s.final
		case s.tok == nil || s.tok.RefreshToken == "":
			s.mu.Unlock()
			return nil, &OAuthError{Code: "invalid_grant", Description: "no refresh token to renew the access token; sign in again"}
		}
		call = &refreshCall{done: make(chan struct{})}
		s.inflight = call
		go s.run(call, hc, s.tok)
	}
	s.mu.Unlock()
	if err := waitRenewal(ctx, call.done, func() error { return call.err }, "worksection: oauth"); err != nil {
		return nil, err
	}
	return call.tok, nil
}

// Flush waits until the refresh in flight, if any, has passed its token to
// onRefresh or failed, or ctx ends, and returns the last refresh's error (or
// ctx's, wrapped). Call it before a short-lived program exits: the old
// refresh token dies as soon as the server answers.
func (s *TokenSource) Flush(ctx context.Context) error {
	s.mu.Lock()
	call, last := s.inflight, s.last
	s.mu.Unlock()
	if call == nil {
		return last
	}
	return waitRenewal(ctx, call.done, func() error { return call.err }, "worksection: oauth: flush")
}

// run performs one refresh detached from the callers: once the server may
// have rotated the pair, the answer must be kept whoever still waits.
func (s *TokenSource) run(call *refreshCall, hc *http.Client, old *oauth2.Token) {
	if hc == nil {
		hc = s.hc
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), refreshTimeout)
	defer cancel()
	tok, err := refreshGrant(ctx, hc, s.cfg, old.RefreshToken)
	if err == nil {
		tok = keepAccountURL(tok, old)
		if s.onRefresh != nil {
			if herr := s.onRefresh(tok); herr != nil {
				err = fmt.Errorf("worksection: oauth: saving the refreshed token: %w", herr)
			}
		}
	}
	s.mu.Lock()
	if tok != nil {
		s.tok = tok // the old pair is dead now: keep the new one whatever the hook said
	}
	switch {
	case clientRefused(err):
		err = clientRefusedErr(err) // the refresh token was not used: keep it
	case errors.Is(err, ErrUnauthorized):
		// Final: if an earlier refresh's answer was lost, the server
		// rotated the pair then and the stored refresh token is dead.
		err = fmt.Errorf("%w (the refresh token is no longer valid, perhaps because an earlier refresh's answer was lost after the server rotated it: sign in again)", err)
		s.final = err
	}
	s.inflight, s.last = nil, err
	s.mu.Unlock()
	if err != nil {
		tok = nil
	}
	call.tok, call.err = tok, err
	close(call.done)
}

// String hides the tokens.
func (s *TokenSource) String() string { return "worksection.TokenSource{tokens: REDACTED}" }

// GoString hides the tokens from %#v.
func (s *TokenSource) GoString() string { return s.String() }

// Format makes every fmt verb use String.
func (s *TokenSource) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }
