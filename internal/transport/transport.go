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

// ParseBaseURL accepts "https://host" (with a path if allowPath) and
// returns it without a trailing slash. Plain http is allowed on loopback
// only: credentials travel with every request. example is for errors.
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
	return host == "localhost" || net.ParseIP(host).IsLoopback() // a nil IP is no loopback
}

// NewHTTPClient copies hc (or builds one with DefaultTimeout and its own
// transport) refusing any redirect to another scheme, host or port, which
// would carry a signed query or an Authorization header elsewhere.
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

// WithoutRedirects returns a copy of hc that follows no redirect.
func WithoutRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		return fmt.Errorf("%w: %s answered with a redirect to %s", ErrRedirect, origin(via[0].URL), origin(req.URL))
	}
	return &c
}

// origin is scheme://host:port, the default port filled in.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// ReadBody reads resp's body, at most max bytes; memory follows the bytes
// received, whatever Content-Length declares.
func ReadBody(resp *http.Response, max int64) ([]byte, error) {
	return io.ReadAll(NewBodyReader(resp.Body, max, resp.ContentLength))
}

// BodyReader reads a response body: at most limit bytes, exactly its
// declared length if any (else ErrReadBody), keeping its head for excerpts.
type BodyReader struct {
	r     io.Reader
	limit int64
	size  int64  // the declared length, -1 if none
	N     int64  // bytes read so far
	Head  []byte // the first HeadBytes bytes
}

// HeadBytes is how much of a body a BodyReader keeps for an excerpt.
const HeadBytes = 512

// NewBodyReader reads r, at most limit bytes, declared as size (-1: unknown).
func NewBodyReader(r io.Reader, limit, size int64) *BodyReader {
	return &BodyReader{r: r, limit: limit, size: size}
}

// Size is the declared length, -1 if none.
func (b *BodyReader) Size() int64 { return b.size }

func (b *BodyReader) Read(p []byte) (int, error) {
	if b.size > b.limit {
		return 0, fmt.Errorf("%w: %d bytes, limit %d", ErrBodyTooLarge, b.size, b.limit)
	}
	n, err := b.r.Read(p)
	if keep := min(n, HeadBytes-len(b.Head)); keep > 0 {
		b.Head = append(b.Head, p[:keep]...)
	}
	b.N += int64(n)
	switch {
	case b.N > b.limit:
		return n, fmt.Errorf("%w: over the %d byte limit", ErrBodyTooLarge, b.limit)
	case b.size >= 0 && b.N > b.size:
		return n, fmt.Errorf("%w: body longer than its Content-Length %d", ErrReadBody, b.size)
	case err == io.EOF && b.size >= 0 && b.N < b.size:
		return n, fmt.Errorf("%w: body cut short: %d of %d bytes", ErrReadBody, b.N, b.size)
	case err != nil && err != io.EOF:
		return n, fmt.Errorf("%w: %w", ErrReadBody, err)
	}
	return n, err
}
