package cli

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/internal/probe"
	"github.com/worksection-go/worksection/worksectiontest"
)

// The test servers below answer like the real API but for one rule each,
// written here from the rule's definition (not with the SDK's signers).

const probeKey = "doctor-test-key-0123456789abcdef"

type qpair struct{ k, v string }

// pairs decodes a raw query in order, as PHP fills $_GET.
func pairs(raw string) []qpair {
	var out []qpair
	for _, piece := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(piece, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		out = append(out, qpair{k, v})
	}
	return out
}

// withoutHash returns the pairs other than hash, wherever it stood, and the hash.
func withoutHash(ps []qpair) (rest []qpair, hash string) {
	for _, p := range ps {
		if p.k == "hash" {
			hash = p.v
			continue
		}
		rest = append(rest, p)
	}
	return rest, hash
}

func join(ps []qpair, enc func(string) string) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = enc(p.k) + "=" + enc(p.v)
	}
	return strings.Join(parts, "&")
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s + probeKey))
	return hex.EncodeToString(sum[:])
}

// PHP's urlencode: Go's QueryEscape, which leaves '~' alone.
func phpURLEncode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "~", "%7E") }

// md5 rules a server may follow.
var (
	// rebuildPHP is what the SDK assumes: http_build_query of the
	// parameters received, hash anywhere.
	rebuildPHP = func(raw string) bool {
		rest, hash := withoutHash(pairs(raw))
		return hash == md5hex(join(rest, phpURLEncode))
	}
	// rebuildUnencoded hashes the values as they are, hash anywhere.
	rebuildUnencoded = func(raw string) bool {
		rest, hash := withoutHash(pairs(raw))
		return hash == md5hex(join(rest, func(s string) string { return s }))
	}
	// rawQueryLast hashes the query bytes before "&hash=", which must end it.
	rawQueryLast = func(raw string) bool {
		i := strings.LastIndex(raw, "&hash=")
		return i >= 0 && !strings.Contains(raw[i+1:], "&") && raw[i+len("&hash="):] == md5hex(raw[:i])
	}
)

// probeServer is an account with one member, the owner, answering the
// doctor's actions under its rules.
type probeServer struct {
	*httptest.Server
	md5        func(raw string) bool
	refuseHMAC bool   // and echo the credential in the message
	limit429   bool   // answer the rate limit with HTTP 429 and Retry-After: 1
	duplicate  string // add_user's message; "User already exists" if empty
	block      chan struct{}

	mu         sync.Mutex
	lastGroups time.Time
	secrets    []string // every hash and HMAC credential received
	requests   int
}

func newProbeServer(t *testing.T, configure func(*probeServer)) *probeServer {
	s := &probeServer{md5: rebuildPHP}
	if configure != nil {
		configure(s)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func answer(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func refusal(code int, msg string) map[string]any {
	return map[string]any{"status": "error", "status_code": code, "message": msg}
}

func (s *probeServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	_, hash := withoutHash(pairs(r.URL.RawQuery))
	authz := r.Header.Get("Authorization")
	s.secrets = append(s.secrets, hash, strings.TrimPrefix(authz, "Admin "))
	s.mu.Unlock()
	action := r.URL.Query().Get("action")
	switch {
	case r.URL.Path == "/api/admin/v2" && strings.HasPrefix(authz, "Admin "):
		if s.refuseHMAC || !validHMAC(strings.TrimPrefix(authz, "Admin "), action) {
			answer(w, http.StatusOK, refusal(2, "Action hash is missed or invalid: "+authz))
			return
		}
	case r.URL.Path == "/api/admin/v2/":
		if !s.md5(r.URL.RawQuery) {
			answer(w, http.StatusOK, refusal(2, "Action hash is missed or invalid"))
			return
		}
	default:
		http.NotFound(w, r)
		return
	}
	if action == "get_user_groups" && s.limited(w, r) {
		return
	}
	switch action {
	case "get_users":
		answer(w, http.StatusOK, map[string]any{"status": "ok", "data": []map[string]any{
			{"id": "7", "first_name": "Ann", "last_name": "Lee", "email": "ann.lee@acme.example", "role": "Owner"}}})
	case "get_users_schedule", "get_user_groups":
		answer(w, http.StatusOK, map[string]any{"status": "ok", "data": []any{}})
	case "add_user":
		msg := s.duplicate
		if msg == "" {
			msg = "User already exists"
		}
		answer(w, http.StatusOK, refusal(11, msg))
	default:
		answer(w, http.StatusOK, refusal(0, "Action is invalid"))
	}
}

func validHMAC(cred, action string) bool {
	ts, sig, _ := strings.Cut(cred, "_")
	m := hmac.New(sha256.New, []byte(probeKey))
	m.Write([]byte(action + ":" + ts))
	return hmac.Equal([]byte(sig), []byte(hex.EncodeToString(m.Sum(nil))))
}

// limited refuses a get_user_groups within 500 ms of the last one.
func (s *probeServer) limited(w http.ResponseWriter, r *http.Request) bool {
	if s.block != nil {
		close(s.block)
		<-r.Context().Done() // hold the request until the client gives up
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.lastGroups) < 500*time.Millisecond {
		if s.limit429 {
			w.Header().Set("Retry-After", "1")
			answer(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": "Too many requests"})
		} else {
			answer(w, http.StatusOK, map[string]any{"status": "error", "message": "Too many requests"})
		}
		return true
	}
	s.lastGroups = time.Now()
	return false
}

// runDoctor runs doctor -o json on the server with the API key.
func runDoctor(t *testing.T, s *probeServer, args ...string) (result, *probe.Report) {
	t.Helper()
	h := newHarness(t, nil)
	h.env[envAccountURL], h.env[envAPIKey] = s.URL, probeKey
	r := h.run(append([]string{"doctor", "-o", "json"}, args...)...)
	rep := decodeReport(t, r)
	s.mu.Lock()
	defer s.mu.Unlock()
	assert.Equal(t, s.requests, len(rep.Requests), "every request is listed")
	for _, secret := range append(s.secrets, probeKey) {
		if secret != "" {
			assert.NotContains(t, r.stdout+r.stderr, secret)
		}
	}
	return r, rep
}

func decodeReport(t *testing.T, r result) *probe.Report {
	t.Helper()
	var rep probe.Report
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assert.LessOrEqual(t, len(rep.Requests), probe.MaxRequests)
	return &rep
}

func verdicts(rep *probe.Report) map[string]probe.Verdict {
	out := map[string]probe.Verdict{}
	for _, p := range rep.Probes {
		out[p.ID] = p.Verdict
	}
	return out
}

func probeResult(t *testing.T, rep *probe.Report, id string) probe.Result {
	t.Helper()
	for _, p := range rep.Probes {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no probe %s", id)
	return probe.Result{}
}

func TestDoctorAgreesWithTheAssumedServer(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, nil)
	r, rep := runDoctor(t, s, "--write-probes")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, map[string]probe.Verdict{"md5-encoding": probe.Agrees, "hash-position": probe.Agrees, "hmac-header": probe.Agrees,
		"token-json-body": probe.Unknown, "rate-limit": probe.Agrees, "me-shape": probe.Unknown, "duplicate-member": probe.Agrees}, verdicts(rep))
	assert.False(t, rep.Fake)
	assert.Equal(t, strings.TrimPrefix(s.URL, "http://"), rep.Account)
	assert.Equal(t, "admin API key", rep.Credentials)
	assert.Contains(t, probeResult(t, rep, "me-shape").Reason, "needs an access token")
	assert.Contains(t, probeResult(t, rep, "duplicate-member").Observed, "User already exists")
}

func TestDoctorFindsUnencodedHashes(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, func(s *probeServer) { s.md5 = rebuildUnencoded })
	r, rep := runDoctor(t, s)
	assert.Equal(t, exitDiffers, r.code, r.stderr)
	p := probeResult(t, rep, "md5-encoding")
	assert.Equal(t, probe.Differs, p.Verdict)
	assert.Equal(t, "md5 over unencoded values", p.Instead)
	assert.Len(t, p.Requests, 3, "PHP, then RFC 3986 and unencoded")
	assert.Equal(t, probe.Agrees, probeResult(t, rep, "hash-position").Verdict, "its values read the same in every encoding")
	assert.Equal(t, probe.Unknown, probeResult(t, rep, "duplicate-member").Verdict, "not run without --write-probes")
}

func TestDoctorFindsHashMustBeLast(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, func(s *probeServer) { s.md5 = rawQueryLast })
	r, rep := runDoctor(t, s)
	assert.Equal(t, exitDiffers, r.code, r.stderr)
	assert.Equal(t, probe.Agrees, probeResult(t, rep, "md5-encoding").Verdict, "the bytes hashed are the bytes sent")
	p := probeResult(t, rep, "hash-position")
	assert.Equal(t, probe.Differs, p.Verdict)
	assert.Contains(t, p.Instead, "hash last")
	assert.Len(t, p.Requests, 2)
}

func TestDoctorFindsHMACRefused(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, func(s *probeServer) { s.refuseHMAC = true })
	r, rep := runDoctor(t, s)
	assert.Equal(t, exitDiffers, r.code, r.stderr)
	p := probeResult(t, rep, "hmac-header")
	assert.Equal(t, probe.Differs, p.Verdict)
	assert.Contains(t, p.Instead, "md5 query signing")
	assert.Contains(t, p.Observed, "Admin REDACTED", "the echoed credential is masked")
	// A failing probe does not stop the others.
	assert.Equal(t, probe.Agrees, probeResult(t, rep, "rate-limit").Verdict)
}

func TestDoctorFindsRateLimit429(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, func(s *probeServer) { s.limit429 = true })
	start := time.Now()
	r, rep := runDoctor(t, s)
	assert.Equal(t, exitDiffers, r.code, r.stderr)
	p := probeResult(t, rep, "rate-limit")
	assert.Equal(t, probe.Differs, p.Verdict)
	assert.Contains(t, p.Instead, "HTTP 429 with Retry-After 1")
	assert.Contains(t, p.Observed, "waited 1s")
	assert.GreaterOrEqual(t, time.Since(start), time.Second, "it waits as Retry-After says")
	second := rep.Requests[p.Requests[1]-1]
	assert.Equal(t, 429, second.HTTPStatus)
	assert.Equal(t, "1", second.RetryAfter)
}

func TestDoctorFindsMeAsArray(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer(worksectiontest.WithMeAsArray(), worksectiontest.WithRateLimit(150*time.Millisecond))
	defer srv.Close()
	h := newHarness(t, nil)
	h.gap = 200 * time.Millisecond
	h.env[envClientID], h.env[envClientSecret], h.env[envOAuthURL] = srv.ClientID, srv.ClientSecret, srv.URL
	require.Equal(t, 0, h.run("login").code)

	r := h.run("doctor", "-o", "json", "--write-probes")
	rep := decodeReport(t, r)
	assert.Equal(t, exitDiffers, r.code, r.stderr)
	assert.Equal(t, "access token", rep.Credentials)
	assert.Equal(t, map[string]probe.Verdict{"md5-encoding": probe.Unknown, "hash-position": probe.Unknown, "hmac-header": probe.Unknown,
		"token-json-body": probe.Agrees, "rate-limit": probe.Agrees, "me-shape": probe.Differs, "duplicate-member": probe.Agrees}, verdicts(rep))
	p := probeResult(t, rep, "me-shape")
	assert.Contains(t, p.Instead, "one-element array")
	assert.Contains(t, probeResult(t, rep, "hmac-header").Reason, "needs the admin API key")
}

func TestDoctorOnTheBuiltInFake(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	r := h.run("doctor", "-o", "json", "--write-probes")
	rep := decodeReport(t, r)
	assert.Equal(t, 0, r.code, "%s\n%s", r.stdout, r.stderr)
	assert.True(t, rep.Fake)
	assert.Equal(t, 7, rep.Count(probe.Agrees), r.stdout)
	assert.Contains(t, r.stderr, "built-in fake")

	r = h.run("doctor", "-o", "table")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "(the built-in fake)")
	assert.Contains(t, r.stdout, "7. Duplicate member: UNKNOWN")
	assert.Contains(t, r.stdout, "not run: it may write; run with --write-probes")
	assert.Contains(t, r.stdout, "worksection doctor -o json")
}

func TestDoctorUnreachableIsAnError(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, nil)
	s.Close() // nothing answers there now
	h := newHarness(t, nil)
	h.env[envAccountURL], h.env[envAPIKey] = s.URL, probeKey
	r := h.run("doctor", "-o", "json")
	assert.Equal(t, 1, r.code)
	rep := decodeReport(t, r)
	assert.Equal(t, 0, rep.Count(probe.Differs))
	assert.Contains(t, r.stderr, "no request reached")
}

func TestDoctorRefusedKeyIsAnError(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, nil)
	h := newHarness(t, nil)
	h.env[envAccountURL], h.env[envAPIKey] = s.URL, "wrong-key"
	r := h.run("doctor", "-o", "json")
	assert.Equal(t, 1, r.code)
	rep := decodeReport(t, r)
	assert.Contains(t, probeResult(t, rep, "md5-encoding").Reason, "Action hash is missed or invalid")
	assert.Contains(t, r.stderr, "accepted no request; check the credentials")
}

func TestDoctorInterrupted(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, func(s *probeServer) { s.block = make(chan struct{}) })
	h := newHarness(t, nil)
	h.env[envAccountURL], h.env[envAPIKey] = s.URL, probeKey
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.block // the rate-limit probe is under way
		cancel()
	}()
	start := time.Now()
	r := h.runCtx(ctx, &syncBuffer{}, "doctor", "-o", "json")
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.NotEqual(t, 0, r.code)
	rep := decodeReport(t, r)
	assert.True(t, rep.Interrupted)
	assert.Equal(t, probe.Agrees, probeResult(t, rep, "md5-encoding").Verdict, "what was found is kept")
	assert.Equal(t, probe.Unknown, probeResult(t, rep, "rate-limit").Verdict)
	assert.Equal(t, "not run: interrupted", probeResult(t, rep, "me-shape").Reason)
}

func TestDoctorHelp(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	r := h.run("doctor", "--help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "3 when any differs")
	assert.Contains(t, r.stdout, "--write-probes")
	r = h.run("--help")
	assert.Contains(t, r.stdout, `"doctor" exits 3`)
	assert.Contains(t, r.stdout, "doctor")
	assert.Equal(t, 1, h.run("doctor", "extra").code)
}

func TestDoctorTableStripsServerControlCharacters(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, func(s *probeServer) { s.duplicate = "Email \x1b[31mtaken\u202e" })
	h := newHarness(t, nil)
	h.env[envAccountURL], h.env[envAPIKey] = s.URL, probeKey
	r := h.run("doctor", "-o", "table", "--write-probes")
	assert.Equal(t, exitDiffers, r.code, r.stderr)
	assert.Contains(t, r.stdout, "7. Duplicate member: DIFFERS")
	assert.Contains(t, r.stdout, `"Email \x1b[31mtaken\u202e"`, "shown quoted, escapes visible")
	assert.NotContains(t, r.stdout, "\x1b")
	assert.NotContains(t, r.stdout, "\u202e")
}
