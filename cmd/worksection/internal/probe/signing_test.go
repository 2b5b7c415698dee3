package probe

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/worksection-go/worksection/internal/auth"
)

func TestHashVerdict(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		want hashOutcome
	}{
		{`{"status":"ok","data":{}}`, hashAccepted},
		{`{"status":"error","status_code":11,"message":"Invalid email"}`, hashAccepted}, // past the hash check
		{`{"status":"error","status_code":2,"message":"Action hash is missed or invalid"}`, hashRefused},
		{`{"status":"error","status_code":0,"message":"Action is invalid"}`, hashNoAction},
		{`<html>500</html>`, hashUnsettled},
	} {
		a := sendOne(t, newTestRun(t, reply(200, tc.body), ""))
		assert.Equal(t, tc.want, hashVerdict(a), tc.body)
	}
}

// byQuery answers ok to the queries accept approves, else the refused hash.
func byQuery(accept func(query string) bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if accept(r.URL.RawQuery) {
			_, _ = w.Write([]byte(`{"status":"ok","data":[]}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"error","status_code":2,"message":"Action hash is missed or invalid"}`))
	}
}

func TestEncodingProbe(t *testing.T) {
	t.Parallel()
	// A server that takes any RFC 3986-encoded query: both alternatives
	// are sent that way, so both are accepted.
	rfc := func(q string) bool { return !strings.Contains(q, "+") && !strings.Contains(q, "%7E") }
	r := newTestRun(t, byQuery(rfc), "")
	var res Result
	r.probeEncoding(context.Background(), &res)
	assert.Equal(t, Differs, res.Verdict)
	assert.Equal(t, "md5 over RFC 3986 values, or md5 over unencoded values", res.Instead)
	assert.Equal(t, []int{1, 2, 3}, res.Requests)

	r = newTestRun(t, byQuery(func(string) bool { return false }), "")
	res = Result{}
	r.probeEncoding(context.Background(), &res)
	assert.Equal(t, Differs, res.Verdict)
	assert.Empty(t, res.Instead, "nothing found that works")
	assert.Contains(t, res.Observed, "md5 over unencoded, hash last: hash refused")

	r.owner = owner{err: assert.AnError}
	res = Result{}
	r.probeEncoding(context.Background(), &res)
	assert.Equal(t, Unknown, res.Verdict)
	assert.Contains(t, res.Reason, "the owner's email is needed")
}

func TestHashPositionProbeBothRefused(t *testing.T) {
	t.Parallel()
	r := newTestRun(t, byQuery(func(string) bool { return false }), "")
	var res Result
	r.probeHashPosition(context.Background(), &res)
	assert.Equal(t, Unknown, res.Verdict)
	assert.Contains(t, res.Reason, "no layout was accepted")
	assert.Len(t, res.Requests, 2)
}

func TestHMACProbe(t *testing.T) {
	t.Parallel()
	var got *http.Request
	signed := time.Unix(1700000000, 0)
	r := newTestRun(t, func(w http.ResponseWriter, req *http.Request) {
		got = req
		w.Header().Set("Date", signed.Add(10*time.Minute).UTC().Format(http.TimeFormat))
		_, _ = w.Write([]byte(`{"status":"error","status_code":2,"message":"Action hash is missed or invalid"}`))
	}, "", func(c *Config) { c.Now = func() time.Time { return signed } })
	var res Result
	r.probeHMAC(context.Background(), &res)
	assert.Equal(t, Differs, res.Verdict)
	assert.Contains(t, res.Observed, "the server's clock is 10m0s from this machine's")
	assert.Equal(t, "md5 query signing (the SDK's default), accepted for get_users", res.Instead)
	// The vendor's shape: POST /api/admin/v2?action=get_users, JSON, the header.
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/api/admin/v2", got.URL.Path)
	assert.Equal(t, "action=get_users", got.URL.RawQuery)
	assert.Equal(t, "application/json; charset=utf-8", got.Header.Get("Content-Type"))
	assert.Equal(t, "Admin "+auth.AdminToken(testKey, "get_users", signed.Unix()), got.Header.Get("Authorization"))

	r.cfg.APIKey = ""
	res = Result{}
	r.probeHMAC(context.Background(), &res)
	assert.Equal(t, Unknown, res.Verdict)
	assert.Contains(t, res.Reason, "needs the admin API key")
}

// notServed answers "Action is invalid" to get_users_schedule and passes
// the rest to next.
func notServed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("action") == "get_users_schedule" {
			_, _ = w.Write([]byte(`{"status":"error","status_code":0,"message":"Action is invalid"}`))
			return
		}
		next(w, r)
	}
}

func TestMD5ProbesFallBackToGetUsers(t *testing.T) {
	t.Parallel()
	var queries []string
	r := newTestRun(t, notServed(func(w http.ResponseWriter, req *http.Request) {
		queries = append(queries, req.URL.RawQuery)
		_, _ = w.Write([]byte(`{"status":"ok","data":[]}`))
	}), "")
	var res Result
	r.probeEncoding(context.Background(), &res)
	assert.Equal(t, Agrees, res.Verdict)
	assert.Equal(t, []int{1, 2}, res.Requests)
	assert.Contains(t, res.Observed, "on get_users (get_users_schedule is not served): md5 over PHP urlencode, hash last: hash accepted")
	assert.Contains(t, queries[0], "action=get_users&users=ann.lee%40acme.example%2C+doctor%2Bprobe%7Echeck%40example.invalid&hash=")

	res = Result{}
	r.probeHashPosition(context.Background(), &res)
	assert.Equal(t, Agrees, res.Verdict)
	assert.Regexp(t, `^action=get_users&hash=[0-9a-f]{32}&users=7$`, queries[1], "hash in its sorted place, before users")

	r = newTestRun(t, reply(200, `{"status":"error","status_code":0,"message":"Action is invalid"}`), "")
	res = Result{}
	r.probeEncoding(context.Background(), &res)
	assert.Equal(t, Unknown, res.Verdict)
	assert.Contains(t, res.Reason, "get_users_schedule is not served; get_users is not served")
}

// rawLast accepts the hash of the query bytes before "&hash=" only: what a
// server that hashes the raw query string does.
func rawLast(q string) bool {
	i := strings.LastIndex(q, "&hash=")
	return i >= 0 && q[i+len("&hash="):] == auth.MD5Hash(q[:i], testKey)
}

func TestHashPositionProbe(t *testing.T) {
	t.Parallel()
	// Rebuilding from the decoded parameters (PHP's form), hash last only:
	// what the fake does.
	rebuildLast := func(q string) bool {
		i := strings.LastIndex(q, "&hash=")
		vals, err := url.ParseQuery(q[:max(i, 0)])
		if i < 0 || err != nil {
			return false
		}
		var params []Param
		for _, kv := range strings.Split(q[:i], "&") {
			k, _, _ := strings.Cut(kv, "=")
			k, _ = url.QueryUnescape(k)
			params = append(params, Param{Key: k, Value: vals.Get(k)})
		}
		return q[i+len("&hash="):] == auth.MD5Hash(PHPEncoding.Query(params), testKey)
	}
	for _, tc := range []struct {
		name     string
		accept   func(string) bool
		verdict  Verdict
		requests int
		text     string
	}{
		{"anywhere", func(string) bool { return true }, Agrees, 2, ""},
		{"rebuilds, hash last", rebuildLast, Agrees, 3, "the server rebuilds the query, and wants hash last"},
		{"raw query", rawLast, Differs, 3, "the server hashes the raw query string"},
	} {
		r := newTestRun(t, byQuery(tc.accept), "")
		var res Result
		r.probeHashPosition(context.Background(), &res)
		assert.Equal(t, tc.verdict, res.Verdict, tc.name)
		assert.Len(t, res.Requests, tc.requests, tc.name)
		assert.Contains(t, res.Observed+res.Instead, tc.text, tc.name)
	}
}
