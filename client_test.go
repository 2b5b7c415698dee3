package worksection

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, url string
		opts      []Option
		want      string // error substring; "" means success
	}{
		{"ok", "https://acme.worksection.com", []Option{WithAPIKey(testKey)}, ""},
		{"ok slash", "https://acme.worksection.com/", []Option{WithAPIKey(testKey)}, ""},
		{"ok loopback http", "http://127.0.0.1:8080", []Option{WithAPIKey(testKey)}, ""},
		{"ok token", "https://acme.worksection.com", []Option{WithAccessToken(testToken)}, ""},
		{"empty", "", []Option{WithAPIKey(testKey)}, "account URL is empty"},
		{"unparsable", "https://acme worksection.com\x7f", []Option{WithAPIKey(testKey)}, "does not parse"},
		{"no scheme", "acme.worksection.com", []Option{WithAPIKey(testKey)}, "no host"},
		{"http remote", "http://acme.worksection.com", []Option{WithAPIKey(testKey)}, "uses http"},
		{"path", "https://acme.worksection.com/api/admin/v2/", []Option{WithAPIKey(testKey)}, "only scheme and host"},
		{"no creds", "https://acme.worksection.com", nil, "no credentials"},
		{"both creds", "https://acme.worksection.com", []Option{WithAPIKey(testKey), WithAccessToken(testToken)}, "both"},
		{"hmac token", "https://acme.worksection.com", []Option{WithAccessToken(testToken), WithHMACSigning()}, "needs WithAPIKey"},
		{"empty key", "https://acme.worksection.com", []Option{WithAPIKey("")}, "empty API key"},
		{"nil http", "https://acme.worksection.com", []Option{WithAPIKey(testKey), WithHTTPClient(nil)}, "nil HTTP client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tc.url, tc.opts...)
			if tc.want == "" {
				require.NoError(t, err)
				assert.NotNil(t, c)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), testKey)
			assert.NotContains(t, err.Error(), testToken)
		})
	}
}

func TestWithHTTPClientIsCopied(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	c, err := NewClient(testAccount, WithAPIKey(testKey), WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Nil(t, hc.CheckRedirect, "the caller's client is not changed")
	assert.NotSame(t, hc, c.http)
}

func TestClientFormatHidesSecrets(t *testing.T) {
	t.Parallel()
	for _, opt := range []Option{WithAPIKey(testKey), WithAccessToken(testToken)} {
		c, err := NewClient(testAccount, opt)
		require.NoError(t, err)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, c)
			assert.NotContains(t, out, testKey)
			assert.NotContains(t, out, testToken)
			assert.Contains(t, out, "acme.worksection.com")
		}
	}
}

func TestDefaultHTTPClient(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testAccount, WithAPIKey(testKey))
	require.NoError(t, err)
	assert.Equal(t, 30*time.Second, c.http.Timeout)
	tr, ok := c.http.Transport.(*http.Transport)
	require.True(t, ok)
	assert.False(t, tr.DisableKeepAlives)
	assert.NotSame(t, http.DefaultTransport, tr, "no shared global transport")
}

func TestUserAPIPathForAdminActions(t *testing.T) {
	t.Parallel()
	mt := newTransport(t)
	c, err := NewClient(testAccount, WithAccessToken(testToken), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	rec := respond(mt, http.MethodPost, userURL, 200, fixture(t, "add_contact_group.json"))
	_, err = c.AddContactGroup(context.Background(), AddContactGroupParams{Title: "Partners"})
	require.NoError(t, err)
	req := rec.last(t)
	assert.Equal(t, "action=add_contact_group&title=Partners", req.URL.RawQuery, "no hash with a token")
	assert.Equal(t, "Bearer "+testToken, req.Header.Get("Authorization"))
}
