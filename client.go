package worksection

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/worksection-go/worksection/internal/auth"
	"github.com/worksection-go/worksection/internal/transport"
	"github.com/worksection-go/worksection/internal/wire"
)

// Version is the SDK version sent in the default User-Agent.
const Version = "0.1.0"

const (
	adminPath = "/api/admin/v2/"
	userPath  = "/api/oauth2"

	defaultMaxBody = 64 << 20
	// maxURLBytes: the API answers 414 past 8 KB, so longer requests are
	// refused before sending.
	maxURLBytes = 8 << 10
)

// Client calls the Worksection members API. It is safe for concurrent use;
// its rate limiter is shared by every goroutine that uses it.
type Client struct {
	account  string // scheme://host of the account
	endpoint string // account + adminPath or userPath
	http     *http.Client
	uaHeader []string // the User-Agent header value, shared by requests
	encoder  wire.Encoder
	signer   auth.Signer
	userAPI  bool // access-token client
	// refreshToken renews an access token the server called expired
	// (stale is the one sent); nil when tokens cannot be refreshed.
	refreshToken func(stale string) error
	secrets      []string // literal secrets masked in any text the client emits
	maxBody      int64
	limiter      Limiter
	retry        RetryPolicy
	logger       *slog.Logger
}

// NewClient returns a client for the account at accountURL, such as
// "https://acme.worksection.com". It needs exactly one credential,
// WithAPIKey, WithAccessToken or WithTokenSource, and makes no network call.
func NewClient(accountURL string, opts ...Option) (*Client, error) {
	o := options{limit: 1, burst: 1, retry: DefaultRetryPolicy, maxBody: defaultMaxBody}
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
	c := &Client{
		account:  account,
		uaHeader: []string{"worksection-go/" + Version},
		maxBody:  o.maxBody,
		limiter:  o.limiter,
		retry:    o.retry,
		logger:   o.logger,
	}
	if c.limiter == nil {
		c.limiter = rate.NewLimiter(o.limit, o.burst)
	}
	if o.userAgent != "" {
		c.uaHeader = []string{o.userAgent}
	}
	tokenAuth := o.accessToken != "" || o.tokenSource != nil
	switch {
	case o.apiKey != "" && tokenAuth:
		return nil, errors.New("worksection: NewClient: both an API key and an access token given; use one")
	case o.accessToken != "" && o.tokenSource != nil:
		return nil, errors.New("worksection: NewClient: both WithAccessToken and WithTokenSource given; use one")
	case o.apiKey != "" && o.hmac:
		c.signer = auth.HMACHeader{Key: o.apiKey, Now: o.now}
	case o.apiKey != "":
		c.signer = auth.MD5Query{Key: o.apiKey}
	case tokenAuth && o.hmac:
		return nil, errors.New("worksection: NewClient: WithHMACSigning needs WithAPIKey, not an access token")
	case o.tokenSource != nil:
		ts := o.tokenSource
		c.signer = auth.Bearer{Token: func(context.Context) (string, error) {
			tok, err := ts.Token()
			if err != nil {
				return "", err
			}
			return tok.AccessToken, nil
		}}
		c.refreshToken = refresherFor(ts)
		c.userAPI = true
	case o.accessToken != "":
		tok := o.accessToken
		c.signer = auth.Bearer{Token: func(context.Context) (string, error) { return tok, nil }}
		c.userAPI = true
	default:
		return nil, errors.New("worksection: NewClient: no credentials; use WithAPIKey, WithAccessToken or WithTokenSource")
	}
	c.secrets = []string{o.apiKey, o.accessToken} // the redactor skips the empty one
	c.endpoint = account + adminPath
	if c.userAPI {
		c.endpoint = account + userPath
	}
	c.http = transport.NewHTTPClient(o.httpClient)
	return c, nil
}

// AccountURL returns the account's base URL, e.g. "https://acme.worksection.com".
func (c *Client) AccountURL() string { return c.account }

// String describes the client without its credentials.
func (c *Client) String() string {
	kind := "admin API key"
	if c.userAPI {
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

// readAction reports whether action is a read: sent as GET, safe to repeat.
func readAction(action string) bool {
	return strings.HasPrefix(action, "get_") || action == "me"
}

// call runs action with params and decodes the response data into out (nil
// to ignore it). verify, when set, guards a non-idempotent write: after a
// failure that may have been applied, it reads back and reports whether the
// record exists (and fills out), so the write is never sent twice.
func (c *Client) call(ctx context.Context, action string, params any, out any, verify func(context.Context) (bool, error)) error {
	query, err := c.encoder.Encode(action, params)
	if err != nil {
		return &ValidationError{Action: action, Field: "params", Reason: err.Error()}
	}
	var body []byte
	if n := len(c.endpoint) + 1 + len(query) + len("&hash=") + 32; n > maxURLBytes {
		// The md5 hash covers only the query, so long values cannot move to
		// the body; the header-signed schemes send them as a JSON body, as
		// the vendor's own clients do.
		if _, queryHash := c.signer.(auth.MD5Query); queryHash || readAction(action) {
			return &ValidationError{Action: action, Field: "params",
				Reason: fmt.Sprintf("request URL would be %d bytes; the API refuses more than %d (use WithHMACSigning or an access token for long values)", n, maxURLBytes)}
		}
		if query, body, err = wire.MoveToJSONBody(query); err != nil {
			return &ValidationError{Action: action, Field: "params", Reason: err.Error()}
		}
	}
	var lastErr error
	refreshed := false
	for attempt := 1; ; attempt++ {
		sent, err := c.attempt(ctx, action, query, body, out, attempt)
		if err == nil {
			return nil
		}
		lastErr = err
		if c.refreshToken != nil && !refreshed && tokenRefused(err) {
			// Refresh once (unless another call already has) and repeat
			// this attempt once; it does not count against the retry policy.
			refreshed = true
			if rerr := c.refreshToken(sent); rerr != nil {
				return fmt.Errorf("%w; refreshing the access token failed: %w", lastErr, rerr)
			}
			attempt--
			continue
		}
		retry, maybeApplied := retryable(err)
		mustVerify := maybeApplied && verify != nil
		last := attempt >= c.retry.MaxAttempts
		if !retry || ctx.Err() != nil || last && !mustVerify {
			return lastErr
		}
		// Wait first, so a request still in flight on the server lands
		// before verify reads back.
		if err := c.sleep(ctx, c.retry.wait(attempt, retryAfter(lastErr))); err != nil {
			return fmt.Errorf("worksection: %s: %w (while waiting to retry after: %v)", action, err, lastErr)
		}
		if mustVerify {
			found, verr := verify(ctx)
			if verr != nil {
				return fmt.Errorf("%w (and reading back to check whether it was applied failed: %v)", lastErr, verr)
			}
			if found {
				return nil
			}
		}
		if last {
			return lastErr
		}
	}
}

// attempt sends one signed request and decodes the envelope's data into
// out. It returns the credential it sent, for token refresh.
func (c *Client) attempt(ctx context.Context, action, query string, body []byte, out any, attempt int) (sent string, err error) {
	if err := c.limiter.Wait(ctx); err != nil {
		return sent, fmt.Errorf("worksection: %s: rate limiter: %w", action, err)
	}
	method := http.MethodPost
	if readAction(action) {
		method = http.MethodGet
	}
	var reqBody io.Reader
	if body != nil {
		reqBody = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint, reqBody)
	if err != nil {
		return sent, fmt.Errorf("worksection: %s: %w", action, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	signed, err := c.signer.Sign(ctx, action, query, req.Header)
	if err != nil {
		return sent, fmt.Errorf("worksection: %s: credentials: %w", action, transport.Redactor(c.secrets).Err(err))
	}
	req.URL.RawQuery = signed
	_, sent, _ = strings.Cut(req.Header.Get("Authorization"), " ")
	// red masks what this attempt computed; it is built only on failure.
	red := func() transport.Redactor { return c.attemptRedactor(signed, sent) }
	// Shared, read-only header values (cap == len, so an append copies):
	// no allocation per request.
	req.Header["User-Agent"] = c.uaHeader
	req.Header["Accept"] = acceptJSON

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		err = red().Err(err)
		c.log(ctx, action, attempt, 0, time.Since(start), 0, err)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return sent, fmt.Errorf("worksection: %s: %w", action, ctxErr)
		}
		return sent, fmt.Errorf("worksection: %s: %w", action, err)
	}
	defer resp.Body.Close()
	respBody, err := transport.ReadBody(resp, c.maxBody)
	c.log(ctx, action, attempt, resp.StatusCode, time.Since(start), len(respBody), err)
	if err != nil {
		return sent, responseError(red(), action, resp, respBody, err)
	}
	env, err := wire.Decode(respBody, out)
	if err != nil {
		if resp.StatusCode >= 300 && !errors.Is(err, wire.ErrData) {
			err = errors.New(http.StatusText(resp.StatusCode))
		}
		return sent, responseError(red(), action, resp, respBody, err)
	}
	if !env.OK {
		return sent, &APIError{Action: action, Code: env.StatusCode, Message: red().Text(env.Message),
			Details: red().Text(env.Details), HTTPStatus: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header)}
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return sent, responseError(red(), action, resp, respBody, errors.New("status ok with an HTTP error code"))
	}
	return sent, nil
}

var acceptJSON = []string{"application/json"}

func responseError(red transport.Redactor, action string, resp *http.Response, body []byte, err error) *ResponseError {
	return &ResponseError{Action: action, HTTPStatus: resp.StatusCode, Excerpt: transport.Excerpt(body, red),
		RetryAfter: parseRetryAfter(resp.Header), Err: err}
}

// attemptRedactor adds what signing one attempt computed: the query hash or
// the Authorization header's credential.
func (c *Client) attemptRedactor(signed, credential string) transport.Redactor {
	r := append(transport.Redactor(nil), c.secrets...)
	if i := strings.LastIndex(signed, "&hash="); i >= 0 {
		r = append(r, signed[i+len("&hash="):])
	}
	return append(r, credential)
}

func parseRetryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func (c *Client) log(ctx context.Context, action string, attempt, status int, d time.Duration, n int, err error) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("action", action), slog.Int("attempt", attempt),
		slog.Int("http_status", status), slog.Duration("duration", d), slog.Int("bytes", n)}
	if err != nil {
		// err is already redacted by the caller where it can carry a secret.
		attrs = append(attrs, slog.String("error", transport.Redactor(c.secrets).Text(err.Error())))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "worksection request", attrs...)
}
