package worksection

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/worksection-go/worksection/internal/transport"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxAttempts: 5, MinWait: 100 * time.Millisecond, MaxWait: time.Second}
	for attempt, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 9: time.Second} {
		for range 50 {
			d := p.wait(attempt, 0)
			assert.GreaterOrEqual(t, d, full/2, "attempt %d", attempt)
			assert.LessOrEqual(t, d, full, "attempt %d", attempt)
		}
	}
	assert.Equal(t, 700*time.Millisecond, p.wait(1, 700*time.Millisecond), "Retry-After wins")
	assert.Equal(t, time.Second, p.wait(1, time.Hour), "and is capped at MaxWait")
	assert.Zero(t, RetryPolicy{MaxAttempts: 2}.wait(1, 0))
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	assert.Zero(t, parseRetryAfter(h))
	h.Set("Retry-After", "3")
	assert.Equal(t, 3*time.Second, parseRetryAfter(h))
	h.Set("Retry-After", time.Now().Add(10*time.Second).UTC().Format(http.TimeFormat))
	d := parseRetryAfter(h)
	assert.Greater(t, d, 8*time.Second)
	assert.LessOrEqual(t, d, 10*time.Second)
	h.Set("Retry-After", "soon")
	assert.Zero(t, parseRetryAfter(h))
	h.Set("Retry-After", "-5")
	assert.Zero(t, parseRetryAfter(h))
}

func TestClassify(t *testing.T) {
	t.Parallel()
	live := context.Background()
	cancelled, cancel := context.WithCancel(live)
	cancel()
	netErr := &url.Error{Op: "Get", URL: "x", Err: errors.New("connection reset")}
	dialErr := &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	clientTimeout := &url.Error{Op: "Post", URL: "x", Err: fmt.Errorf("%w (Client.Timeout exceeded)", context.DeadlineExceeded)}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want failure
	}{
		{"reset", live, fmt.Errorf("wrap: %w", netErr), failure{retry: true, maybeApplied: true}},
		{"dial refused: never sent", live, dialErr, failure{retry: true}},
		{"the HTTP client's timeout is not a cancellation", live, clientTimeout, failure{retry: true, maybeApplied: true}},
		{"the caller's cancellation ends retries", cancelled, netErr, failure{maybeApplied: true}},
		{"cancelled before dialling", cancelled, dialErr, failure{}},
		{"redirect: a write may have been applied (303 See Other)", live, &url.Error{Err: transport.ErrRedirect}, failure{maybeApplied: true}},
		{"validation", live, &ValidationError{}, failure{}},
		{"api error", live, &APIError{Code: 10, Message: "Field is required", HTTPStatus: 200}, failure{}},
		{"too many requests envelope", live, &APIError{Message: "Too many requests", HTTPStatus: 200}, failure{retry: true, refused: true}},
		{"429", live, &ResponseError{HTTPStatus: 429, Err: errors.New("x")}, failure{retry: true, refused: true}},
		{"500", live, &ResponseError{HTTPStatus: 500, Err: errors.New("x")}, failure{retry: true, maybeApplied: true}},
		{"504 gateway", live, &ResponseError{HTTPStatus: 504, Err: errors.New("x")}, failure{retry: true, maybeApplied: true}},
		{"501", live, &ResponseError{HTTPStatus: 501, Err: errors.New("x")}, failure{}},
		{"cut body", live, &ResponseError{HTTPStatus: 200, Err: fmt.Errorf("%w: eof", transport.ErrReadBody)}, failure{retry: true, maybeApplied: true}},
		{"too large", live, &ResponseError{HTTPStatus: 200, Err: transport.ErrBodyTooLarge}, failure{maybeApplied: true}},
		{"html 200", live, &ResponseError{HTTPStatus: 200, Err: errors.New("not json")}, failure{maybeApplied: true}},
		{"html 404", live, &ResponseError{HTTPStatus: 404, Err: errors.New("not json")}, failure{}},
	} {
		assert.Equal(t, tc.want, classify(tc.ctx, tc.err), tc.name)
	}
}

func TestParseRetryAfterClampsHugeValues(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"9223372037", "18446744073709551615", "99999999999999999999999"} {
		h := http.Header{"Retry-After": {v}}
		assert.Equal(t, maxRetryAfter, parseRetryAfter(h), v)
	}
	p := DefaultRetryPolicy()
	assert.Equal(t, p.MaxWait, p.wait(1, parseRetryAfter(http.Header{"Retry-After": {"9223372037"}})))
}
