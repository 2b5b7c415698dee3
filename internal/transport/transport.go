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
