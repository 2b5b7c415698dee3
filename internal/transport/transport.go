// Package transport is the HTTP plumbing the API clients share: the base
// URL rules, the default HTTP client, capped body reads, and masking of
// secrets in anything a client emits.
package transport

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Errors a transport failure can wrap; match them with errors.Is.
var (
	ErrBodyTooLarge = errors.New("response body too large")
	ErrReadBody     = errors.New("reading body")
	ErrRedirect     = errors.New("refused redirect")
)

// DefaultTimeout bounds a whole request with the default HTTP client.
const DefaultTimeout = 30 * time.Second

// ParseBaseURL accepts "https://host" with an optional path when
// allowPath is set, and returns it without a trailing slash. Plain http is
// allowed for loopback hosts only, since credentials travel with every
// request. example names the expected form in errors.
func ParseBaseURL(raw string, allowPath bool, example string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fmt.Errorf("URL is empty; want %s", example)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("URL does not parse") // url's error quotes the URL, which may hold a password
	}
	shown := StripURL(raw) // never the user info or query: they may hold secrets
	if u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("URL %q has no host; want %s", shown, example)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return "", fmt.Errorf("URL %q uses http; credentials need https (http is allowed only on loopback)", shown)
		}
	default:
		return "", fmt.Errorf("URL %q: scheme must be https", shown)
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	if u.User != nil || (path != "" && !allowPath) || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("URL %q: want only scheme and host (no user info, query or fragment), like %s", shown, example)
	}
	return u.Scheme + "://" + u.Host + path, nil
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NewHTTPClient copies hc (or builds the default: DefaultTimeout and a
// keep-alive transport of its own) and refuses any redirect that changes
// scheme, host or port, which would carry a signed query or an
// Authorization header elsewhere or in clear text. hc is not changed.
func NewHTTPClient(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		c = http.Client{Timeout: DefaultTimeout, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && origin(req.URL) != origin(via[0].URL) {
			return fmt.Errorf("%w: from %s to %s", ErrRedirect, origin(via[0].URL), origin(req.URL))
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

// WithoutRedirects returns a copy of hc that follows no redirect at all,
// for endpoints that take secrets in the body (OAuth token and refresh).
func WithoutRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		return fmt.Errorf("%w: %s answered with a redirect to %s", ErrRedirect, origin(via[0].URL), origin(req.URL))
	}
	return &c
}

// origin is scheme://host:port with the scheme's default port filled in,
// and never the path or query.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// initialBuffer is the first read buffer; it grows as bytes arrive, so a
// Content-Length a server declares but does not send costs nothing.
const initialBuffer = 16 << 10

// ReadBody reads at most max bytes of resp's body; a longer body is
// ErrBodyTooLarge, a failed read ErrReadBody, and so is a body that is
// shorter or longer than its Content-Length. Memory follows the bytes
// received: the buffer grows as they arrive (see growth), never past a
// declared Content-Length or max, so a body at the cap ends in a buffer of
// the cap.
func ReadBody(resp *http.Response, max int64) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrBodyTooLarge, resp.ContentLength, max)
	}
	limit := max + 1 // one byte past max tells an oversized body
	if resp.ContentLength >= 0 {
		limit = resp.ContentLength + 1 // +1 so the EOF read needs no growth
	}
	// A declared length is trusted in steps: the buffer may reach four
	// times the bytes received, so a body that keeps its word is copied
	// few times, and one that does not costs at most 4x what it sent.
	growth := int64(2)
	if resp.ContentLength >= 0 {
		growth = 4
	}
	buf := make([]byte, 0, min(limit, initialBuffer))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) >= limit { // only a lying Content-Length gets here
				return nil, fmt.Errorf("%w: body longer than its Content-Length %d", ErrReadBody, resp.ContentLength)
			}
			next := make([]byte, len(buf), min(growth*int64(cap(buf)), limit))
			copy(next, buf)
			buf = next
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, fmt.Errorf("%w: over the %d byte limit", ErrBodyTooLarge, max)
		}
		if err == io.EOF {
			if resp.ContentLength >= 0 && int64(len(buf)) < resp.ContentLength {
				return buf, fmt.Errorf("%w: body cut short: %d of %d bytes", ErrReadBody, len(buf), resp.ContentLength)
			}
			return buf, nil
		}
		if err != nil {
			return buf, fmt.Errorf("%w: %w", ErrReadBody, err)
		}
	}
}

var secretParam = regexp.MustCompile(`(?i)\b(hash|access_token|refresh_token|client_secret|code)=[^&\s"']*`)

// Redactor masks secrets a server may echo back into text the client
// emits (an error envelope, a body excerpt): secret query parameters, and
// the literal values it holds (keys, tokens, computed signatures) in the
// forms a server may echo them: as sent, JSON-escaped, URL-escaped, and in
// any letter case.
type Redactor []string

// Withheld stands for a whole text that still held a secret after
// masking: an echo escaped in a way no replacement undoes.
const Withheld = "[withheld: it contains a secret]"

// Text masks s, or withholds it whole if a secret survives masking in an
// escaped form.
func (r Redactor) Text(s string) string {
	s = secretParam.ReplaceAllString(s, "${1}=REDACTED")
	for _, secret := range r {
		if secret == "" {
			continue
		}
		for _, form := range echoForms(secret) {
			s = replaceFold(s, form, "REDACTED")
		}
	}
	if r.Holds(s) {
		return Withheld
	}
	return s
}

// Holds reports whether text contains a secret as sent or as a server may
// echo it: JSON-, URL- or HTML-escaped (one escape inside another too), in
// any letter case.
func (r Redactor) Holds(text string) bool {
	var canon string
	for _, secret := range r {
		if secret == "" {
			continue
		}
		if strings.Contains(strings.ToLower(text), strings.ToLower(secret)) {
			return true
		}
		if canon == "" {
			canon = canonical(text)
		}
		if strings.Contains(canon, canonical(secret)) || holdsPart(canon, canonical(secret)) {
			return true
		}
	}
	return false
}

// partWindow is the length of the pieces of a secret looked for on their
// own: a server that echoes the start of a token ("eyJ0eXAi… is invalid")
// gives away part of it. Pieces start every partStride bytes, so any echo
// of partWindow+partStride-1 bytes or more contains a whole one.
const (
	partWindow = 8
	partStride = 4
)

// holdsPart reports whether text holds a piece of a secret of 12 bytes or
// more; shorter secrets are matched whole only.
func holdsPart(text, secret string) bool {
	if len(secret) < partWindow+partStride {
		return false
	}
	for i := 0; i+partWindow <= len(secret); i += partStride {
		if strings.Contains(text, secret[i:i+partWindow]) {
			return true
		}
	}
	return false
}

var (
	jsonEscapes = regexp.MustCompile(`(?:\\u[0-9a-fA-F]{4})+|\\["\\/bfnrt]`)
	urlEscapes  = regexp.MustCompile(`(?:%[0-9a-fA-F]{2})+`)
)

// canonical undoes the escapes an echo may carry, twice so that one layer
// inside another (a URL in a JSON string) is undone too, and lowercases.
func canonical(s string) string {
	for range 2 {
		s = jsonEscapes.ReplaceAllStringFunc(s, func(esc string) string {
			var out string
			if json.Unmarshal([]byte(`"`+esc+`"`), &out) != nil {
				return esc
			}
			return out
		})
		s = urlEscapes.ReplaceAllStringFunc(s, func(esc string) string {
			out, _ := url.PathUnescape(esc) // cannot fail: every escape matched is valid
			return out
		})
		s = html.UnescapeString(s)
	}
	return strings.ToLower(s)
}

// echoForms are the ways a server may write secret back: raw, escaped
// for JSON (with or without "\/"), for a query or a path.
func echoForms(secret string) []string {
	j, _ := json.Marshal(secret)
	jsonForm := string(j[1 : len(j)-1])
	forms := []string{secret, jsonForm, strings.ReplaceAll(jsonForm, "/", `\/`),
		url.QueryEscape(secret), url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)), base64.RawURLEncoding.EncodeToString([]byte(secret))}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) }) // longest first
	return slices.Compact(forms)
}

// replaceFold replaces every match of old in s, ignoring ASCII case.
func replaceFold(s, old, repl string) string {
	if len(old) == 0 || len(s) < len(old) {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+len(old) <= len(s); {
		if equalFoldASCII(s[i:i+len(old)], old) {
			b.WriteString(s[last:i])
			b.WriteString(repl)
			i += len(old)
			last = i
			continue
		}
		i++
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Leaks reports whether any error in err's chain mentions a secret.
func (r Redactor) Leaks(err error) bool {
	leak := false
	walk(err, func(e error) {
		if !leak && r.Text(e.Error()) != e.Error() {
			leak = true
		}
	})
	return leak
}

func walk(err error, f func(error)) {
	if err == nil {
		return
	}
	f(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walk(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walk(e, f)
		}
	}
}

// Err makes a transport error safe to return. A *url.Error loses the
// query, fragment and user info of its URL (where signatures and tokens
// travel); its cause is kept, so errors.Is still finds timeouts and
// context errors. If an error in the chain (below the URL) still mentions a
// secret, the chain is cut there: the stand-in carries the masked text and
// answers errors.Is and Timeout for the original, but unwraps to nothing
// that holds it.
func (r Redactor) Err(err error) error {
	return r.TransportErr(err, "")
}

// TransportErr is Err for the error of a request to endpoint: a *url.Error
// names endpoint (stripped), never the URL net/http put there, which after
// a redirect is the server's Location and may carry anything. Only the
// cause is checked for secrets, so a short secret cannot garble the path.
func (r Redactor) TransportErr(err error, endpoint string) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		if endpoint == "" {
			endpoint = ue.URL
		}
		return &url.Error{Op: ue.Op, URL: StripURL(endpoint), Err: r.cut(ue.Err)}
	}
	return r.cut(err)
}

// cut replaces err with its masked text if any error in its chain
// mentions a secret.
func (r Redactor) cut(err error) error {
	if err == nil || !r.Leaks(err) {
		return err
	}
	return &redactedError{msg: r.Text(err.Error()), orig: err}
}

// StripURL drops a URL's user info, query and fragment.
func StripURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			return raw[:i]
		}
		return raw
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// redactedError stands in for an error whose text held a secret.
type redactedError struct {
	msg  string
	orig error
}

func (e *redactedError) Error() string { return e.msg }

// Is answers for the original chain without exposing it.
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }

// Timeout reports whether the original was a timeout.
func (e *redactedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.orig, &t) && t.Timeout()
}

// Excerpt is the start of a body for an error message: secrets masked
// before cutting (so one straddling the cut is not half shown), invalid
// UTF-8 dropped, at most 200 bytes.
func Excerpt(body []byte, r Redactor) string {
	const max, window = 200, 8 << 10
	s := r.Text(strings.ToValidUTF8(string(body[:min(len(body), window)]), ""))
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "")
	}
	return s
}
