package worksection

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

// An Option configures a Client in NewClient.
type Option func(*options) error

type options struct {
	apiKey      string
	hmac        bool
	accessToken string
	tokenSource oauth2.TokenSource
	httpClient  *http.Client
	userAgent   string
	limit       rate.Limit
	burst       int
	limiter     Limiter
	retry       RetryPolicy
	maxBody     int64
	logger      *slog.Logger
	now         func() time.Time
}

// WithAPIKey authenticates as the account admin with the API key from
// Account → API, calling the admin API at /api/admin/v2/. Requests are signed
// with the documented md5 query hash unless WithHMACSigning is also given.
func WithAPIKey(key string) Option {
	return func(o *options) error {
		o.apiKey = key
		return checkHeaderValue("API key", key)
	}
}

// WithHMACSigning signs admin requests with the header scheme the vendor's
// 2026 clients use ("Authorization: Admin <t>_<hmac>") instead of the md5
// query hash. It needs WithAPIKey and a reasonably accurate clock.
func WithHMACSigning() Option {
	return func(o *options) error { o.hmac = true; return nil }
}

// WithAccessToken calls the user API at /api/oauth2 on behalf of the person
// the OAuth2 access token belongs to, sent as "Authorization: Bearer".
func WithAccessToken(token string) Option {
	return func(o *options) error {
		o.accessToken = token
		return checkHeaderValue("access token", token)
	}
}

// WithHTTPClient sends requests through a copy of hc; hc itself is never
// changed. Without it the client uses a 30 s timeout and keep-alive
// connections of its own.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) error {
		if hc == nil {
			return errors.New("nil HTTP client")
		}
		o.httpClient = hc
		return nil
	}
}

// WithUserAgent replaces the User-Agent header, "worksection-go/<Version>" by default.
func WithUserAgent(ua string) Option {
	return func(o *options) error {
		o.userAgent = ua
		return checkHeaderValue("user agent", ua)
	}
}

// WithRateLimit sets the client-side limit shared by every goroutine using
// the Client: limit requests per second with the given burst. The default is
// the documented 1 request/second, burst 1; rate.Inf turns limiting off.
func WithRateLimit(limit rate.Limit, burst int) Option {
	return func(o *options) error {
		if limit <= 0 || limit != rate.Inf && burst < 1 {
			return errors.New("rate limit needs a positive limit and a burst of at least 1")
		}
		o.limit, o.burst = limit, burst
		return nil
	}
}

// Limiter paces requests. Wait blocks until the next request may be sent,
// or returns an error if ctx ends first. *rate.Limiter satisfies it, and so
// does redisstore.Limiter, which shares one limit among processes.
type Limiter interface {
	Wait(ctx context.Context) error
}

// WithLimiter replaces the built-in limiter with l, for a limit shared by
// several clients or processes (see package redisstore). Every attempt,
// retries included, waits on l. WithRateLimit configures the built-in one.
func WithLimiter(l Limiter) Option {
	return func(o *options) error {
		if l == nil || isNilPointer(l) {
			return errors.New("nil limiter")
		}
		o.limiter = l
		return nil
	}
}

// WithMaxResponseBytes caps how much of a response body is read (64 MiB by
// default). A larger body is an error, so memory stays bounded.
func WithMaxResponseBytes(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return errors.New("max response bytes must be positive")
		}
		o.maxBody = n
		return nil
	}
}

// WithLogger logs one debug record per attempt (action, attempt, HTTP
// status, duration, bytes) to l. Queries, headers and secrets are never
// logged. Logging is off by default.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return errors.New("nil logger")
		}
		o.logger = l
		return nil
	}
}

// WithRetry replaces DefaultRetryPolicy().
func WithRetry(p RetryPolicy) Option {
	return func(o *options) error {
		if p.MaxAttempts < 1 || p.MinWait < 0 || p.MaxWait < p.MinWait {
			return errors.New("retry policy needs MaxAttempts >= 1 and 0 <= MinWait <= MaxWait")
		}
		o.retry = p
		return nil
	}
}

// WithTokenSource calls the user API with tokens from ts, asked for on
// every attempt within the call's context. If the API answers HTTP 401
// ("Access token is expired"), the client renews the token once (through a
// *TokenSource or shared source, refreshing only if no other caller has;
// any other source is asked again) and repeats the attempt once.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(o *options) error {
		if ts == nil || isNilPointer(ts) {
			return errors.New("nil token source")
		}
		o.tokenSource = ts
		return nil
	}
}

// checkHeaderValue refuses an empty value, or one validHeaderValue refuses.
func checkHeaderValue(what, v string) error {
	switch {
	case v == "":
		return errors.New("empty " + what)
	case !validHeaderValue(v):
		return errors.New(what + " contains control characters")
	}
	return nil
}

// validHeaderValue refuses what net/http would refuse at send time (and
// what could split a header): control characters other than tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// isNilPointer reports a typed nil pointer in an interface, such as a nil
// *TokenSource, which == nil does not catch.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
