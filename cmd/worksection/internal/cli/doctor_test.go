package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/cmd/worksection/internal/probe"
	"github.com/worksection-go/worksection/worksectiontest"
)

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

func TestDoctorUsesAContextsKey(t *testing.T) {
	t.Parallel()
	s := newProbeServer(t, func(s *probeServer) { s.md5 = rebuildUnencoded })
	h := newHarness(t, nil)
	require.Equal(t, 0, h.createContext("acme", s.URL, probeKey).code)
	r := h.run("doctor", "-o", "json", "--context", "acme")
	assert.Equal(t, exitDiffers, r.code, r.stderr)
	rep := decodeReport(t, r)
	assert.Equal(t, "admin API key", rep.Credentials)
	assert.Equal(t, "md5 over unencoded values", probeResult(t, rep, "md5-encoding").Instead)
	assert.NotContains(t, r.stdout+r.stderr, probeKey)
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
	assert.Contains(t, p.Instead, "the server hashes the raw query string")
	assert.Len(t, p.Requests, 3, "in its place, last, last with every byte escaped")
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
	assert.Equal(t, exitUnauthorized, r.code)
	rep := decodeReport(t, r)
	assert.Contains(t, probeResult(t, rep, "md5-encoding").Reason, "Action hash is missed or invalid")
	assert.True(t, rep.Requests[0].Refused)
	assert.Contains(t, r.stderr, "accepted no request")
	assert.Contains(t, r.stderr, "refused the API key from "+envAPIKey)
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
	assert.Equal(t, exitInterrupted, r.code)
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
	assert.Contains(t, r.stdout, `3 "doctor" found the server differs`)
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
