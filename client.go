package worksection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/worksection-go/worksection/internal/auth"
	"github.com/worksection-go/worksection/internal/transport"
)

// Version is the SDK version sent in the default User-Agent.
const Version = "0.2.0"

const (
	adminPath = "/api/admin/v2/"
	userPath  = "/api/oauth2"
	// hmacPath is where the vendor's header-signed clients post.
	hmacPath = "/api/admin/v2"
)

// Client calls the Worksection members API. It is safe for concurrent use
// and its goroutines share its rate limiter. Close releases its connections.
type Client struct {
	account  string // scheme://host of the account
	endpoint string // account + adminPath, hmacPath or userPath
	http     *http.Client
	// writeHTTP follows no redirect: a write answered with one may have been
	// applied, and following it would read a GET's answer as the write's.
	writeHTTP *http.Client
	ownsHTTP  bool     // the transport is the client's own, so Close may release it
	uaHeader  []string // the User-Agent header value, shared by requests
	// creds holds the credentials behind a pointer, so that printing a
	// Client value (fmt, slog) shows an address, never a key or token.
	creds   *credentials
	maxBody int64
	limiter Limiter
	retry   RetryPolicy
	logger  *slog.Logger
}

// credentials sign requests and know which secrets to mask.
type credentials struct {
	signer  auth.Signer
	tokens  tokenProvider // nil unless tokens can be renewed
	userAPI bool          // access-token client
	// secrets is one more pointer away: fmt prints the struct behind the
	// printed pointer (a %s of a Client value), only addresses below it.
	secrets *transport.Redactor
}

// NewClient returns a client for the account at accountURL, such as
// "https://acme.worksection.com". It needs exactly one credential,
// WithAPIKey, WithAccessToken or WithTokenSource, and makes no network call.
func NewClient(accountURL string, opts ...Option) (*Client, error) {
	o := options{limit: 1, burst: 1, retry: DefaultRetryPolicy(), maxBody: defaultMaxBody}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("worksection: NewClient: %w", err)
		}
	}
	account, err := transport.ParseBaseURL(accountURL, false, "https://<account>.worksection.com")
	if err != nil {
		return nil, fmt.Errorf("worksection: NewClient: account %w", err)
	}
	creds, err := o.credentials()
	if err != nil {
		return nil, fmt.Errorf("worksection: NewClient: %w", err)
	}
	c := &Client{
		account:  account,
		endpoint: account + adminPath,
		http:     transport.NewHTTPClient(o.httpClient),
		ownsHTTP: o.httpClient == nil,
		uaHeader: []string{"worksection-go/" + Version},
		creds:    creds,
		maxBody:  o.maxBody,
		limiter:  o.limiter,
		retry:    o.retry,
		logger:   o.logger,
	}
	switch {
	case creds.userAPI:
		c.endpoint = account + userPath
	case creds.signer.Placement() == auth.InBody:
		c.endpoint = account + hmacPath
	}
	c.writeHTTP = transport.WithoutRedirects(c.http)
	if creds.tokens != nil {
		tokens := creds.tokens
		creds.signer = &auth.Bearer{Token: func(ctx context.Context) (string, error) {
			tok, err := tokens.token(ctx, c.http)
			switch {
			case err != nil:
				return "", err
			case tok == nil || tok.AccessToken == "":
				return "", errors.New("the token source returned no access token")
			}
			return tok.AccessToken, nil
		}}
	}
	if c.limiter == nil {
		c.limiter = newPacer(o.limit, o.burst)
	}
	if o.userAgent != "" {
		c.uaHeader = []string{o.userAgent}
	}
	return c, nil
}

// credentials builds the signer; exactly one credential must be given.
func (o *options) credentials() (*credentials, error) {
	tokenAuth := o.accessToken != "" || o.tokenSource != nil
	switch {
	case o.apiKey != "" && tokenAuth:
		return nil, errors.New("both an API key and an access token given; use one")
	case o.accessToken != "" && o.tokenSource != nil:
		return nil, errors.New("both WithAccessToken and WithTokenSource given; use one")
	case tokenAuth && o.hmac:
		return nil, errors.New("WithHMACSigning needs WithAPIKey, not an access token")
	case o.apiKey != "" && o.hmac:
		return &credentials{signer: &auth.HMACHeader{Key: o.apiKey, Now: o.now}, secrets: &transport.Redactor{o.apiKey}}, nil
	case o.apiKey != "":
		return &credentials{signer: &auth.MD5Query{Key: o.apiKey}, secrets: &transport.Redactor{o.apiKey}}, nil
	case o.tokenSource != nil:
		return &credentials{tokens: providerFor(o.tokenSource), userAPI: true, secrets: &transport.Redactor{}}, nil
	case o.accessToken != "":
		tok := o.accessToken
		return &credentials{signer: &auth.Bearer{Token: func(context.Context) (string, error) { return tok, nil }},
			userAPI: true, secrets: &transport.Redactor{tok}}, nil
	}
	return nil, errors.New("no credentials; use WithAPIKey, WithAccessToken or WithTokenSource")
}

// AccountURL returns the account's base URL, e.g. "https://acme.worksection.com".
func (c *Client) AccountURL() string { return c.account }

// Close releases the idle connections of the client's own HTTP transport
// (not one given WithHTTPClient). Later calls still work, on new connections.
func (c *Client) Close() error {
	if c.ownsHTTP {
		c.http.CloseIdleConnections()
	}
	return nil
}

// String describes the client without its credentials.
func (c *Client) String() string {
	kind := "admin API key"
	if c.creds.userAPI {
		kind = "access token"
	}
	return fmt.Sprintf("worksection.Client{account: %s, auth: %s}", c.account, kind)
}

// GoString keeps %#v from printing credentials.
func (c *Client) GoString() string { return c.String() }

// LogValue keeps slog from printing credentials.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Format makes every fmt verb use String, so %+v cannot reach the fields.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }
