package worksectiontest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// AuthKind says how a request authenticated.
type AuthKind string

// The ways a request can authenticate.
const (
	AuthNone   AuthKind = "none"
	AuthMD5    AuthKind = "md5"    // ?...&hash=md5(query+key)
	AuthHMAC   AuthKind = "hmac"   // Authorization: Admin <t>_<hmac>
	AuthBearer AuthKind = "bearer" // Authorization: Bearer <token> or access_token=
)

// Request is one logged request. Params exclude action, hash and
// access_token; no secret is logged.
type Request struct {
	Method  string
	Path    string
	Action  string
	Params  url.Values
	Auth    AuthKind
	Outcome string // "ok", the error message, or "fault: ..."
}

// MaxLoggedRequests bounds the request log, so that a long-running fake
// (worksection fake) does not grow without bound: Requests returns at most
// the last MaxLoggedRequests, and a request refused before it was applied
// (unauthenticated, malformed) keeps at most maxUnauthParams bytes of its
// parameters.
const MaxLoggedRequests = 10000

// maxUnauthParams bounds what is kept of a refused request's parameters
// (anyone can send a megabyte of them).
const maxUnauthParams = 1024

// Requests returns the last MaxLoggedRequests requests received, in the
// order they were answered (a GatewayTimeoutThenApply request in the
// order it arrived).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := max(0, len(s.requests)-MaxLoggedRequests)
	return append([]Request(nil), s.requests[from:]...)
}

// ActionCount returns how many requests named action, whatever their
// outcome, since the server started (not only those still logged).
func (s *Server) ActionCount(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[action]
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.logLocked(r)
	s.mu.Unlock()
}

// logLocked logs r and returns its sequence number, for logUpdateLocked.
// The log is trimmed to MaxLoggedRequests once it holds an eighth more.
func (s *Server) logLocked(r Request) int {
	if s.counts == nil {
		s.counts = map[string]int{}
	}
	s.counts[r.Action]++
	s.requests = append(s.requests, r)
	if n := len(s.requests); n > MaxLoggedRequests+MaxLoggedRequests/8 {
		keep := make([]Request, MaxLoggedRequests, MaxLoggedRequests+MaxLoggedRequests/8+1)
		copy(keep, s.requests[n-MaxLoggedRequests:])
		s.dropped += n - MaxLoggedRequests
		s.requests = keep
	}
	return s.dropped + len(s.requests) - 1
}

// logUpdateLocked sets the outcome of the logged request seq, if it is
// still in the log.
func (s *Server) logUpdateLocked(seq int, outcome string) {
	if i := seq - s.dropped; i >= 0 && i < len(s.requests) {
		s.requests[i].Outcome = outcome
	}
}

// capParams keeps at most limit bytes of p's keys and values.
func capParams(p url.Values, limit int) url.Values {
	out := url.Values{}
	for k, vs := range p {
		for _, v := range vs {
			if limit -= len(k) + len(v); limit < 0 {
				return out
			}
			out[k] = append(out[k], v)
		}
	}
	return out
}

// apiError is an error envelope; the real API sends them with HTTP 200
// unless httpStatus says otherwise.
type apiError struct {
	httpStatus int
	code       int
	message    string
	details    string
}

func errEnvelope(code int, message, details string) *apiError {
	return &apiError{code: code, message: message, details: details}
}

// badRequest refuses a request whose shape the fake does not accept; the
// message says what was expected.
func badRequest(format string, args ...any) *apiError {
	return &apiError{httpStatus: http.StatusBadRequest, message: "Bad request: " + fmt.Sprintf(format, args...)}
}

var (
	errHash          = errEnvelope(2, "Action hash is missed or invalid", "")
	errActionInvalid = errEnvelope(0, "Action is invalid", "")
	errActionMissing = errEnvelope(1, "Action is required", "")
	errTooMany       = &apiError{message: "Too many requests"}
)

func required(field string) *apiError { return errEnvelope(10, "Field is required", field) }

const (
	adminPath = "/api/admin/v2"
	userPath  = "/api/oauth2"
	maxSkew   = 5 * time.Minute
)

// okBody and errorBody are the envelopes, with status first as recorded.
type okBody struct {
	Status  string `json:"status"`
	Data    any    `json:"data,omitempty"`
	Message string `json:"message,omitempty"`
}

type errorBody struct {
	Status         string `json:"status"`
	StatusCode     *int   `json:"status_code,omitempty"`
	Message        string `json:"message"`
	MessageDetails string `json:"message_details,omitempty"`
}

// answer is an action's result that carries a top-level message beside
// data (update_users_schedule).
type answer struct {
	data    any
	message string
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/oauth2/") {
		s.serveOAuth(w, r)
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	if path != adminPath && path != userPath {
		http.Error(w, "<html><body><h1>404 Not Found</h1></body></html>", http.StatusNotFound)
		return
	}
	if !s.arrive(r.Context()) {
		return // the client gave up on the way
	}
	in, bad := s.parse(r, path == adminPath)
	logged := Request{Method: r.Method, Path: r.URL.Path, Action: in.action, Params: publicParams(in.params), Auth: in.auth}
	if bad != nil { // unauthenticated or malformed: anyone may send it
		logged.Outcome, logged.Params = bad.message, capParams(logged.Params, maxUnauthParams)
		s.record(logged)
		writeError(w, bad)
		return
	}

	fault, hasFault := s.takeFault(in.action)
	if hasFault && fault.kind == faultGateway {
		s.gatewayTimeout(w, in, logged, fault.delay)
		return
	}
	if hasFault && fault.before(w, r) {
		logged.Outcome = "fault: " + fault.String()
		s.record(logged)
		return
	}
	if !s.admitRate() {
		logged.Outcome = errTooMany.message
		s.record(logged)
		writeError(w, errTooMany)
		return
	}
	result, e := s.apply(in)
	if e != nil {
		logged.Outcome = e.message
		s.record(logged)
		writeError(w, e)
		return
	}
	body := okBody{Status: "ok", Data: result}
	if a, ok := result.(answer); ok {
		body.Data, body.Message = a.data, a.message
	}
	logged.Outcome = "ok"
	s.record(logged)
	if hasFault && fault.after(w, body) {
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// apply runs an authenticated request's action against the state.
func (s *Server) apply(in incoming) (any, *apiError) {
	if in.authErr != nil {
		return nil, in.authErr
	}
	return s.dispatch(in.action, in.params, in.email)
}

// arrive waits the random network delay, if any; it reports false if the
// client gave up first.
func (s *Server) arrive(ctx context.Context) bool {
	if s.networkDelay <= 0 {
		return true
	}
	t := time.NewTimer(rand.N(s.networkDelay + 1))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// admitRate enforces WithRateLimit by arrival time: a request is refused
// if it arrives sooner than rateEvery after the last accepted one.
func (s *Server) admitRate() bool {
	if s.rateEvery <= 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	if !s.lastRequest.IsZero() && now.Sub(s.lastRequest) < s.rateEvery {
		s.rateLimited++
		return false
	}
	s.lastRequest = now
	return true
}

func publicParams(p url.Values) url.Values {
	out := url.Values{}
	for k, v := range p {
		if k != "hash" && k != "access_token" && k != "action" {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := errorBody{Status: "error", Message: e.message, MessageDetails: e.details}
	if e.code != 0 || e.httpStatus == 0 && e != errTooMany {
		body.StatusCode = &e.code
	}
	status := e.httpStatus
	if status == 0 {
		status = http.StatusOK
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b := phpJSON(body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// phpJSON encodes v as the recorded server's PHP json_encode does: slashes
// and <, >, & as they are (JSON_UNESCAPED_SLASHES), every non-ASCII
// character as a lower-case \uXXXX escape, astral ones as a surrogate pair
// (the recorded "\u2022" in post_comment).
func phpJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("worksectiontest: encode response: " + err.Error()) // a fake bug
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	out := make([]byte, 0, len(b)+len(b)/4)
	const hexDigits = "0123456789abcdef"
	appendU := func(r rune) {
		out = append(out, '\\', 'u', hexDigits[r>>12&15], hexDigits[r>>8&15], hexDigits[r>>4&15], hexDigits[r&15])
	}
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r < utf8.RuneSelf:
			out = append(out, b[0])
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			appendU(hi)
			appendU(lo)
		default:
			appendU(r)
		}
		b = b[size:]
	}
	return out
}
