package probe

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const users = `{"status":"ok","data":[{"id":"3","email":"kate@acme.example","role":"User"},{"id":"7","email":"ann@acme.example","role":"Owner"}]}`

func TestTokenBodyProbeFallsBackToTheQuery(t *testing.T) {
	t.Parallel()
	r := newTestRun(t, func(w http.ResponseWriter, req *http.Request) {
		assert.Equal(t, "Bearer tok-0123456789abcdef", req.Header.Get("Authorization"))
		if req.Method == http.MethodPost {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"status":"error","message":"Bad request"}`))
			return
		}
		_, _ = w.Write([]byte(users))
	}, "tok-0123456789abcdef")
	r.cfg.APIKey, r.owner = "", owner{err: assert.AnError}
	var res Result
	r.probeTokenBody(context.Background(), &res)
	assert.Equal(t, Differs, res.Verdict)
	assert.Contains(t, res.Instead, "parameters in the query")
	assert.Equal(t, owner{email: "ann@acme.example", id: "7"}, r.owner, "the owner, by role, from the token's read")
}

func TestTokenBodyProbeRefusedToken(t *testing.T) {
	t.Parallel()
	r := newTestRun(t, reply(401, `{"status":"error","message":"Access token is invalid"}`), "tok")
	var res Result
	r.probeTokenBody(context.Background(), &res)
	assert.Equal(t, Unknown, res.Verdict)
	assert.Contains(t, res.Reason, "the access token was refused")
	assert.Len(t, res.Requests, 1, "no fallback: the body was not the problem")
}

// pair answers the rate-limit probe: the first get_user_groups ok, the
// second with second.
func pair(second http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			_, _ = w.Write([]byte(`{"status":"ok","data":[]}`))
			return
		}
		second(w, r)
	}
}

func TestRateLimitProbe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		second  http.HandlerFunc
		verdict Verdict
		instead string
	}{
		{"envelope", reply(200, `{"status":"error","message":"Too many requests"}`), Agrees, ""},
		{"429", reply(429, `{"status":"error","message":"Too many requests"}`, "Retry-After", "0"), Differs,
			"HTTP 429 with Retry-After 0 (the SDK recognises it as ErrRateLimited and waits as Retry-After says)"},
		{"html 429", reply(429, `<html>slow down</html>`), Differs, "HTTP 429 (the SDK recognises it"},
		{"not refused", reply(200, `{"status":"ok","data":[]}`), Differs, "no refusal: a request 50ms after another was accepted"},
		{"unrecognised", reply(200, `{"status":"error","status_code":16,"message":"Quota exceeded"}`), Differs,
			"which the SDK does not recognise as the rate limit"},
	} {
		r := newTestRun(t, pair(tc.second), "")
		var res Result
		r.probeRateLimit(context.Background(), &res)
		assert.Equal(t, tc.verdict, res.Verdict, tc.name)
		assert.Contains(t, res.Instead, tc.instead, tc.name)
		assert.Equal(t, []int{1, 2}, res.Requests, tc.name)
	}
}

func TestRateLimitProbeSendsThePairClose(t *testing.T) {
	t.Parallel()
	var arrivals [2]time.Time
	var n atomic.Int32
	r := newTestRun(t, func(w http.ResponseWriter, _ *http.Request) {
		i := n.Add(1) - 1
		arrivals[i] = time.Now()
		if i == 0 {
			time.Sleep(300 * time.Millisecond) // the second does not wait for the first's answer
			_, _ = w.Write([]byte(`{"status":"ok","data":[]}`))
			return
		}
		w.Header().Set("Retry-After", "1")
		_, _ = w.Write([]byte(`{"status":"error","message":"Too many requests"}`))
	}, "")
	start := time.Now()
	var res Result
	r.probeRateLimit(context.Background(), &res)
	assert.Less(t, arrivals[1].Sub(arrivals[0]), 250*time.Millisecond)
	assert.GreaterOrEqual(t, time.Since(start), time.Second, "waits Retry-After before going on")
	assert.Contains(t, res.Observed, "waited 1s")
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 3*time.Second, retryAfter("3"))
	assert.Equal(t, time.Duration(0), retryAfter(""))
	assert.Equal(t, time.Duration(0), retryAfter("soon"))
	assert.InDelta(t, float64(5*time.Second), float64(retryAfter(time.Now().Add(5*time.Second).UTC().Format(http.TimeFormat))), float64(2*time.Second))
}

func TestMeProbeShapes(t *testing.T) {
	t.Parallel()
	member := `{"id":"7","email":"ann@acme.example"}`
	for _, tc := range []struct {
		data     string
		verdict  Verdict
		observed string
	}{
		{member, Agrees, "data is an object"},
		{"[" + member + "]", Differs, "data is a one-element array"},
		{"[" + member + "," + member + "]", Differs, "data is an array of 2 elements, which the SDK cannot read as one member"},
		{"null", Differs, "data is null or absent"},
	} {
		r := newTestRun(t, reply(200, `{"status":"ok","data":`+tc.data+`}`), "tok")
		var res Result
		r.probeMe(context.Background(), &res)
		assert.Equal(t, tc.verdict, res.Verdict, tc.data)
		assert.Contains(t, res.Observed, tc.observed, tc.data)
	}
	r := newTestRun(t, reply(200, `{"status":"ok"}`), "")
	var res Result
	r.probeMe(context.Background(), &res)
	assert.Equal(t, Unknown, res.Verdict)
	assert.Empty(t, r.s.exchanges(), "no token: nothing sent")
}

func TestDuplicateProbe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body    string
		verdict Verdict
		instead string
	}{
		{`{"status":"error","status_code":11,"message":"User already exists"}`, Agrees, ""},
		{`{"status":"error","status_code":11,"message":"Email is taken"}`, Differs,
			`recognise this answer (code 11, message "Email is taken") as a duplicate: the SDK does not`},
		{`{"status":"ok","data":{"id":"7","email":"ann.lee@acme.example","name":"Ann Lee","role":"Owner"}}`, Differs,
			`the server accepted it and returned a member record: id 7, name "Ann Lee", role "owner", the owner's email`},
	} {
		var got *http.Request
		r := newTestRun(t, func(w http.ResponseWriter, req *http.Request) {
			got = req
			reply(200, tc.body)(w, req)
		}, "", func(c *Config) { c.WriteProbes = true })
		var res Result
		r.probeDuplicate(context.Background(), &res)
		assert.Equal(t, tc.verdict, res.Verdict, tc.body)
		assert.Contains(t, res.Instead, tc.instead, tc.body)
		require.NotNil(t, got)
		assert.Equal(t, http.MethodPost, got.Method)
		assert.Equal(t, "ann.lee@acme.example", got.URL.Query().Get("email"))
	}
	r := newTestRun(t, reply(200, `{"status":"ok"}`), "")
	var res Result
	r.probeDuplicate(context.Background(), &res)
	assert.Equal(t, Unknown, res.Verdict)
	assert.Empty(t, r.s.exchanges(), "without WriteProbes nothing is sent")
}
