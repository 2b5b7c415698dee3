package worksection

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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

// OAuthBaseURL is where Worksection's OAuth2 endpoints live (not the account's host).
const OAuthBaseURL = "https://worksection.com"

const (
	// maxOAuthBody caps a token response.
	maxOAuthBody = 1 << 20
	// maxTokenLifetime caps a token's expires_in (Worksection's last 24 h).
	maxTokenLifetime = 365 * 24 * time.Hour
)

// Endpoint returns Worksection's OAuth2 endpoint (client id and secret in the form).
func Endpoint() oauth2.Endpoint {
	e, _ := EndpointAt(OAuthBaseURL) // a constant https URL cannot fail
	return e
}

// EndpointAt returns the OAuth2 endpoint served under baseURL (the fake
// server's URL in tests). Like NewClient, it refuses plain http except on
// loopback: the token endpoints carry the client secret.
func EndpointAt(baseURL string) (oauth2.Endpoint, error) {
	base, err := transport.ParseBaseURL(baseURL, true, OAuthBaseURL)
	if err != nil {
		return oauth2.Endpoint{}, fmt.Errorf("worksection: EndpointAt: %w", err)
	}
	return oauth2.Endpoint{AuthURL: base + "/oauth2/authorize", TokenURL: base + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}, nil
}

// NewOAuth2Config returns a config for Worksection's OAuth2: use its
// AuthCodeURL, and this package's Exchange (the config's own does not read
// Worksection's HTTP 200 error answers).
func NewOAuth2Config(clientID, clientSecret, redirectURL string, scopes ...string) *oauth2.Config {
	return &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL,
		Scopes: scopes, Endpoint: Endpoint()}
}

// OAuthError is the OAuth2 server's {"error","errorDescription"}, sent with
// HTTP 200; any secret the server echoes is masked.
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

// Is matches ErrUnauthorized for refused, expired or revoked grants, clients, tokens.
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

// clientRefused reports the server refusing the client id or secret: the
// refresh token was not used, and signing in again would not help.
func clientRefused(err error) bool {
	var oe *OAuthError
	return errors.As(err, &oe) && (oe.Code == "invalid_client" || oe.Code == "unauthorized_client")
}

// clientRefusedErr explains a refusal of the client credentials.
func clientRefusedErr(err error) error {
	return fmt.Errorf("worksection: oauth: the OAuth client's credentials were refused: check the client id and client secret "+
		"(the refresh token was not used and is kept): %w", err)
}

// oauthErrorBody reads an OAuth error through the envelope decoder, or nil.
func oauthErrorBody(status int, body []byte, red transport.Redactor) *OAuthError {
	env, err := readEnvelope(transport.NewBodyReader(bytes.NewReader(body), int64(len(body)), -1), nil)
	if err != nil || env.OK || env.Details == "" && env.Message == "" {
		return nil
	}
	return &OAuthError{Code: red.Text(env.Details), Description: red.Text(env.Message), HTTPStatus: status}
}

// oauthHTTPClient is hc (or the default) following no redirect, which would
// re-post the client secret and a grant elsewhere.
func oauthHTTPClient(hc *http.Client) *http.Client {
	if hc == nil {
		hc = transport.NewHTTPClient(nil)
	}
	return transport.WithoutRedirects(hc)
}

// checkTokenURL applies NewClient's URL rule to an endpoint built by hand.
func checkTokenURL(e oauth2.Endpoint) error {
	u, err := url.Parse(e.TokenURL)
	if err != nil || u.Host == "" {
		return errors.New("worksection: oauth: the endpoint's TokenURL is not an absolute URL")
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && transport.IsLoopback(u.Hostname())) {
		return fmt.Errorf("worksection: oauth: TokenURL %s must use https (http is allowed only on loopback)", transport.StripURL(e.TokenURL))
	}
	return nil
}

// Exchange trades an authorization code for a token, through the
// *http.Client in ctx under oauth2.HTTPClient if any, following no redirect.
// The server's errors (sent with HTTP 200) are *OAuthError, secrets masked.
// opts add their parameters (a PKCE verifier) to the form.
func Exchange(ctx context.Context, cfg *oauth2.Config, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	if cfg == nil {
		return nil, errors.New("worksection: oauth: exchange: nil config")
	}
	if ctx == nil {
		return nil, errors.New("worksection: oauth: exchange: nil context")
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {cfg.RedirectURL}}
	if err := addOptionParams(form, cfg, opts); err != nil {
		return nil, err
	}
	hc, _ := ctx.Value(oauth2.HTTPClient).(*http.Client)
	tok, err := tokenRequest(ctx, hc, cfg, cfg.Endpoint.TokenURL, form, transport.Redactor{cfg.ClientSecret, code})
	if err != nil {
		return nil, fmt.Errorf("worksection: oauth: exchange: %w", err)
	}
	return tok, nil
}

// addOptionParams copies the parameters opts set into form. The options
// are opaque, so they are read back from an authorize URL built with them.
func addOptionParams(form url.Values, cfg *oauth2.Config, opts []oauth2.AuthCodeOption) error {
	if len(opts) == 0 {
		return nil
	}
	u, err := url.Parse(cfg.AuthCodeURL("", opts...))
	if err != nil {
		return fmt.Errorf("worksection: oauth: exchange options: %w", err)
	}
	for k, v := range u.Query() {
		switch k {
		case "response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method":
		default:
			form[k] = v
		}
	}
	return nil
}

// refreshGrant posts the refresh token to the refresh endpoint beside cfg's
// TokenURL. The server rotates the pair.
func refreshGrant(ctx context.Context, hc *http.Client, cfg *oauth2.Config, refreshToken string) (*oauth2.Token, error) {
	if cfg == nil {
		return nil, errors.New("worksection: oauth: refresh: nil config")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	endpoint := strings.TrimSuffix(cfg.Endpoint.TokenURL, "/token") + "/refresh"
	tok, err := tokenRequest(ctx, hc, cfg, endpoint, form, transport.Redactor{cfg.ClientSecret, refreshToken})
	if err != nil {
		return nil, fmt.Errorf("worksection: oauth: refresh: %w", err)
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	return tok, nil
}

// tokenRequest posts form with the client's id and secret to endpoint.
func tokenRequest(ctx context.Context, hc *http.Client, cfg *oauth2.Config, endpoint string, form url.Values, red transport.Redactor) (*oauth2.Token, error) {
	if ctx == nil {
		return nil, errors.New("nil context")
	}
	if err := checkTokenURL(cfg.Endpoint); err != nil {
		return nil, err
	}
	form.Set("client_id", cfg.ClientID)
	form.Set("client_secret", cfg.ClientSecret)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, red.Err(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := oauthHTTPClient(hc).Do(req)
	if err != nil {
		return nil, red.TransportErr(err, endpoint)
	}
	defer resp.Body.Close()
	body, err := transport.ReadBody(resp, maxOAuthBody)
	if err != nil {
		return nil, fmt.Errorf("HTTP %d: %w", resp.StatusCode, red.Err(err))
	}
	if oe := oauthErrorBody(resp.StatusCode, body, red); oe != nil {
		return nil, oe
	}
	tok, err := decodeToken(body)
	if err == nil && (!validHeaderValue(tok.AccessToken) || !validHeaderValue(tok.RefreshToken)) {
		err = errors.New("a token with control characters") // never saved, never sent
	}
	if resp.StatusCode != http.StatusOK || err != nil {
		return nil, &OAuthError{Code: "invalid_response", HTTPStatus: resp.StatusCode,
			Description: fmt.Sprintf("HTTP %d without a token", resp.StatusCode)}
	}
	return tok, nil
}

// decodeToken reads a token response; expires_in may be a number or a
// numeric string. Extra fields (account_url) stay reachable with Extra.
func decodeToken(body []byte) (*oauth2.Token, error) {
	var tj struct {
		AccessToken  string          `json:"access_token"`
		TokenType    string          `json:"token_type"`
		RefreshToken string          `json:"refresh_token"`
		ExpiresIn    json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tj); err != nil || tj.AccessToken == "" {
		return nil, errors.New("no access token in the response")
	}
	tok := &oauth2.Token{AccessToken: tj.AccessToken, TokenType: tj.TokenType, RefreshToken: tj.RefreshToken}
	var exp number
	_ = json.Unmarshal(tj.ExpiresIn, &exp) // a bad or absent expires_in is no expiry
	if secs := exp.v; secs != nil && *secs > 0 {
		// Clamped first: a huge value must not wrap into the past.
		tok.Expiry = time.Now().Add(time.Duration(min(*secs, maxTokenLifetime.Seconds()) * float64(time.Second)))
	}
	var extra map[string]any
	_ = json.Unmarshal(body, &extra)
	return tok.WithExtra(extra), nil
}

// AccountURL returns the token response's account_url, or "".
func AccountURL(tok *oauth2.Token) string {
	if tok == nil {
		return ""
	}
	s, _ := tok.Extra("account_url").(string)
	return s
}

// keepAccountURL carries account_url from old to a refreshed token lacking it.
func keepAccountURL(tok, old *oauth2.Token) *oauth2.Token {
	if AccountURL(tok) == "" && AccountURL(old) != "" {
		return tok.WithExtra(map[string]any{"account_url": AccountURL(old)})
	}
	return tok
}

// tokenProvider is what the Client needs from a token source; any other
// oauth2.TokenSource is adapted by foreignSource.
type tokenProvider interface {
	// token returns a valid token, refreshing through hc if needed.
	token(ctx context.Context, hc *http.Client) (*oauth2.Token, error)
	// renew refreshes unless the source has already moved past stale.
	renew(ctx context.Context, hc *http.Client, stale string) error
}

// providerFor adapts ts for the Client.
func providerFor(ts oauth2.TokenSource) tokenProvider {
	if p, ok := ts.(tokenProvider); ok {
		return p
	}
	return foreignSource{ts}
}

// foreignSource wraps a token source without contexts: ctx still ends the wait.
type foreignSource struct{ ts oauth2.TokenSource }

func (f foreignSource) token(ctx context.Context, _ *http.Client) (*oauth2.Token, error) {
	var tok *oauth2.Token
	var err error
	done := make(chan struct{})
	go func() {
		tok, err = f.ts.Token()
		close(done)
	}()
	select {
	case <-done:
		return tok, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (f foreignSource) renew(ctx context.Context, hc *http.Client, stale string) error {
	tok, err := f.token(ctx, hc)
	if err != nil {
		return err
	}
	if tok.AccessToken == stale {
		return errors.New("the token source returned the same expired token")
	}
	return nil
}

// NewClientFromToken builds a user-API client for the token's account_url,
// refreshing tok through cfg. Pass WithTokenSource(NewTokenSource(ctx, cfg,
// tok, save)) in opts to persist rotated tokens.
func NewClientFromToken(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token, opts ...Option) (*Client, error) {
	account := AccountURL(tok)
	if account == "" {
		return nil, errors.New("worksection: NewClientFromToken: the token has no account_url; use NewClient with the account URL")
	}
	return NewClient(account, append([]Option{WithTokenSource(NewTokenSource(ctx, cfg, tok, nil))}, opts...)...)
}
