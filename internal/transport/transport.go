// Package transport is the HTTP plumbing the API clients share: the base
// URL rules, the default HTTP client, capped body reads, and masking of
// secrets in anything a client emits.
package transport

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Errors a transport failure can wrap; match them with errors.Is.
var (
	ErrBodyTooLarge = errors.New("response body too large")
	ErrReadBody     = errors.New("reading body")
	ErrRedirect     = errors.New("refused redirect to another host")
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
		return "", fmt.Errorf("URL does not parse: %w", err)
	}
	if u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("URL %q has no host; want %s", raw, example)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return "", fmt.Errorf("URL %q uses http; credentials need https (http is allowed only on loopback)", raw)
		}
	default:
		return "", fmt.Errorf("URL %q: scheme must be https", raw)
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	if u.User != nil || (path != "" && !allowPath) || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("URL %q: want only scheme and host, like %s", raw, example)
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
// keep-alive transport of its own) and refuses redirects to another host,
// which would carry signed queries or tokens elsewhere. hc is not changed.
func NewHTTPClient(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		c = http.Client{Timeout: DefaultTimeout, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && req.URL.Host != via[0].URL.Host {
			return fmt.Errorf("%w to %q", ErrRedirect, req.URL.Host)
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

// ReadBody reads at most max bytes of resp's body; a longer body is
// ErrBodyTooLarge, a failed read ErrReadBody. A known Content-Length sizes
// the buffer once.
func ReadBody(resp *http.Response, max int64) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrBodyTooLarge, resp.ContentLength, max)
	}
	size := 512
	if resp.ContentLength > 0 {
		size = int(resp.ContentLength) + 1 // +1 so the EOF read needs no growth
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, fmt.Errorf("%w: over the %d byte limit", ErrBodyTooLarge, max)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, fmt.Errorf("%w: %w", ErrReadBody, err)
		}
	}
}

var secretParam = regexp.MustCompile(`(?i)\b(hash|access_token|refresh_token|client_secret|code)=[^&\s"']*`)

// Redactor masks secrets in text a client emits: secret query parameters,
// and the literal values it holds (keys, tokens, computed signatures).
type Redactor []string

// Text masks s.
func (r Redactor) Text(s string) string {
	s = secretParam.ReplaceAllString(s, "${1}=REDACTED")
	for _, secret := range r {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "REDACTED")
		}
	}
	return s
}

// Err masks the URL of a transport error (it may carry a signature or a
// token) and any secret in the message, keeping *url.Error reachable with
// errors.As and the chain intact for errors.Is.
func (r Redactor) Err(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: r.Text(ue.URL), Err: r.Err(ue.Err)}
	}
	if msg := r.Text(err.Error()); msg != err.Error() {
		return &redactedError{msg: msg, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

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
