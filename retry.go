package worksection

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/worksection-go/worksection/internal/transport"
)

// RetryPolicy says how failed calls are retried. Retried: transport errors,
// HTTP 5xx except 501, HTTP 429 and "Too many requests" envelopes. Never
// retried: other API errors, validation errors, a done context. Reads,
// subscribe/unsubscribe and the add-group actions (the server returns the
// existing group) are resent freely; AddUser and AddContact read back first
// when the failed attempt may have reached the server.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, including the first; 1 turns retries off
	MinWait     time.Duration // first backoff; doubles each retry, with jitter
	MaxWait     time.Duration // cap on any wait, Retry-After included
}

// DefaultRetryPolicy is used unless WithRetry says otherwise.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 3, MinWait: 1 * time.Second, MaxWait: 30 * time.Second}

// WithRetry replaces DefaultRetryPolicy.
func WithRetry(p RetryPolicy) Option {
	return func(o *options) error {
		if p.MaxAttempts < 1 || p.MinWait < 0 || p.MaxWait < p.MinWait {
			return errors.New("retry policy needs MaxAttempts >= 1 and 0 <= MinWait <= MaxWait")
		}
		o.retry = p
		return nil
	}
}

// wait is the pause before retry number attempt (1-based): the server's
// Retry-After if given, else exponential backoff with jitter; never more
// than MaxWait.
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

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryable reports whether err may be retried and whether the failed
// attempt may have been applied by the server.
func retryable(err error) (retry, maybeApplied bool) {
	var ve *ValidationError
	if errors.As(err, &ve) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false, false
	}
	if errors.Is(err, ErrRateLimited) {
		return true, false // refused before it was applied
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return serverFault(ae.HTTPStatus), serverFault(ae.HTTPStatus)
	}
	var re *ResponseError
	if errors.As(err, &re) {
		if errors.Is(re.Err, transport.ErrBodyTooLarge) {
			return false, false
		}
		// A 5xx, or a 2xx body cut short in transit: the action may have run.
		cut := errors.Is(re.Err, transport.ErrReadBody)
		return serverFault(re.HTTPStatus) || cut, serverFault(re.HTTPStatus) || cut
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// Certificate problems and refused redirects do not heal by waiting.
		var cert *tls.CertificateVerificationError
		if errors.As(err, &cert) || errors.Is(err, transport.ErrRedirect) {
			return false, false
		}
		return true, true
	}
	return false, false
}

// tokenRefused reports an HTTP 401 envelope, such as "Access token is
// expired", or "is invalid" for a token another goroutine's refresh has
// just rotated away.
func tokenRefused(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.HTTPStatus == http.StatusUnauthorized
}

func serverFault(status int) bool {
	return status >= 500 && status != http.StatusNotImplemented
}

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
