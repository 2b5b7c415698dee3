package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/pace"
	"github.com/worksection-go/worksection/internal/transport"
)

// MaxRequests bounds a whole run.
const MaxRequests = 20

// The API's paths, as the SDK calls them.
const (
	md5Path   = "/api/admin/v2/"
	hmacPath  = "/api/admin/v2"
	tokenPath = "/api/oauth2"
)

// maxBody caps an answer, as the SDK does by default: get_users is the
// whole account.
const maxBody = 64 << 20

// errBudget stops a probe that would pass MaxRequests.
var errBudget = fmt.Errorf("the run's budget of %d requests is spent", MaxRequests)

// request is one request a probe sends.
type request struct {
	probe, action, signing string
	method, path, query    string
	body                   []byte
	header                 http.Header
	secrets                []string // what signing computed, masked in every text kept
	unpaced                bool     // sent without waiting for the gap (the rate-limit pair)
}

// answer is an Exchange with what the probes read but never report.
type answer struct {
	*Exchange
	header           http.Header
	data             json.RawMessage
	message, details string // as the server sent them, for classification
	envelope         bool   // the body was an envelope
}

// sender sends the requests of one run: paced, counted, recorded, masked.
type sender struct {
	cfg  Config
	http *http.Client

	mu   sync.Mutex
	red  transport.Redactor
	log  []*Exchange
	last time.Time // when the last answer arrived
}

func newSender(cfg Config) *sender {
	hc := transport.WithoutRedirects(transport.NewHTTPClient(cfg.HTTPClient))
	return &sender{cfg: cfg, http: hc, red: transport.Redactor{cfg.APIKey}}
}

// exchanges returns a copy of the log, in the order sent.
func (s *sender) exchanges() []Exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Exchange, len(s.log))
	for i, e := range s.log {
		out[i] = *e
	}
	return out
}

// reserve numbers a request, or refuses it past the budget.
func (s *sender) reserve(r request) (*Exchange, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) >= MaxRequests {
		return nil, errBudget
	}
	s.red = append(s.red, r.secrets...)
	body := ""
	if r.body != nil {
		body = "JSON"
	}
	e := &Exchange{N: len(s.log) + 1, Probe: r.probe, Method: r.method, Path: r.path, Action: r.action, Signing: r.signing, Body: body}
	s.log = append(s.log, e)
	return e, nil
}

// wait leaves the gap after the last answer, so the doctor's own requests
// stay under the documented limit of one a second.
func (s *sender) wait(ctx context.Context) error {
	s.mu.Lock()
	d := time.Until(s.last.Add(s.cfg.Gap))
	s.mu.Unlock()
	return pace.Sleep(ctx, d)
}

// send sends r and records it. The error is a transport failure, the end
// of ctx or the budget; any HTTP answer is returned with a nil error, its
// Error set if the body could not be read as an envelope.
func (s *sender) send(ctx context.Context, r request) (*answer, error) {
	if !r.unpaced {
		if err := s.wait(ctx); err != nil {
			return nil, err
		}
	}
	e, err := s.reserve(r)
	if err != nil {
		return nil, err
	}
	a := &answer{Exchange: e}
	start := time.Now()
	err = s.do(ctx, r, a)
	s.mu.Lock()
	defer s.mu.Unlock()
	e.Millis = time.Since(start).Milliseconds()
	s.last = time.Now()
	if err != nil {
		e.Error = s.red.Text(err.Error())
	}
	if a.HTTPStatus == 0 {
		return a, errors.New(e.Error)
	}
	s.mask(a)
	return a, nil
}

func (s *sender) do(ctx context.Context, r request, a *answer) error {
	req, err := http.NewRequestWithContext(ctx, r.method, s.cfg.Account+r.path, bytes.NewReader(r.body))
	if err != nil {
		return err
	}
	req.URL.RawQuery = r.query
	for k, v := range r.header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "worksection-go/"+ws.Version+" (doctor)")
	req.Header.Set("Accept", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.red.TransportErr(err, s.cfg.Account+r.path)
	}
	defer resp.Body.Close()
	a.HTTPStatus, a.header = resp.StatusCode, resp.Header
	body, err := transport.ReadBody(resp, maxBody)
	if err != nil {
		return err
	}
	return a.decode(body)
}

// decode reads the envelope, {"status":"ok"|"error","status_code":…,
// "message":…,"message_details":…,"data":…}; a body that is not one is an
// error naming what it is.
func (a *answer) decode(body []byte) error {
	var env struct {
		Status     *string         `json:"status"`
		StatusCode json.RawMessage `json:"status_code"`
		Message    json.RawMessage `json:"message"`
		Details    json.RawMessage `json:"message_details"`
		Data       json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Status == nil {
		ct := a.header.Get("Content-Type")
		return fmt.Errorf("the body is not a JSON envelope (Content-Type %q, %d bytes)", ct, len(body))
	}
	a.envelope, a.Status, a.data = true, *env.Status, env.Data
	a.message, a.details = text(env.Message), text(env.Details)
	var code json.Number
	if json.Unmarshal(env.StatusCode, &code) == nil || json.Unmarshal(bytes.Trim(env.StatusCode, `"`), &code) == nil {
		if n, err := code.Int64(); err == nil {
			c := int(n)
			a.Code = &c
		}
	}
	return nil
}

// text is a JSON string's value, or any other JSON value as written.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// mask copies what the answer shows into its Exchange, secrets masked.
// Called with s.mu held.
func (s *sender) mask(a *answer) {
	a.Message, a.Details = s.red.Text(a.message), s.red.Text(a.details)
	a.RetryAfter = s.red.Text(a.header.Get("Retry-After"))
	a.Date = s.red.Text(a.header.Get("Date"))
	a.Refused = a.refusedCredential()
}

// apiError is the answer as the SDK would see it, for its classification
// (ErrUnauthorized, ErrRateLimited): from the server's words, unmasked.
func (a *answer) apiError() *ws.APIError {
	code := 0
	if a.Code != nil {
		code = *a.Code
	}
	return &ws.APIError{Action: a.Action, Code: code, Message: a.message, Details: a.details, HTTPStatus: a.HTTPStatus}
}

// ok reports a success envelope with a 2xx status.
func (a *answer) ok() bool {
	return a.envelope && a.Status == "ok" && a.HTTPStatus >= 200 && a.HTTPStatus < 300
}

// refusedCredential reports the SDK's ErrUnauthorized: a hash or token the
// server refused.
func (a *answer) refusedCredential() bool {
	return a.HTTPStatus == http.StatusUnauthorized || !a.ok() && a.envelope && errors.Is(a.apiError(), ws.ErrUnauthorized)
}

// rateLimited reports the SDK's ErrRateLimited.
func (a *answer) rateLimited() bool {
	return a.HTTPStatus == http.StatusTooManyRequests || !a.ok() && a.envelope && errors.Is(a.apiError(), ws.ErrRateLimited)
}

// describe says what came back, in one line.
func (a *answer) describe() string { return a.Exchange.Answer() }

// Answer says what came back, in one line: "HTTP 200, error 2 "Action
// hash is missed or invalid"", "HTTP 200, ok", "no answer: …".
func (e *Exchange) Answer() string {
	if e.HTTPStatus == 0 {
		return "no answer: " + e.Error
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.HTTPStatus)
	switch {
	case e.Status == "":
		fmt.Fprintf(&b, ", %s", e.Error)
	case e.Status == "ok":
		b.WriteString(", ok")
	default:
		b.WriteString(", " + e.Status)
		if e.Code != nil {
			fmt.Fprintf(&b, " %d", *e.Code)
		}
		fmt.Fprintf(&b, " %q", e.Message)
		if e.Details != "" {
			fmt.Fprintf(&b, " (%s)", e.Details)
		}
	}
	if e.RetryAfter != "" {
		fmt.Fprintf(&b, ", Retry-After %s", e.RetryAfter)
	}
	return b.String()
}

// signMD5 builds an md5-signed GET (a read) or POST (a write) of params.
func (s *sender) signMD5(probe string, v MD5Variant, method string, params []Param) request {
	query, hash := v.Sign(params, s.cfg.APIKey)
	return request{probe: probe, action: params[0].Value, signing: v.String(), method: method, path: md5Path, query: query, secrets: []string{hash}}
}

// signToken builds a bearer-token request of params in the query (PHP
// encoding, as the SDK sends) and body, if any; the token is asked for
// afresh.
func (s *sender) signToken(ctx context.Context, probe, method string, params []Param, body []byte) (request, error) {
	tok, err := s.cfg.Token(ctx)
	if err != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return request{}, fmt.Errorf("the access token: %w", s.red.Err(err))
	}
	h := http.Header{"Authorization": {"Bearer " + tok}}
	if body != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	return request{probe: probe, action: params[0].Value, signing: "bearer token", method: method, path: tokenPath,
		query: PHPEncoding.Query(params), body: body, header: h, secrets: []string{tok}}, nil
}
