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

// WithAPIKey calls the admin API (/api/admin/v2/) with the key from
// Account → API, signed with the documented md5 query hash unless
// WithHMACSigning is also given.
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

// WithAccessToken calls the user API (/api/oauth2) as the person the OAuth2
// access token belongs to, sent as "Authorization: Bearer".
func WithAccessToken(token string) Option {
	return func(o *options) error {
		o.accessToken = token
		return checkHeaderValue("access token", token)
	}
}

// WithHTTPClient sends requests through a copy of hc. Without it the client
// uses a 30 s timeout and keep-alive connections of its own.
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

// WithRateLimit sets the Client's limit, shared by its goroutines: limit
// requests per second with burst. The default is the documented 1/s, burst
// 1; rate.Inf turns limiting off.
func WithRateLimit(limit rate.Limit, burst int) Option {
	return func(o *options) error {
		if limit <= 0 || limit != rate.Inf && burst < 1 {
			return errors.New("rate limit needs a positive limit and a burst of at least 1")
		}
		o.limit, o.burst = limit, burst
		return nil
	}
}

// Limiter paces requests: Wait blocks until the next may be sent, or ctx
// ends. *rate.Limiter satisfies it, and so does redisstore.Limiter.
type Limiter interface {
	Wait(ctx context.Context) error
}

// WithLimiter replaces the built-in limiter with l, for a limit shared by
// clients or processes (see redisstore); every attempt waits on l.
func WithLimiter(l Limiter) Option {
	return func(o *options) error {
		if l == nil || isNilPointer(l) {
			return errors.New("nil limiter")
		}
		o.limiter = l
		return nil
	}
}

// WithMaxResponseBytes caps a response body (64 MiB by default); a larger
// one is an error, so memory stays bounded.
func WithMaxResponseBytes(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return errors.New("max response bytes must be positive")
		}
		o.maxBody = n
		return nil
	}
}

// WithLogger logs a debug record per attempt (action, attempt, HTTP status,
// duration, bytes) to l; never queries, headers or secrets. Off by default.
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

// WithTokenSource calls the user API with tokens from ts, asked for on every
// attempt. After an HTTP 401 ("Access token is expired") the client renews
// the token once (a foreign source is asked again) and repeats the attempt.
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

// validHeaderValue refuses control characters other than tab, which
// net/http refuses at send time and which could split a header.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// isNilPointer reports a typed nil pointer in an interface (== nil misses it).
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
