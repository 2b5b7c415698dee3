package worksection_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestRetryReadAfter5xx(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_users", 1, worksectiontest.ServerError(503))
	users, err := srv.Client(fastRetry).GetUsers(context.Background())
	require.NoError(t, err)
	assert.Len(t, users, 8)
	assert.Equal(t, 2, srv.ActionCount("get_users"), "one retry")
}

func TestRetryAfterHeaderIsHonoured(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_contacts", 1, worksectiontest.TooManyRequests(time.Second))
	c := srv.Client(ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Second}))
	start := time.Now()
	_, err := c.GetContacts(context.Background())
	require.NoError(t, err)
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, 950*time.Millisecond, "waited for Retry-After: 1")
	assert.Less(t, elapsed, 10*time.Second, "not the backoff cap")
	assert.Equal(t, 2, srv.ActionCount("get_contacts"))
}

func TestRetryAfterIsCapped(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_contacts", 1, worksectiontest.TooManyRequests(time.Hour))
	start := time.Now()
	_, err := srv.Client(fastRetry).GetContacts(context.Background())
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 10*time.Second, "an hour's Retry-After is capped at MaxWait (5 ms)")
}

func TestPersistentFaultsGiveClearErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault worksectiontest.Fault
		want  []string
	}{
		{"html 502", worksectiontest.HTMLPage(), []string{"worksection: get_users: HTTP 502: Bad Gateway", "<html>"}},
		{"truncated", worksectiontest.TruncatedBody(), []string{"worksection: get_users: HTTP 200", "unexpected EOF"}},
		{"503", worksectiontest.ServerError(503), []string{"worksection: get_users: HTTP 503"}},
		{"429", worksectiontest.TooManyRequests(0), []string{"worksection: get_users: HTTP 429"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := worksectiontest.NewServer()
			defer srv.Close()
			srv.Inject("get_users", 3, tc.fault)
			_, err := srv.Client(fastRetry).GetUsers(context.Background())
			var re *ws.ResponseError
			require.ErrorAs(t, err, &re)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Equal(t, 3, srv.ActionCount("get_users"), "all attempts used")
		})
	}
}

func TestNotRetried(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client(fastRetry)
	err := c.Subscribe(context.Background(), ws.SubscribeParams{TaskID: "999", Email: "yuki.tanaka@acme.example"})
	require.Error(t, err)
	assert.Equal(t, 1, srv.ActionCount("subscribe"), "API errors are final")

	srv.Inject("get_users", 1, worksectiontest.ServerError(501))
	_, err = c.GetUsers(context.Background())
	require.Error(t, err)
	assert.Equal(t, 1, srv.ActionCount("get_users"), "501 Not Implemented is final")
}

func TestTooManyRequestsEnvelopeRetried(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer(worksectiontest.WithRateLimit(200 * time.Millisecond))
	defer srv.Close()
	c := srv.Client(ws.WithRetry(ws.RetryPolicy{MaxAttempts: 5, MinWait: 100 * time.Millisecond, MaxWait: 400 * time.Millisecond}))
	_, err := c.GetUsers(context.Background())
	require.NoError(t, err)
	_, err = c.GetUserGroups(context.Background()) // refused at first, then let through
	require.NoError(t, err)
	outcomes := ""
	for _, r := range srv.Requests() {
		outcomes += r.Outcome + ";"
	}
	assert.Contains(t, outcomes, "Too many requests;")
	assert.True(t, strings.HasSuffix(outcomes, "ok;"))
}

func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_users", 1, worksectiontest.ServerError(503))
	c := srv.Client(ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: 10 * time.Second, MaxWait: 10 * time.Second}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.GetUsers(ctx); done <- err }()
	require.Eventually(t, func() bool { return srv.ActionCount("get_users") == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond) // now in the backoff wait
	cancel()
	cancelled := time.Now()
	select {
	case err := <-done:
		assert.Less(t, time.Since(cancelled), 5*time.Second, "well before the 10 s backoff ends")
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(8 * time.Second):
		t.Fatal("GetUsers did not return after cancel")
	}
}

func TestErrorsMatchSentinelsThroughRetries(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_users", 3, worksectiontest.TooManyRequests(0))
	_, err := srv.Client(fastRetry).GetUsers(context.Background())
	assert.True(t, errors.Is(err, ws.ErrRateLimited))
}

// 10. A huge Retry-After is clamped, not overflowed into a negative wait:
// the client waits MaxWait.
func TestTrustHugeRetryAfterWaitsMaxWait(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "9223372037")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok","data":[]}`))
	}))
	defer srv.Close()
	c, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), ws.WithRateLimit(rate.Inf, 0),
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Second}))
	require.NoError(t, err)
	start := time.Now()
	_, err = c.GetUsers(context.Background())
	require.NoError(t, err)
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, 900*time.Millisecond, "waited MaxWait, not a wrapped-around few ms")
	assert.Less(t, elapsed, 20*time.Second)
}

// A server's Retry-After slows the client no longer than MaxWait, for the
// call that got it and for the calls after it.
func TestTrustRetryAfterCannotFreezeTheClient(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "9223372037")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok","data":[]}`))
	}))
	defer srv.Close()
	c, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), // the built-in limiter, 1 request/second
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: 100 * time.Millisecond, MaxWait: 300 * time.Millisecond}))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = c.GetUsers(ctx)
	require.NoError(t, err, "retried after MaxWait, not a day later")
	_, err = c.GetUsers(ctx)
	require.NoError(t, err, "and the next call is not held either")
}
