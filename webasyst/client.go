// Package webasyst is a typed client for Webasyst Teamwork's team list,
// the tasks.team.getList method: the colleagues with access to Teamwork,
// with contact details, groups, task counts, the last action and calendar
// status. JSON only: the server's XML output is broken for Teamwork.
//
//	c, err := webasyst.NewClient("https://team.example.com", token)
//	team, err := c.TeamList(ctx)
//
// Package webasysttest provides a fake server for tests.
package webasyst

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/worksection-go/worksection/internal/transport"
)

const defaultMaxBody = 64 << 20

// Client calls one Webasyst installation with one access token. It is safe
// for concurrent use.
type Client struct {
	endpoint     string
	base         string
	token        string
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
	c := &Client{base: base, endpoint: base + "/api.php/tasks.team.getList", token: accessToken,
		userAgent: "worksection-go-webasyst", maxBody: defaultMaxBody}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
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
	u := c.endpoint
	if c.tokenInQuery {
		u += "?access_token=" + url.QueryEscape(c.token)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("webasyst: tasks.team.getList: %w", err)
	}
	if !c.tokenInQuery {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	red := transport.Redactor{c.token}

	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("webasyst: tasks.team.getList: %w", ctx.Err())
		}
		return nil, fmt.Errorf("webasyst: tasks.team.getList: %w", red.Err(err))
	}
	defer resp.Body.Close()
	body, err := transport.ReadBody(resp, c.maxBody)
	if err != nil {
		return nil, &ResponseError{HTTPStatus: resp.StatusCode, Excerpt: transport.Excerpt(body, red), Err: err}
	}
	team, err := decodeTeam(body)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		apiErr.HTTPStatus = resp.StatusCode
		apiErr.Description = red.Text(apiErr.Description)
		return nil, apiErr
	case err != nil:
		if resp.StatusCode >= 300 {
			err = fmt.Errorf("%s: %w", http.StatusText(resp.StatusCode), err)
		}
		return nil, &ResponseError{HTTPStatus: resp.StatusCode, Excerpt: transport.Excerpt(body, red), Err: err}
	case resp.StatusCode != http.StatusOK:
		return nil, &ResponseError{HTTPStatus: resp.StatusCode, Excerpt: transport.Excerpt(body, red), Err: errors.New("data with an HTTP error status")}
	}
	return team, nil
}

// errNotJSON reports a body that is not a JSON object.
var errNotJSON = errors.New("response is not a JSON object")

// decodeTeam reads {"data":[...]} or an error body (*APIError). A top-level
// "error" key is an error whatever else the body holds.
func decodeTeam(body []byte) ([]Teammate, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, errNotJSON
	}
	var env struct {
		Data             json.RawMessage `json:"data"`
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		ErrorMessage     string          `json:"error_message"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %w", errNotJSON, err)
	}
	if len(env.Error) > 0 && string(env.Error) != "null" {
		var code string
		if json.Unmarshal(env.Error, &code) != nil {
			code = string(env.Error)
		}
		desc := env.ErrorDescription
		if desc == "" {
			desc = env.ErrorMessage
		}
		return nil, &APIError{Code: code, Description: desc}
	}
	if env.Data == nil {
		return nil, errors.New("no data in the response")
	}
	var team []Teammate
	if err := json.Unmarshal(env.Data, &team); err != nil {
		return nil, fmt.Errorf("decoding data: %w", err)
	}
	if team == nil {
		team = []Teammate{}
	}
	return team, nil
}
