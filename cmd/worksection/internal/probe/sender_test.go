package probe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testKey = "probe-test-key-0123456789abcdef"

// newTestRun is a run against handler with the API key and, if token is
// set, an access token.
func newTestRun(t *testing.T, handler http.HandlerFunc, token string, adjust ...func(*Config)) *run {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	cfg := Config{Account: srv.URL, APIKey: testKey, Gap: time.Millisecond}
	if token != "" {
		cfg.Token = func(context.Context) (string, error) { return token, nil }
	}
	for _, f := range adjust {
		f(&cfg)
	}
	require.NoError(t, cfg.defaults())
	return &run{cfg: cfg, s: newSender(cfg), owner: owner{email: "ann.lee@acme.example", id: "7"}}
}

func reply(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func sendOne(t *testing.T, r *run) *answer {
	t.Helper()
	a, err := r.s.send(context.Background(), r.s.signMD5("test", MD5Variant{}, http.MethodGet, action("get_users")))
	require.NoError(t, err)
	return a
}

func TestDecodeAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
		code       *int
	}{
		{"ok", `{"status":"ok","data":[]}`, 200, "HTTP 200, ok", nil},
		{"numeric code", `{"status":"error","status_code":2,"message":"Action hash is missed or invalid"}`, 200,
			`HTTP 200, error 2 "Action hash is missed or invalid"`, new(2)},
		{"string code, details", `{"status":"error","status_code":"10","message":"Field is required","message_details":"email"}`, 200,
			`HTTP 200, error 10 "Field is required" (email)`, new(10)},
		{"no code", `{"status":"error","message":"Too many requests"}`, 200, `HTTP 200, error "Too many requests"`, nil},
		{"html", `<html>Bad gateway</html>`, 502, `HTTP 502, the body is not a JSON envelope (Content-Type "text/html", 24 bytes)`, nil},
		{"no status", `{"data":[]}`, 200, `HTTP 200, the body is not a JSON envelope (Content-Type "application/json", 11 bytes)`, nil},
	} {
		ct := "application/json"
		if tc.body[0] == '<' {
			ct = "text/html"
		}
		a := sendOne(t, newTestRun(t, reply(tc.status, tc.body, "Content-Type", ct), ""))
		assert.Equal(t, tc.want, a.describe(), tc.name)
		assert.Equal(t, tc.code, a.Code, tc.name)
	}
}

func TestEchoedSecretsAreMasked(t *testing.T) {
	t.Parallel()
	var sent []string
	echo := func(w http.ResponseWriter, r *http.Request) {
		sent = append(sent, r.URL.Query().Get("hash"))
		w.Header().Set("Retry-After", r.URL.Query().Get("hash"))
		_, _ = w.Write([]byte(`{"status":"error","status_code":2,"message":"bad hash ` + r.URL.Query().Get("hash") +
			`","message_details":"key ` + testKey + ` token ` + r.Header.Get("Authorization") + `"}`))
	}
	r := newTestRun(t, echo, "secret-access-token-0123456789")
	a := sendOne(t, r)
	b, err := r.sendToken(context.Background(), &Result{ID: "test"}, http.MethodGet, action("me"), nil)
	require.NoError(t, err)
	for _, e := range r.s.exchanges() {
		shown := e.Answer() + e.Message + e.Details + e.RetryAfter
		for _, secret := range []string{sent[0], testKey, "secret-access-token-0123456789"} {
			assert.NotContains(t, shown, secret)
		}
	}
	assert.Contains(t, a.message, sent[0], "classification reads the server's words")
	assert.Contains(t, b.Details, "REDACTED")
}

func TestBudget(t *testing.T) {
	t.Parallel()
	r := newTestRun(t, reply(200, `{"status":"ok"}`), "")
	for range MaxRequests {
		sendOne(t, r)
	}
	_, err := r.s.send(context.Background(), r.s.signMD5("test", MD5Variant{}, http.MethodGet, action("get_users")))
	assert.ErrorIs(t, err, errBudget)
	assert.Len(t, r.s.exchanges(), MaxRequests)
}

func TestGapBetweenRequests(t *testing.T) {
	t.Parallel()
	r := newTestRun(t, reply(200, `{"status":"ok"}`), "", func(c *Config) { c.Gap = 150 * time.Millisecond })
	start := time.Now()
	for range 3 {
		sendOne(t, r)
	}
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond, "two gaps between three requests")
}

func TestTransportErrorIsAnUnknown(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(reply(200, ""))
	srv.Close()
	cfg := Config{Account: srv.URL, APIKey: testKey, Gap: time.Millisecond}
	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.False(t, rep.Answered())
	for _, p := range rep.Probes {
		assert.Equal(t, Unknown, p.Verdict, p.ID)
	}
	for _, e := range rep.Requests {
		assert.NotContains(t, e.Error, "hash=", "the query never shows")
		assert.NotContains(t, e.Error, testKey)
	}
}

func TestConfigNeedsAccountAndCredentials(t *testing.T) {
	t.Parallel()
	_, err := Run(context.Background(), Config{APIKey: "k"})
	assert.ErrorContains(t, err, "no account URL")
	_, err = Run(context.Background(), Config{Account: "https://acme.worksection.com"})
	assert.ErrorContains(t, err, "no credentials")
	cfg := Config{Account: "https://x", Token: func(context.Context) (string, error) { return "", errors.New("no token") }}
	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, "access token", rep.Credentials)
	assert.Contains(t, strings.Join(reasons(rep), "\n"), "the access token: no token")
	assert.Empty(t, rep.Requests, "nothing is sent without a token")
}

func reasons(rep *Report) []string {
	var out []string
	for _, p := range rep.Probes {
		out = append(out, p.Reason)
	}
	return out
}
