package worksection

import (
	"context"
	"errors"
	"fmt"
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

func TestRetryable(t *testing.T) {
	t.Parallel()
	netErr := &url.Error{Op: "Get", URL: "x", Err: errors.New("connection reset")}
	for _, tc := range []struct {
		name          string
		err           error
		retry, mayRun bool
	}{
		{"transport", fmt.Errorf("wrap: %w", netErr), true, true},
		{"redirect", &url.Error{Err: transport.ErrRedirect}, false, false},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), false, false},
		{"deadline", context.DeadlineExceeded, false, false},
		{"validation", &ValidationError{}, false, false},
		{"api error", &APIError{Code: 10, Message: "Field is required", HTTPStatus: 200}, false, false},
		{"too many requests envelope", &APIError{Message: "Too many requests", HTTPStatus: 200}, true, false},
		{"429", &ResponseError{HTTPStatus: 429, Err: errors.New("x")}, true, false},
		{"500", &ResponseError{HTTPStatus: 500, Err: errors.New("x")}, true, true},
		{"501", &ResponseError{HTTPStatus: 501, Err: errors.New("x")}, false, false},
		{"cut body", &ResponseError{HTTPStatus: 200, Err: fmt.Errorf("%w: eof", transport.ErrReadBody)}, true, true},
		{"too large", &ResponseError{HTTPStatus: 200, Err: transport.ErrBodyTooLarge}, false, false},
		{"html 200", &ResponseError{HTTPStatus: 200, Err: errors.New("not json")}, false, false},
	} {
		retry, mayRun := retryable(tc.err)
		assert.Equal(t, tc.retry, retry, tc.name)
		assert.Equal(t, tc.mayRun, mayRun, tc.name)
	}
}
