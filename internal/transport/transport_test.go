package transport

import (
	"errors"
	"io"
	"net/http"
	"net/url"
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

func TestRedactor(t *testing.T) {
	t.Parallel()
	r := Redactor{"s3cret"}
	assert.Equal(t, "a?hash=REDACTED&x=1 access_token=REDACTED REDACTED", r.Text("a?hash=abc&x=1 access_token=tok s3cret"))
	err := r.Err(&url.Error{Op: "Get", URL: "https://h/?access_token=tok", Err: errors.New("boom s3cret")})
	assert.Equal(t, `Get "https://h/?access_token=REDACTED": boom REDACTED`, err.Error())
	var ue *url.Error
	assert.ErrorAs(t, err, &ue)
	body := []byte(strings.Repeat("a", 198) + "s3cret")
	assert.Equal(t, strings.Repeat("a", 198)+"RE", Excerpt(body, r), "masked before cutting")
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
