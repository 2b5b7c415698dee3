package webasyst

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/worksection-go/worksection/internal/transport"
)

const defaultMaxBody = 64 << 20

// Client calls one Webasyst installation with one access token. It is safe
// for concurrent use. No fmt verb or slog handler prints its token, for a
// *Client or a Client value.
type Client struct {
	base         string
	endpoint     string
	secret       *secret
	tokenInQuery bool
	http         *http.Client
	userAgent    string
	maxBody      int64
}

// An Option configures a Client.
type Option func(*Client) error

// WithHTTPClient sends requests through a copy of hc (30 s timeout by default).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("nil HTTP client")
		}
		c.http = hc
		return nil
	}
}

// WithUserAgent replaces the default User-Agent.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" {
			return errors.New("empty user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithTokenInQuery sends the token as the access_token query parameter
// instead of "Authorization: Bearer", for servers that drop the header.
// The token then reaches server logs; the client still keeps it out of
// its own errors.
func WithTokenInQuery() Option {
	return func(c *Client) error { c.tokenInQuery = true; return nil }
}

// WithMaxResponseBytes caps how much of a response is read (64 MiB by default).
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return errors.New("max response bytes must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// NewClient returns a client for the Webasyst installation at baseURL (its
// root, which may be a subdirectory: https://example.com/webasyst) with an
// API access token that has the tasks scope. It makes no network call.
func NewClient(baseURL, accessToken string, opts ...Option) (*Client, error) {
	base, err := transport.ParseBaseURL(baseURL, true, "https://<your Webasyst>")
	if err != nil {
		return nil, fmt.Errorf("webasyst: NewClient: base %w", err)
	}
	if accessToken == "" {
		return nil, errors.New("webasyst: NewClient: empty access token")
	}
	c := &Client{base: base, endpoint: base + "/api.php/tasks.team.getList", secret: new(secret(accessToken)),
		userAgent: "worksection-go-webasyst", maxBody: defaultMaxBody}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("webasyst: NewClient: %w", err)
		}
	}
	// net/http would refuse these only at send time.
	for _, h := range []struct{ name, value string }{{"access token", accessToken}, {"user agent", c.userAgent}} {
		if err := checkHeaderValue(h.name, h.value); err != nil {
			return nil, fmt.Errorf("webasyst: NewClient: %w", err)
		}
	}
	c.http = transport.NewHTTPClient(c.http)
	return c, nil
}

// String describes the client without its token.
func (c *Client) String() string { return "webasyst.Client{base: " + c.base + "}" }

// GoString keeps %#v from printing the token.
func (c *Client) GoString() string { return c.String() }

// LogValue keeps slog from printing the token.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Format makes every fmt verb use String.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// TeamList returns the colleagues with access to Teamwork, most recently
// active first (GET /api.php/tasks.team.getList). The token owner is not
// in the list.
func (c *Client) TeamList(ctx context.Context) ([]Teammate, error) {
	req, err := c.newRequest(ctx)
	if err != nil {
		return nil, fmt.Errorf("webasyst: tasks.team.getList: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("webasyst: tasks.team.getList: %w", c.transportError(ctx, err))
	}
	defer resp.Body.Close()
	body, err := transport.ReadBody(resp, c.maxBody)
	if err != nil {
		return nil, c.responseError(resp.StatusCode, body, err)
	}
	team, err := decodeTeam(body)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		apiErr.HTTPStatus = resp.StatusCode
		if !serverCode(apiErr.Code) {
			apiErr.Code = c.secret.hide(apiErr.Code)
		}
		apiErr.Description = c.secret.hide(apiErr.Description)
		return nil, apiErr
	case err != nil:
		if resp.StatusCode >= 300 {
			err = fmt.Errorf("%s: %w", http.StatusText(resp.StatusCode), err)
		}
		return nil, c.responseError(resp.StatusCode, body, err)
	case resp.StatusCode != http.StatusOK:
		return nil, c.responseError(resp.StatusCode, body, errors.New("data with an HTTP error status"))
	}
	return team, nil
}

func (c *Client) newRequest(ctx context.Context) (*http.Request, error) {
	u := c.endpoint
	if c.tokenInQuery {
		u += "?access_token=" + url.QueryEscape(string(*c.secret))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if !c.tokenInQuery {
		req.Header.Set("Authorization", "Bearer "+string(*c.secret))
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}

// transportError names the endpoint without the query that may carry the
// token, and keeps the cause matchable unless its text holds the token.
func (c *Client) transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if c.secret.appearsIn(err.Error()) {
		err = errors.New("request failed: " + withheld)
	}
	op := "Get"
	if ue != nil {
		op = ue.Op
	}
	return &url.Error{Op: op, URL: c.endpoint, Err: err}
}

func (c *Client) responseError(status int, body []byte, err error) *ResponseError {
	return &ResponseError{HTTPStatus: status, Excerpt: c.excerpt(body), Err: err}
}

// excerpt is the start of a body, at most 200 bytes of valid UTF-8. The
// check looks far past the cut, so that a token straddling it, escaped or
// not, withholds the excerpt too.
func (c *Client) excerpt(body []byte) string {
	s := c.secret.hide(strings.ToValidUTF8(string(body[:min(len(body), 8<<10)]), ""))
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "")
	}
	return s
}
