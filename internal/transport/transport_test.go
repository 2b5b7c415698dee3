package transport

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw       string
		allowPath bool
		want, err string
	}{
		{"https://acme.example", false, "https://acme.example", ""},
		{"https://acme.example/", false, "https://acme.example", ""},
		{"https://acme.example/webasyst/", true, "https://acme.example/webasyst", ""},
		{"https://acme.example/webasyst/", false, "", "want only scheme and host"},
		{"http://127.0.0.1:8080", false, "http://127.0.0.1:8080", ""},
		{"http://[::1]:9", false, "http://[::1]:9", ""},
		{"http://acme.example", false, "", "uses http"},
		{"ftp://acme.example", false, "", "scheme must be https"},
		{"acme.example", false, "", "has no host"},
		{"", false, "", "URL is empty"},
		{"https://user:pw@acme.example", false, "", "want only scheme and host"},
		{"https://acme.example/?x=1", true, "", "want only scheme and host"},
	} {
		got, err := ParseBaseURL(tc.raw, tc.allowPath, "https://acme.example")
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.raw)
			continue
		}
		require.NoError(t, err, tc.raw)
		assert.Equal(t, tc.want, got, tc.raw)
	}
}

func TestRedirectPolicy(t *testing.T) {
	t.Parallel()
	c := NewHTTPClient(nil)
	via := []*http.Request{{URL: mustURL(t, "https://acme.example/api?hash=x")}}
	for target, ok := range map[string]bool{
		"https://acme.example/other":      true,
		"https://ACME.example:443/other":  true,
		"http://acme.example/api":         false, // downgrade to clear text
		"https://acme.example:8443/api":   false, // another port
		"https://evil.example/api?hash=x": false,
	} {
		err := c.CheckRedirect(&http.Request{URL: mustURL(t, target)}, via)
		if ok {
			assert.NoError(t, err, target)
			continue
		}
		require.ErrorIs(t, err, ErrRedirect, target)
		assert.NotContains(t, err.Error(), "hash", target)
	}
	none := WithoutRedirects(c)
	assert.ErrorIs(t, none.CheckRedirect(&http.Request{URL: mustURL(t, "https://acme.example/x")}, via), ErrRedirect)
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

// A declared Content-Length costs nothing until bytes arrive. Not parallel:
// it reads the process's allocation counter.
func TestReadBodyIgnoresDeclaredLengthUntilBytesArrive(t *testing.T) {
	resp := &http.Response{Body: io.NopCloser(strings.NewReader("0123456789")), ContentLength: 64 << 20}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadBody(resp, 64<<20)
	runtime.ReadMemStats(&after)
	assert.ErrorIs(t, err, ErrReadBody, "a body shorter than its Content-Length is cut")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated for a 10-byte body declaring 64 MiB")

	resp = &http.Response{Body: io.NopCloser(strings.NewReader("0123456789")), ContentLength: 4}
	_, err = ReadBody(resp, 100)
	assert.ErrorIs(t, err, ErrReadBody, "a body longer than its Content-Length")
}

func TestReadBodyAtTheCap(t *testing.T) {
	t.Parallel()
	const max = 8 << 20
	resp := &http.Response{Body: io.NopCloser(bytes.NewReader(make([]byte, max))), ContentLength: -1}
	b, err := ReadBody(resp, max)
	require.NoError(t, err)
	assert.Len(t, b, max)
	assert.LessOrEqual(t, cap(b), max+max/4, "buffer capacity for a body at the cap")
}

func TestReadBody(t *testing.T) {
	t.Parallel()
	resp := &http.Response{Body: io.NopCloser(strings.NewReader("0123456789")), ContentLength: -1}
	b, err := ReadBody(resp, 10)
	require.NoError(t, err)
	assert.Equal(t, "0123456789", string(b))

	resp = &http.Response{Body: io.NopCloser(strings.NewReader("0123456789")), ContentLength: -1}
	_, err = ReadBody(resp, 9)
	assert.ErrorIs(t, err, ErrBodyTooLarge)

	resp = &http.Response{Body: io.NopCloser(strings.NewReader("")), ContentLength: 100}
	_, err = ReadBody(resp, 99)
	assert.ErrorIs(t, err, ErrBodyTooLarge, "refused from Content-Length before reading")

	resp = &http.Response{Body: io.NopCloser(io.MultiReader(strings.NewReader("ab"), errReader{})), ContentLength: -1}
	b, err = ReadBody(resp, 10)
	assert.ErrorIs(t, err, ErrReadBody)
	assert.Equal(t, "ab", string(b))
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }
