package worksection

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/worksection-go/worksection/internal/pace"
	"github.com/worksection-go/worksection/internal/transport"
	"github.com/worksection-go/worksection/internal/wire"
)

// RetryPolicy says how failed calls are retried. What may be retried
// depends on the action (see docs/actions.md's action table): reads and
// idempotent writes are resent after any failure worth retrying; AddUser
// is resent and resolved by reading back; AddContact is never resent once
// an attempt may have reached the server. Never retried: API errors other
// than rate limiting and server faults, validation errors, and the end of
// the caller's context.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, including the first; 1 turns retries off
	MinWait     time.Duration // first backoff; doubles each retry, with jitter
	MaxWait     time.Duration // cap on any wait, Retry-After included
}

// DefaultRetryPolicy returns the policy used unless WithRetry says
// otherwise: 3 attempts, backoff from 1 s, waits capped at 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, MinWait: 1 * time.Second, MaxWait: 30 * time.Second}
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

// verifyFunc reads back after a write that may have been applied, reports
// whether the record is there, and fills the call's result if so.
type verifyFunc func(ctx context.Context) (found bool, err error)

// run sends r until it succeeds or the action's retry class says stop.
// A write that may have been applied is never reported done unless it is:
// an error after such a failure matches ErrMaybeApplied, unless verify
// found the record.
func (c *Client) run(ctx context.Context, r *request, out any, verify verifyFunc) (wire.Envelope, error) {
	maybeApplied := false // some attempt of this write may have been applied
	for attempt := 1; ; attempt++ {
		env, err := c.send(ctx, r, out, attempt)
		if err == nil {
			return env, nil
		}
		f := classify(ctx, err)
		if f.refused {
			c.slowDown(min(retryAfter(err), c.retry.MaxWait))
		}
		maybeApplied = maybeApplied || r.spec.retry != read && f.maybeApplied
		if stop, ferr := c.afterFailure(ctx, r, verify, attempt, err, f, maybeApplied); stop {
			return env, ferr
		}
	}
}

// afterFailure decides, after attempt failed with err, whether to stop
// (with the call's error, nil when a read-back found the record) or to
// wait and send again.
func (c *Client) afterFailure(ctx context.Context, r *request, verify verifyFunc, attempt int, err error, f failure, maybeApplied bool) (bool, error) {
	class := r.spec.retry
	switch {
	case ctx.Err() != nil:
		return true, unconfirmed(r, err, maybeApplied)
	case class == deduplicated && maybeApplied && isDuplicate(err):
		// An earlier attempt made the record; the resend found it.
		return true, c.confirm(ctx, r, err, verify, false)
	case class == atMostOnce && f.maybeApplied:
		// Never resent: wait for a request still in flight upstream to
		// land, then look.
		if werr := pace.Sleep(ctx, c.retry.wait(attempt, retryAfter(err))); werr != nil {
			return true, unconfirmed(r, err, true)
		}
		return true, c.confirm(ctx, r, err, verify, true)
	case !f.retry || attempt >= c.retry.MaxAttempts:
		if maybeApplied && verify != nil {
			return true, c.confirm(ctx, r, err, verify, true)
		}
		return true, unconfirmed(r, err, maybeApplied)
	}
	if werr := pace.Sleep(ctx, c.retry.wait(attempt, retryAfter(err))); werr != nil {
		return true, unconfirmed(r, fmt.Errorf("%w (while waiting to retry after: %v)", werr, err), maybeApplied)
	}
	return false, nil
}

// confirm reads back after err. Found, the call succeeded (verify filled
// the result). Not found, err is returned, as ErrMaybeApplied when the
// write may still land.
func (c *Client) confirm(ctx context.Context, r *request, err error, verify verifyFunc, mayLand bool) error {
	if verify == nil {
		return unconfirmed(r, err, mayLand)
	}
	found, verr := verify(ctx)
	switch {
	case verr != nil:
		return unconfirmed(r, fmt.Errorf("%w (and reading back to check whether it was applied failed: %v)", err, verr), true)
	case found:
		return nil
	}
	return unconfirmed(r, err, mayLand)
}

// unexpectedAnswer handles a write's success answer that does not name
// what was sent: what the server did is unknown, so it is read back like a
// failure that may have been applied.
func (c *Client) unexpectedAnswer(ctx context.Context, action, what string, verify verifyFunc) error {
	spec, err := lookupAction(action)
	if err != nil {
		return err
	}
	answer := &ResponseError{Action: action, HTTPStatus: http.StatusOK, Err: fmt.Errorf("the answer names another %s", what)}
	return c.confirm(ctx, &request{spec: spec}, answer, verify, true)
}

// unconfirmed marks err as possibly applied when a write's attempt may
// have reached the server.
func unconfirmed(r *request, err error, maybeApplied bool) error {
	if !maybeApplied || r.spec.retry == read {
		return err
	}
	return &maybeAppliedError{action: r.spec.name, err: err}
}

// failure is what a failed attempt allows.
type failure struct {
	retry        bool // resending may help
	maybeApplied bool // the server may have applied the request
	refused      bool // refused for the rate, before processing
}

// classify judges a failed attempt by what the server may have done. Only
// the caller's context ends retries: the HTTP client's own timeout is a
// failure like any other, one that may have been applied.
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
			// Answered, but not in a shape we can read: done or not,
			// resending will not tell.
			return failure{maybeApplied: true}
		}
		return failure{}
	case errors.As(err, &ue):
		switch {
		case errors.Is(err, transport.ErrRedirect):
			// The server answered, with a redirect: a write may have been
			// applied (303 See Other after a POST says so).
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

// maxRetryAfter caps a server's Retry-After before it becomes a Duration,
// so a huge value cannot overflow; RetryPolicy.MaxWait caps it further.
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

// slowDown tells a limiter that adapts that the server refused a request
// for its rate.
func (c *Client) slowDown(retryAfter time.Duration) {
	if a, ok := c.limiter.(adaptiveLimiter); ok {
		a.Refused(retryAfter)
	}
}
