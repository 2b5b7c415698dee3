package worksectiontest

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
)

// OAuth state of the fake: one registered client, authorization codes and
// refresh tokens. Access tokens live in Server.tokens.
type oauthGrant struct {
	email    string
	redirect string // codes only
	access   string // refresh tokens only: the access token issued with it
	expires  time.Time
}

// OAuthEndpoint returns the fake's OAuth2 endpoint, for an oauth2.Config.
func (s *Server) OAuthEndpoint() oauth2.Endpoint {
	e, _ := ws.EndpointAt(s.URL) // a loopback URL is always accepted
	return e
}

// OAuthConfig returns a config for the fake's registered client.
func (s *Server) OAuthConfig(redirectURL string, scopes ...string) *oauth2.Config {
	cfg := ws.NewOAuth2Config(s.ClientID, s.ClientSecret, redirectURL, scopes...)
	cfg.Endpoint = s.OAuthEndpoint()
	return cfg
}

// NewToken issues an access and refresh token pair for the member with
// email, as the token endpoint would, with account_url set.
func (s *Server) NewToken(email string) *oauth2.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	body := s.issueLocked(email)
	tok := &oauth2.Token{AccessToken: body.AccessToken, RefreshToken: body.RefreshToken,
		TokenType: body.TokenType, Expiry: s.clock().Add(s.tokenTTL)}
	return tok.WithExtra(map[string]any{"account_url": body.AccountURL, "expires_in": body.ExpiresIn})
}

// RefreshCount returns how many refreshes the fake has granted.
func (s *Server) RefreshCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}

// tokenBody is the token endpoint's answer, in the recorded field order.
type tokenBody struct {
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	AccountURL   string `json:"account_url"`
}

// issueLocked creates a token pair and returns the token response body.
func (s *Server) issueLocked(email string) tokenBody {
	access, refresh := "wstest-at-"+randomHex(24), "def50200"+randomHex(32)
	now := s.clock()
	s.tokens[access] = token{email: email, expires: now.Add(s.tokenTTL)}
	s.refreshTokens[refresh] = oauthGrant{email: email, access: access, expires: now.Add(30 * 24 * time.Hour)}
	// expires_in is whole seconds: rounded down, so a client never counts on
	// more life than the token has, but at least 1 (0 reads as "no expiry").
	expiresIn := max(int64(s.tokenTTL/time.Second), 1)
	return tokenBody{TokenType: "Bearer", ExpiresIn: expiresIn, AccessToken: access, RefreshToken: refresh, AccountURL: s.URL}
}

type oauthErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"errorDescription"`
}

func oauthError(w http.ResponseWriter, code, description string) {
	// Worksection answers OAuth errors with HTTP 200 and a camelCase key.
	writeJSON(w, http.StatusOK, oauthErrorBody{Error: code, ErrorDescription: description})
}

type resourceBody struct {
	ID         string `json:"id"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Email      string `json:"email"`
	AccountURL string `json:"account_url"`
}

// serveOAuth implements /oauth2/authorize, token, refresh and resource.
// Parameters come from the query or a form body (clients use both).
func (s *Server) serveOAuth(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := r.Form
	endpoint := strings.TrimPrefix(strings.TrimSuffix(r.URL.Path, "/"), "/oauth2/")
	logged := Request{Method: r.Method, Path: r.URL.Path, Action: "oauth2/" + endpoint, Params: oauthPublic(p), Auth: AuthNone}
	defer func() {
		s.record(logged)
	}()
	if endpoint == "authorize" {
		logged.Outcome = s.authorize(w, r, p)
		return
	}
	if p.Get("client_id") != s.ClientID || p.Get("client_secret") != s.ClientSecret {
		logged.Outcome = "Client authentication failed"
		oauthError(w, "invalid_client", "Client authentication failed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch endpoint {
	case "token":
		logged.Outcome = s.tokenGrant(w, p)
	case "refresh":
		logged.Outcome = s.refreshGrant(w, p)
	case "resource":
		logged.Outcome = s.resource(w, p)
	default:
		logged.Outcome = "not found"
		http.NotFound(w, r)
	}
}

// oauthRefuse answers an OAuth error and returns the logged outcome.
func oauthRefuse(w http.ResponseWriter, outcome, code, description string) string {
	oauthError(w, code, description)
	return outcome
}

// tokenGrant exchanges a single-use authorization code; s.mu is held.
func (s *Server) tokenGrant(w http.ResponseWriter, p url.Values) string {
	g, ok := s.codes[p.Get("code")]
	delete(s.codes, p.Get("code")) // single use
	switch {
	case p.Get("grant_type") != "authorization_code":
		return oauthRefuse(w, "unsupported grant", "unsupported_grant_type", "The authorization grant type is not supported")
	case !ok || s.clock().After(g.expires):
		return oauthRefuse(w, "Authorization code has been revoked", "invalid_request", "Authorization code has been revoked")
	case g.redirect != p.Get("redirect_uri"):
		return oauthRefuse(w, "redirect mismatch", "invalid_request", "Redirect URI does not match")
	}
	writeJSON(w, http.StatusOK, s.issueLocked(g.email))
	return "ok"
}

// refreshGrant rotates a refresh token: the old pair stops working; s.mu
// is held.
func (s *Server) refreshGrant(w http.ResponseWriter, p url.Values) string {
	g, ok := s.refreshTokens[p.Get("refresh_token")]
	switch {
	case p.Get("grant_type") != "refresh_token":
		return oauthRefuse(w, "unsupported grant", "unsupported_grant_type", "The authorization grant type is not supported")
	case s.rotated[p.Get("refresh_token")]: // a second refresh with the same token: someone refreshed already
		return oauthRefuse(w, "invalid_grant: refresh token already used", "invalid_grant", "Token has been revoked")
	case !ok || s.clock().After(g.expires):
		return oauthRefuse(w, "Cannot decrypt the refresh token", "invalid_request", "Cannot decrypt the refresh token")
	}
	delete(s.refreshTokens, p.Get("refresh_token"))
	s.rotated[p.Get("refresh_token")] = true
	delete(s.tokens, g.access)
	s.refreshes++
	writeJSON(w, http.StatusOK, s.issueLocked(g.email))
	return "ok"
}

// resource answers who an access token belongs to; s.mu is held.
func (s *Server) resource(w http.ResponseWriter, p url.Values) string {
	t, ok := s.tokens[p.Get("access_token")]
	u := s.userByEmail(t.email)
	if !ok || u == nil || !s.clock().Before(t.expires) {
		return oauthRefuse(w, "not authorized", "not_authorized", "Access token is invalid")
	}
	writeJSON(w, http.StatusOK, resourceBody{ID: string(u.ID), FirstName: u.FirstName,
		LastName: u.LastName, Email: u.Email, AccountURL: s.URL})
	return "ok"
}

// authorize approves at once and redirects back with a code, as a user
// clicking "Allow" would.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, p url.Values) string {
	redirect, err := url.Parse(p.Get("redirect_uri"))
	switch {
	case p.Get("client_id") != s.ClientID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return "unknown client"
	case p.Get("response_type") != "code":
		http.Error(w, "response_type must be code", http.StatusBadRequest)
		return "bad response_type"
	case p.Has("client_secret"):
		http.Error(w, "client_secret must not be sent to the authorize endpoint", http.StatusBadRequest)
		return "client secret in authorize URL"
	case err != nil || redirect.Host == "" || redirect.Scheme != "https" && !loopbackHost(redirect.Hostname()):
		http.Error(w, "redirect_uri must be https (or loopback http)", http.StatusBadRequest)
		return "bad redirect_uri"
	}
	s.mu.Lock()
	email := s.oauthUser
	if email == "" && len(s.users) > 0 {
		email = s.users[0].Email
	}
	code := "wstest-code-" + randomHex(16)
	s.codes[code] = oauthGrant{email: email, redirect: p.Get("redirect_uri"), expires: s.clock().Add(10 * time.Minute)}
	s.mu.Unlock()
	q := redirect.Query()
	q.Set("code", code)
	if st := p.Get("state"); st != "" {
		q.Set("state", st)
	}
	redirect.RawQuery = q.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
	return "ok"
}

func loopbackHost(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// oauthPublic drops secrets from logged OAuth parameters.
func oauthPublic(p url.Values) url.Values {
	out := url.Values{}
	for k, v := range p {
		switch k {
		case "client_secret", "code", "access_token", "refresh_token":
			out[k] = []string{"REDACTED"}
		default:
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}
