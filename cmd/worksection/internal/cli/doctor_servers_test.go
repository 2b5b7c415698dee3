package cli

import (
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
