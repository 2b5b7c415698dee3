package worksection

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/worksection-go/worksection/internal/transport"
)

// RetryPolicy says how failed calls are retried, by action (docs/actions.md).
// Never retried: API errors other than rate limits and server faults,
// validation errors, and the end of the caller's context.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, including the first; 1 turns retries off
	MinWait     time.Duration // first backoff; doubles each retry, with jitter
	MaxWait     time.Duration // cap on any wait, Retry-After included
}

// DefaultRetryPolicy is the policy unless WithRetry: 3 attempts, backoff
// from 1 s, waits capped at 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, MinWait: 1 * time.Second, MaxWait: 30 * time.Second}
}

// wait is the pause before retry number attempt (1-based): Retry-After if
// given, else exponential backoff with jitter; at most MaxWait.
func (p RetryPolicy) wait(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.MaxWait)
	}
	d := p.MinWait
	for i := 1; i < attempt && d < p.MaxWait; i++ {
		d *= 2
	}
	d = min(d, p.MaxWait)
	if d <= 0 {
		return 0
	}
	// Equal jitter: half fixed, half random, so clients spread out.
	return d/2 + rand.N(d/2+1)
}

// failure is what a failed attempt allows.
type failure struct {
	retry        bool // resending may help
	maybeApplied bool // the server may have applied the request
	refused      bool // refused for the rate, before processing
}

// classify judges a failed attempt by what the server may have done. Only
// the caller's context ends retries: the HTTP client's timeout is a failure
// that may have been applied.
func classify(ctx context.Context, err error) failure {
	var (
		ve  *ValidationError
		ce  *credentialError
		ae  *APIError
		re  *ResponseError
		ue  *url.Error
		crt *tls.CertificateVerificationError
	)
	switch {
	case ctx.Err() != nil:
		return failure{maybeApplied: reachedServer(err)}
	case errors.As(err, &ve), errors.As(err, &ce):
		return failure{}
	case errors.Is(err, ErrRateLimited):
		return failure{retry: true, refused: true}
	case errors.As(err, &ae):
		// An error envelope: the server looked at the request and said no,
		// unless it also answered 5xx.
		return failure{retry: serverFault(ae.HTTPStatus), maybeApplied: serverFault(ae.HTTPStatus)}
	case errors.As(err, &re):
		switch {
		case serverFault(re.HTTPStatus), errors.Is(re.Err, transport.ErrReadBody):
			return failure{retry: true, maybeApplied: true}
		case re.HTTPStatus >= 200 && re.HTTPStatus < 300:
			// Answered unreadably: resending will not tell if it was done.
			return failure{maybeApplied: true}
		}
		return failure{}
	case errors.As(err, &ue):
		switch {
		case errors.Is(err, transport.ErrRedirect):
			// A write answered with a redirect (303 after a POST) may be applied.
			return failure{maybeApplied: true}
		case errors.As(err, &crt):
			return failure{} // does not heal by waiting
		case !reachedServer(err):
			return failure{retry: true}
		}
		return failure{retry: true, maybeApplied: true}
	}
	return failure{}
}

// reachedServer reports whether a transport failure may have happened
// after the request was sent: anything but a failed dial or name lookup.
func reachedServer(err error) bool {
	var ue *url.Error
	if !errors.As(err, &ue) {
		var re *ResponseError
		var ae *APIError
		return errors.As(err, &re) || errors.As(err, &ae)
	}
	var op *net.OpError
	var dns *net.DNSError
	return !(errors.As(err, &op) && op.Op == "dial" || errors.As(err, &dns))
}

func serverFault(status int) bool {
	return status >= 500 && status != http.StatusNotImplemented
}

// isDuplicate reports the server refusing a record that already exists.
func isDuplicate(err error) bool { return errors.Is(err, ErrAlreadyExists) }

func retryAfter(err error) time.Duration {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	var re *ResponseError
	if errors.As(err, &re) {
		return re.RetryAfter
	}
	return 0
}

// maxRetryAfter caps Retry-After before it becomes a Duration, so a huge
// value cannot overflow; MaxWait caps it further.
const maxRetryAfter = 24 * time.Hour

func parseRetryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil {
		return time.Duration(min(secs, uint64(maxRetryAfter/time.Second))) * time.Second
	} else if errors.Is(err, strconv.ErrRange) {
		return maxRetryAfter
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return min(d, maxRetryAfter)
		}
	}
	return 0
}

// slowDown tells an adaptive limiter of a refusal for the rate.
func (c *Client) slowDown(retryAfter time.Duration) {
	if a, ok := c.limiter.(adaptiveLimiter); ok {
		a.Refused(retryAfter)
	}
}
