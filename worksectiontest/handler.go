package worksectiontest

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
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

// Request is one logged request. Params exclude hash and access_token;
// no secret is logged.
type Request struct {
	Method  string
	Path    string
	Action  string
	Params  url.Values
	Auth    AuthKind
	Outcome string // "ok", the error message, or "fault: ..."
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ActionCount returns how many requests named action, whatever their outcome.
func (s *Server) ActionCount(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Action == action {
			n++
		}
	}
	return n
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

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	if strings.HasPrefix(path, "/oauth2/") {
		s.serveOAuth(w, r)
		return
	}
	if path != adminPath && path != userPath {
		http.Error(w, "<html><body><h1>404 Not Found</h1></body></html>", http.StatusNotFound)
		return
	}
	params, err := requestParams(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": "error", "message": "Bad request: " + err.Error()})
		return
	}
	action := params.Get("action")
	logged := Request{Method: r.Method, Path: r.URL.Path, Action: action, Params: publicParams(params), Auth: AuthNone}
	record := func(outcome string) {
		logged.Outcome = outcome
		s.mu.Lock()
		s.requests = append(s.requests, logged)
		s.mu.Unlock()
	}

	fault, hasFault := s.takeFault(action)
	if hasFault && fault.before(w, r) {
		record("fault: " + fault.String())
		return
	}
	if s.rateEvery > 0 && !s.admitRate() {
		record(errTooMany.message)
		writeError(w, errTooMany)
		return
	}

	var e *apiError
	var data any
	var email string
	if path == adminPath {
		logged.Auth, e = s.checkAdmin(r, action)
	} else {
		logged.Auth, email, e = s.checkToken(r, params)
	}
	if e == nil {
		data, e = s.dispatch(action, params, email)
	}
	if e != nil {
		record(e.message)
		writeError(w, e)
		return
	}
	body := map[string]any{"status": "ok"}
	if data != nil {
		body["data"] = data
	}
	record("ok")
	if hasFault && fault.after(w, body) {
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) admitRate() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	if !s.lastRequest.IsZero() && now.Sub(s.lastRequest) < s.rateEvery {
		return false
	}
	s.lastRequest = now
	return true
}

// requestParams merges query parameters with a form or JSON body (the
// vendor's 2026 clients post JSON).
func requestParams(r *http.Request) (url.Values, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if r.Body == nil || r.Method != http.MethodPost {
		return params, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || len(body) == 0 {
		return params, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("JSON body: %w", err)
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				params.Set(k, v)
			case nil:
			default:
				b, _ := json.Marshal(v)
				params.Set(k, strings.Trim(string(b), `"`))
			}
		}
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	return params, nil
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

// checkAdmin verifies the admin signature: the HMAC header if present,
// else the md5 hash that must be the query's last parameter. The hash is
// accepted over the query bytes as sent, or over the decoded "k=v&..."
// string (what the vendor's Postman collection signs).
func (s *Server) checkAdmin(r *http.Request, action string) (AuthKind, *apiError) {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Admin ") {
		ts, sig, ok := strings.Cut(strings.TrimPrefix(h, "Admin "), "_")
		t, err := strconv.ParseInt(ts, 10, 64)
		if !ok || err != nil {
			return AuthHMAC, errHash
		}
		if d := s.clock().Sub(time.Unix(t, 0)); d > maxSkew || d < -maxSkew {
			return AuthHMAC, errHash
		}
		m := hmac.New(sha256.New, []byte(s.APIKey))
		m.Write([]byte(action + ":" + ts))
		if !hmac.Equal([]byte(sig), []byte(hex.EncodeToString(m.Sum(nil)))) {
			return AuthHMAC, errHash
		}
		return AuthHMAC, nil
	}
	raw := r.URL.RawQuery
	i := strings.LastIndex(raw, "&hash=")
	if i < 0 {
		return AuthMD5, errHash
	}
	signed, got := raw[:i], raw[i+len("&hash="):]
	for _, candidate := range []string{signed, decodedPairs(signed)} {
		sum := md5.Sum([]byte(candidate + s.APIKey))
		if hmac.Equal([]byte(strings.ToLower(got)), []byte(hex.EncodeToString(sum[:]))) {
			return AuthMD5, nil
		}
	}
	return AuthMD5, errHash
}

// decodedPairs turns "a=x%40y&b=c+d" into "a=x@y&b=c d", keeping order.
func decodedPairs(raw string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 == nil && err2 == nil {
			parts[i] = dk + "=" + dv
		}
	}
	return strings.Join(parts, "&")
}

// checkToken verifies a bearer token (header or access_token parameter).
func (s *Server) checkToken(r *http.Request, params url.Values) (AuthKind, string, *apiError) {
	tok := params.Get("access_token")
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		tok = strings.TrimSpace(h[7:])
	}
	if tok == "" {
		return AuthNone, "", &apiError{httpStatus: http.StatusUnauthorized, message: "Access token is missing"}
	}
	s.mu.Lock()
	t, ok := s.tokens[tok]
	now := s.clock()
	s.mu.Unlock()
	switch {
	case !ok:
		return AuthBearer, "", &apiError{httpStatus: http.StatusUnauthorized, message: "Access token is invalid"}
	case !now.Before(t.expires):
		return AuthBearer, "", &apiError{httpStatus: http.StatusUnauthorized, message: "Access token is expired"}
	}
	return AuthBearer, t.email, nil
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"status": "error", "message": e.message}
	if e.code != 0 || e.message != errTooMany.message && e.httpStatus == 0 {
		body["status_code"] = e.code
	}
	if e.details != "" {
		body["message_details"] = e.details
	}
	status := e.httpStatus
	if status == 0 {
		status = http.StatusOK
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
