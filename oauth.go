package worksection

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/worksection-go/worksection/internal/transport"
)

// OAuth2 scopes, sent comma- or space-separated in the authorize URL.
const (
	ScopeProjectsRead   = "projects_read"
	ScopeProjectsWrite  = "projects_write"
	ScopeTasksRead      = "tasks_read"
	ScopeTasksWrite     = "tasks_write"
	ScopeCostsRead      = "costs_read"
	ScopeCostsWrite     = "costs_write"
	ScopeTagsRead       = "tags_read"
	ScopeTagsWrite      = "tags_write"
	ScopeCommentsRead   = "comments_read"
	ScopeCommentsWrite  = "comments_write"
	ScopeFilesRead      = "files_read"
	ScopeFilesWrite     = "files_write"
	ScopeUsersRead      = "users_read"
	ScopeUsersWrite     = "users_write"
	ScopeContactsRead   = "contacts_read"
	ScopeContactsWrite  = "contacts_write"
	ScopeAdministrative = "administrative"
)

// OAuthBaseURL is where Worksection's OAuth2 endpoints live: on
// worksection.com, not on the account's host.
const OAuthBaseURL = "https://worksection.com"

// Endpoint is Worksection's OAuth2 endpoint. The client id and secret go in
// the form parameters.
var Endpoint = EndpointAt(OAuthBaseURL)

// EndpointAt returns the OAuth2 endpoint served under baseURL (the fake
// server's URL in tests).
func EndpointAt(baseURL string) oauth2.Endpoint {
	base := strings.TrimSuffix(baseURL, "/")
	return oauth2.Endpoint{AuthURL: base + "/oauth2/authorize", TokenURL: base + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}
}

// refreshURL is Worksection's separate refresh endpoint beside TokenURL.
func refreshURL(e oauth2.Endpoint) string {
	return strings.TrimSuffix(e.TokenURL, "/token") + "/refresh"
}

// NewOAuth2Config returns a config for Worksection's OAuth2: use its
// AuthCodeURL and Exchange (or this package's Exchange, for typed errors).
// The client secret is never put in the authorize URL.
func NewOAuth2Config(clientID, clientSecret, redirectURL string, scopes ...string) *oauth2.Config {
	return &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL,
		Scopes: scopes, Endpoint: Endpoint}
}

// OAuthError is an error from the OAuth2 server, {"error":"...",
// "errorDescription":"..."}, which Worksection sends with HTTP 200.
type OAuthError struct {
	Code        string // e.g. "invalid_request", "invalid_client"
	Description string // e.g. "Cannot decrypt the refresh token"
	HTTPStatus  int
}

// Error reads like "worksection: oauth: invalid_client: Client authentication failed".
func (e *OAuthError) Error() string {
	s := "worksection: oauth: " + e.Code
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Is matches ErrUnauthorized for invalid, expired or revoked grants,
// clients and tokens.
func (e *OAuthError) Is(target error) bool {
	if target != ErrUnauthorized {
		return false
	}
	switch e.Code {
	case "invalid_grant", "invalid_client", "invalid_token", "unauthorized_client", "access_denied", "not_authorized":
		return true
	case "invalid_request":
		d := strings.ToLower(e.Description)
		return strings.Contains(d, "revoked") || strings.Contains(d, "expired") ||
			strings.Contains(d, "decrypt") || strings.Contains(d, "invalid")
	}
	return e.HTTPStatus == http.StatusUnauthorized
}

// oauthErrorBody reads an OAuth error from a body, or nil if there is none.
func oauthErrorBody(status int, body []byte) *OAuthError {
	var e struct {
		Error      string `json:"error"`
		DescCamel  string `json:"errorDescription"`
		DescSnake  string `json:"error_description"`
		DescLegacy string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error == "" {
		return nil
	}
	return &OAuthError{Code: e.Error, Description: firstOf(e.DescCamel, e.DescSnake, e.DescLegacy), HTTPStatus: status}
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Exchange trades an authorization code for a token with cfg.Exchange,
// turning the server's error bodies into *OAuthError.
func Exchange(ctx context.Context, cfg *oauth2.Config, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	tok, err := cfg.Exchange(ctx, code, opts...)
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		if oe := oauthErrorBody(status, re.Body); oe != nil {
			return nil, oe
		}
		return nil, &OAuthError{Code: re.ErrorCode, Description: re.ErrorDescription, HTTPStatus: status}
	}
	if err != nil {
		return nil, fmt.Errorf("worksection: oauth: exchange: %w", err)
	}
	return tok, nil
}

// AccountURL returns the account URL the token response carried
// ("account_url"), or "" if it has none.
func AccountURL(tok *oauth2.Token) string {
	if tok == nil {
		return ""
	}
	s, _ := tok.Extra("account_url").(string)
	return s
}

// TokenSource keeps a user's token fresh through Worksection's refresh
// endpoint. Refresh tokens rotate: every refresh invalidates the old pair,
// so OnRefresh must persist each new token. It is safe for concurrent use;
// concurrent callers share one refresh.
type TokenSource struct {
	ctx       context.Context
	cfg       *oauth2.Config
	onRefresh func(*oauth2.Token) error
	early     time.Duration

	mu  sync.Mutex
	tok *oauth2.Token
}

// NewTokenSource returns a TokenSource starting from tok. onRefresh (may be
// nil) is called with every new token before it is used; its error is
// returned from Token. HTTP requests use ctx's oauth2.HTTPClient if set.
func NewTokenSource(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token, onRefresh func(*oauth2.Token) error) *TokenSource {
	return &TokenSource{ctx: ctx, cfg: cfg, tok: tok, onRefresh: onRefresh, early: time.Minute}
}

// Token returns a valid access token, refreshing it a minute before expiry.
func (s *TokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && s.tok.AccessToken != "" && (s.tok.Expiry.IsZero() || time.Until(s.tok.Expiry) > s.early) {
		return s.tok, nil
	}
	return s.refreshLocked()
}

// expire refreshes if stale is still the current access token (the server
// said it expired); a caller that lost the race gets the newer token.
func (s *TokenSource) expire(stale string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && s.tok.AccessToken != stale {
		return nil
	}
	_, err := s.refreshLocked()
	return err
}

func (s *TokenSource) refreshLocked() (*oauth2.Token, error) {
	if s.tok == nil || s.tok.RefreshToken == "" {
		return nil, &OAuthError{Code: "invalid_grant", Description: "no refresh token to renew the expired access token"}
	}
	tok, err := s.refresh(s.tok.RefreshToken)
	if err != nil {
		return nil, err
	}
	if AccountURL(tok) == "" && AccountURL(s.tok) != "" {
		tok = tok.WithExtra(map[string]any{"account_url": AccountURL(s.tok)})
	}
	s.tok = tok // the old pair is dead now, so keep the new one whatever the hook says
	if s.onRefresh != nil {
		if err := s.onRefresh(tok); err != nil {
			return nil, fmt.Errorf("worksection: oauth: saving the refreshed token: %w", err)
		}
	}
	return tok, nil
}

// refresh calls the refresh endpoint: client_id, client_secret,
// grant_type=refresh_token and refresh_token in a form body.
func (s *TokenSource) refresh(refreshToken string) (*oauth2.Token, error) {
	form := url.Values{"client_id": {s.cfg.ClientID}, "client_secret": {s.cfg.ClientSecret},
		"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, refreshURL(s.cfg.Endpoint), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("worksection: oauth: refresh: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	hc := http.DefaultClient
	if c, ok := s.ctx.Value(oauth2.HTTPClient).(*http.Client); ok && c != nil {
		hc = c
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("worksection: oauth: refresh: %w", transport.Redactor{refreshToken, s.cfg.ClientSecret}.Err(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("worksection: oauth: refresh: reading body: %w", err)
	}
	if oe := oauthErrorBody(resp.StatusCode, body); oe != nil {
		return nil, oe
	}
	var tj struct {
		AccessToken  string      `json:"access_token"`
		TokenType    string      `json:"token_type"`
		RefreshToken string      `json:"refresh_token"`
		ExpiresIn    json.Number `json:"expires_in"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tj) != nil || tj.AccessToken == "" {
		return nil, &OAuthError{Code: "invalid_response", Description: fmt.Sprintf("refresh answered HTTP %d without a token", resp.StatusCode), HTTPStatus: resp.StatusCode}
	}
	tok := &oauth2.Token{AccessToken: tj.AccessToken, TokenType: tj.TokenType, RefreshToken: tj.RefreshToken}
	if secs, err := tj.ExpiresIn.Int64(); err == nil && secs > 0 {
		tok.Expiry = time.Now().Add(time.Duration(secs) * time.Second)
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	var extra map[string]any
	_ = json.Unmarshal(body, &extra)
	return tok.WithExtra(extra), nil
}

// refresherFor renews through ts after the server refused stale: our
// TokenSource refreshes (once for concurrent callers); any other source is
// asked again and must hand out a different token.
func refresherFor(ts oauth2.TokenSource) func(stale string) error {
	if own, ok := ts.(*TokenSource); ok {
		return own.expire
	}
	return func(stale string) error {
		tok, err := ts.Token()
		if err != nil {
			return err
		}
		if tok.AccessToken == stale {
			return errors.New("the token source returned the same expired token")
		}
		return nil
	}
}

// String hides the tokens.
func (s *TokenSource) String() string { return "worksection.TokenSource{tokens: REDACTED}" }

// GoString hides the tokens from %#v.
func (s *TokenSource) GoString() string { return s.String() }

// Format makes every fmt verb use String.
func (s *TokenSource) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// WithTokenSource calls the user API with tokens from ts, asked for on
// every attempt. If the API answers HTTP 401 ("Access token is expired"),
// the client refreshes once (through a *TokenSource, or by asking ts again)
// and retries the call once.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(o *options) error {
		if ts == nil {
			return errors.New("nil token source")
		}
		o.tokenSource = ts
		return nil
	}
}

// NewClientFromToken builds a user-API client for the account named in the
// token response (account_url), refreshing tok through cfg as needed. Pass
// WithTokenSource(NewTokenSource(ctx, cfg, tok, save)) in opts to persist
// rotated tokens.
func NewClientFromToken(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token, opts ...Option) (*Client, error) {
	account := AccountURL(tok)
	if account == "" {
		return nil, errors.New("worksection: NewClientFromToken: the token has no account_url; use NewClient with the account URL")
	}
	return NewClient(account, append([]Option{WithTokenSource(NewTokenSource(ctx, cfg, tok, nil))}, opts...)...)
}
