package worksectiontest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// incoming is an API request as the fake understood it.
type incoming struct {
	action  string
	params  url.Values
	auth    AuthKind
	email   string    // the member a bearer token belongs to
	authErr *apiError // set if the credential is refused
}

// maxBody bounds a request body; the real API takes descriptions up to
// 64 KiB, so 1 MiB is plenty.
const maxBody = 1 << 20

// parse reads a request in the shape of its signing mode. A shape the mode
// does not allow is a bad request; a wrong credential is left in authErr,
// answered after faults and the rate limit.
//
//   - md5: GET or POST on /api/admin/v2[/] with every parameter in the
//     query, the hash last; no body (the hash would not cover it).
//   - HMAC ("Authorization: Admin <t>_<hmac>"): the vendor's 2026 clients'
//     shape, exactly; see parseHMAC.
//   - bearer, on /api/oauth2[/]: parameters in the query, and on POST
//     optionally in a JSON object body as well.
func (s *Server) parse(r *http.Request, admin bool) (incoming, *apiError) {
	in := incoming{auth: AuthNone}
	pairs := splitQuery(r.URL.RawQuery)
	in.params = pairValues(pairs)
	in.action = in.params.Get("action")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	switch {
	case err != nil:
		return in, badRequest("reading the body: %v", err)
	case len(body) > maxBody:
		return in, badRequest("body over %d bytes", maxBody)
	}
	switch {
	case admin && strings.HasPrefix(r.Header.Get("Authorization"), "Admin "):
		in.auth = AuthHMAC
		return in, s.parseHMAC(r, pairs, body, &in)
	case admin:
		in.auth = AuthMD5
		if len(body) > 0 {
			return in, badRequest("an md5-signed request carries every parameter in the query; the hash does not cover a body")
		}
		in.authErr = s.checkMD5(r.URL.RawQuery, pairs)
		return in, nil
	}
	in.auth = AuthBearer
	if len(body) > 0 {
		if r.Method != http.MethodPost {
			return in, badRequest("a body needs POST")
		}
		if e := jsonBody(r, body, false, in.params); e != nil {
			return in, e
		}
		in.action = in.params.Get("action")
	}
	in.email, in.authErr = s.checkToken(r, in.params)
	return in, nil
}

// parseHMAC accepts exactly the shape of the vendor's 2026 clients:
// POST /api/admin/v2?action=<name> (no trailing slash, nothing else in the
// query), Content-Type application/json (charset utf-8), every other
// parameter in a JSON object body with ids as JSON numbers, and an empty
// body when there are none.
func (s *Server) parseHMAC(r *http.Request, pairs []pair, body []byte, in *incoming) *apiError {
	const shape = "an HMAC-signed request is POST " + adminPath + "?action=<name> with every other parameter in a JSON body: "
	switch {
	case r.Method != http.MethodPost:
		return badRequest(shape+"got %s", r.Method)
	case r.URL.Path != adminPath:
		return badRequest(shape+"got path %s", r.URL.Path)
	case len(pairs) != 1 || pairs[0].key != "action":
		return badRequest(shape + "the query holds more than action")
	case !jsonContentType(r.Header.Get("Content-Type")):
		return badRequest(shape+"Content-Type is %q, want application/json; charset=utf-8", r.Header.Get("Content-Type"))
	case bytes.Equal(bytes.TrimSpace(body), []byte("{}")):
		return badRequest(shape + "send an empty body when there are no parameters")
	}
	if len(body) > 0 {
		if e := jsonBody(r, body, true, in.params); e != nil {
			return e
		}
	}
	in.authErr = s.checkHMAC(r.Header.Get("Authorization"), in.action)
	return nil
}

func jsonContentType(v string) bool {
	mt, p, err := mime.ParseMediaType(v)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := p["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

// jsonBody adds the parameters of a JSON object body to params: strings as
// they are, numbers as written, true/false as 1/0 (what PHP makes of them),
// objects and arrays as JSON text; null is left out. With vendorShape, ids
// must be JSON numbers and action may not appear (it is signed in the
// query).
func jsonBody(r *http.Request, body []byte, vendorShape bool, params url.Values) *apiError {
	if !jsonContentType(r.Header.Get("Content-Type")) {
		return badRequest("invalid JSON: a body must be a JSON object sent as application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return badRequest("invalid JSON: the body is not a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("invalid JSON: data after the object")
	}
	for k, v := range m {
		_, isNumber := v.(json.Number)
		switch {
		case vendorShape && k == "action":
			return badRequest("action belongs in the query, where the signature covers it")
		case vendorShape && strings.HasPrefix(k, "id_") && !isNumber:
			return badRequest("%s must be a JSON number, as the vendor's clients send it", k)
		}
		switch v := v.(type) {
		case nil:
		case string:
			params.Set(k, v)
		case json.Number:
			params.Set(k, v.String())
		case bool:
			params.Set(k, map[bool]string{true: "1", false: "0"}[v])
		default:
			b, _ := json.Marshal(v)
			params.Set(k, string(b))
		}
	}
	return nil
}

// checkHMAC verifies "Admin <t>_<hex hmac_sha256(key, action:t)>" with a
// timestamp within maxSkew of the server's clock.
func (s *Server) checkHMAC(h, action string) *apiError {
	ts, sig, ok := strings.Cut(strings.TrimPrefix(h, "Admin "), "_")
	t, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil {
		return errHash
	}
	if d := s.clock().Sub(time.Unix(t, 0)); d > maxSkew || d < -maxSkew {
		return errHash
	}
	m := hmac.New(sha256.New, []byte(s.APIKey))
	m.Write([]byte(action + ":" + ts))
	if !hmac.Equal([]byte(sig), []byte(hex.EncodeToString(m.Sum(nil)))) {
		return errHash
	}
	return nil
}

// checkToken verifies a bearer token (header or access_token parameter)
// and returns its member's email.
func (s *Server) checkToken(r *http.Request, params url.Values) (string, *apiError) {
	tok := params.Get("access_token")
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		tok = strings.TrimSpace(h[7:])
	}
	if tok == "" {
		return "", &apiError{httpStatus: http.StatusUnauthorized, message: "Access token is missing"}
	}
	s.mu.Lock()
	t, ok := s.tokens[tok]
	now := s.clock()
	s.mu.Unlock()
	switch {
	case !ok:
		return "", &apiError{httpStatus: http.StatusUnauthorized, message: "Access token is invalid"}
	case !now.Before(t.expires):
		return "", &apiError{httpStatus: http.StatusUnauthorized, message: "Access token is expired"}
	}
	return t.email, nil
}
