package webasyst_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/webasyst"
)

const (
	hexToken = "b936356100e3883cabf59abed991d03d"
	base     = "https://team.example.com/wa"
	endpoint = base + "/api.php/tasks.team.getList"
)

// mockClient answers every request with status and body.
func mockClient(t *testing.T, token string, status int, body string, opts ...webasyst.Option) *webasyst.Client {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, endpoint, httpmock.NewStringResponder(status, body))
	c, err := webasyst.NewClient(base, token, append([]webasyst.Option{webasyst.WithHTTPClient(&http.Client{Transport: mt})}, opts...)...)
	require.NoError(t, err)
	return c
}

// texts is everything an error shows: each error in its Unwrap chain
// under the usual verbs.
func texts(err error) []string {
	var out []string
	queue := []error{err}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		if e == nil {
			continue
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%q", "%x"} {
			out = append(out, fmt.Sprintf(verb, e))
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			queue = append(queue, u.Unwrap())
		case interface{ Unwrap() []error }:
			queue = append(queue, u.Unwrap()...)
		}
	}
	return out
}

// assertNoToken fails if any of texts holds token, in any case, or any
// of the forms it was echoed in.
func assertNoToken(t *testing.T, texts []string, token string, forms ...string) {
	t.Helper()
	for _, s := range texts {
		assert.NotContains(t, strings.ToLower(s), strings.ToLower(token))
		assert.NotContains(t, strings.ToLower(s), hex.EncodeToString([]byte(token)))
		for _, f := range forms {
			assert.NotContains(t, strings.ToLower(s), strings.ToLower(f))
		}
	}
}

func TestClientValueNeverPrintsToken(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]webasyst.Option{nil, {webasyst.WithTokenInQuery()}} {
		c, err := webasyst.NewClient(base, hexToken, opts...)
		require.NoError(t, err)
		var out []string
		for _, v := range []any{c, *c, struct{ C webasyst.Client }{*c}, []webasyst.Client{*c}} {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
				out = append(out, fmt.Sprintf(verb, v))
			}
			var buf bytes.Buffer
			slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "client", v)
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "client", v)
			out = append(out, buf.String())
		}
		assert.Contains(t, out[0], "team.example.com")
		assertNoToken(t, out, hexToken)
	}
}

func TestEchoedTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	const oddToken = "Tok/en+w1th=odd&chars~x"
	everyByte := func(s string, format string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			fmt.Fprintf(&b, format, c)
		}
		return b.String()
	}
	echoes := []struct{ name, token, form string }{
		{"raw", hexToken, hexToken},
		{"upper-case hex", hexToken, strings.ToUpper(hexToken)},
		{"mixed-case hex", hexToken, "B936356100E3883Cabf59abed991d03D"},
		{"URL-escaped every byte", hexToken, everyByte(hexToken, "%%%02X")},
		{"URL-escaped lower-case", hexToken, everyByte(hexToken, "%%%02x")},
		{"JSON \\u-escaped", hexToken, everyByte(hexToken, `\u%04x`)},
		{"odd raw", oddToken, oddToken},
		{"JSON-escaped slash", oddToken, strings.ReplaceAll(oddToken, "/", `\/`)},
		{"query-escaped", oddToken, url.QueryEscape(oddToken)},
		{"path-escaped", oddToken, url.PathEscape(oddToken)},
		{"query-escaped in a JSON-escaped URL", oddToken, strings.ReplaceAll("https://x/?access_token="+url.QueryEscape(oddToken), "/", `\/`)},
		{"HTML entities", oddToken, strings.ReplaceAll(oddToken, "/", "&#x2F;")},
	}
	fields := []struct {
		name, body string
		status     int
	}{
		{"APIError.Code", `{"error":"%s"}`, 401},
		{"APIError.Code with text", `{"error":"bad token %s"}`, 200},
		{"APIError.Code not a string", `{"error":{"token":"%s"}}`, 400},
		{"APIError.Description", `{"error":"invalid_token","error_description":"Invalid access token %s"}`, 401},
		{"APIError.Description from error_message", `{"error":"error","error_message":"SQL near '%s'"}`, 200},
		{"time", `{"data":[{"last_log":{"create_datetime":"%s"}}]}`, 200},
		{"id", `{"data":[{"contact":{"id":"%s"}}]}`, 200},
		{"groups key", `{"data":[{"groups":{"%s":"Developers"}}]}`, 200},
		{"groups list", `{"data":[{"groups":["%s"]}]}`, 200},
		{"truncated JSON", `{"data":[{"contact":{"name":"%s"`, 200},
		{"syntax", `{"data":[%s]}`, 200},
		{"HTML page", `<html><body>Request: /api.php?access_token=%s</body></html>`, 502},
		{"HTML page at the excerpt's cut", strings.Repeat("x", 190) + `%s`, 500},
		{"data with an error status", `{"data":[],"note":"%s"}`, 500},
	}
	for _, e := range echoes {
		for _, f := range fields {
			t.Run(e.name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				c := mockClient(t, e.token, f.status, fmt.Sprintf(f.body, e.form))
				_, err := c.TeamList(context.Background())
				require.Error(t, err)
				assertNoToken(t, texts(err), e.token, e.form)
			})
		}
	}
}

func TestDecodeErrorsNameTheFieldNotTheValue(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"data":[{"last_log":{"create_datetime":"yesterday"}}]}`:   "decoding data[0].last_log.create_datetime: want an RFC 3339 time",
		`{"data":[{"contact":{"id":1}},{"contact":{"id":"five"}}]}`: "decoding data[1].contact.id: want int64, got string",
		`{"data":[{}]}`:                     "decoding data[0].contact.id: want a positive id",
		`{"data":[{"contact":{"id":1.5}}]}`: "decoding data[0].contact.id: want int64, got number",
		`{"data":[{"groups":{"x":"A"}}]}`:   "decoding data[0].groups: want numeric group ids as keys",
		`{"data":[{"groups":7}]}`:           "decoding data[0].groups: want an object of group id to name, [] or null",
		`{"data":{}}`:                       "decoding data: want an array",
		`{"data":[null]}`:                   "decoding data[0]: want a teammate object, got null",
		`{"data":[{"contact":{"id":5}},]}`:  "malformed JSON at byte",
	} {
		_, err := mockClient(t, hexToken, 200, body).TeamList(context.Background())
		var re *webasyst.ResponseError
		require.ErrorAs(t, err, &re, body)
		assert.Contains(t, re.Err.Error(), want, body)
		for _, quoted := range []string{"yesterday", "five", "1.5", `"x"`, "'}'", "','"} {
			assert.NotContains(t, re.Err.Error(), quoted, body, "only the excerpt shows the body")
		}
	}
}

func TestResponseErrorMatchesStatusSentinels(t *testing.T) {
	t.Parallel()
	all := []error{webasyst.ErrUnauthorized, webasyst.ErrForbidden, webasyst.ErrPaymentRequired}
	for status, want := range map[int]error{401: webasyst.ErrUnauthorized, 403: webasyst.ErrForbidden,
		402: webasyst.ErrPaymentRequired, 500: nil, 404: nil} {
		_, err := mockClient(t, hexToken, status, "<html><body>Login required</body></html>").TeamList(context.Background())
		var re *webasyst.ResponseError
		require.ErrorAs(t, err, &re, status)
		for _, s := range all {
			assert.Equal(t, s == want, errors.Is(err, s), "HTTP %d, %v", status, s)
		}
	}
}

func TestNewClientRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"\r\n", "\n", "\r", "\x00", "\t", "\x7f", "\u0085"} {
		token := hexToken[:16] + bad + "X-Injected: 1"
		c, err := webasyst.NewClient(base, token)
		assert.Nil(t, c)
		require.ErrorContains(t, err, "access token contains a control character", "%q", bad)
		assertNoToken(t, texts(err), token, hexToken[:16])

		c, err = webasyst.NewClient(base, hexToken, webasyst.WithUserAgent("importer/1.0"+bad+"X-Injected: 1"))
		assert.Nil(t, c)
		assert.ErrorContains(t, err, "user agent contains a control character", "%q", bad)
	}
}

func TestGroupsKeepTheServersOrder(t *testing.T) {
	t.Parallel()
	body := `{"data":[{"contact":{"id":1},"groups":{"5":"QA","3":"Developers","1":"Administrators"}},{"contact":{"id":2},"groups":[]}]}`
	team, err := mockClient(t, hexToken, 200, body).TeamList(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "QA", team[0].Groups.First())
	assert.Equal(t, []string{"QA", "Developers", "Administrators"}, team[0].Groups.Names())
	assert.Equal(t, webasyst.Groups{{ID: 5, Name: "QA"}, {ID: 3, Name: "Developers"}, {ID: 1, Name: "Administrators"}}, team[0].Groups)
	assert.Empty(t, team[1].Groups)
	assert.Equal(t, "", team[1].Groups.First())
}

// redirectTarget is a plain-http listener that records what reaches it.
type redirectTarget struct {
	*httptest.Server
	mu       sync.Mutex
	received []string
}

func newRedirectTarget(t *testing.T) *redirectTarget {
	rt := &redirectTarget{}
	rt.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rt.mu.Lock()
		rt.received = append(rt.received, fmt.Sprintf("%s %s %v %s", r.Method, r.URL, r.Header, body))
		rt.mu.Unlock()
		_, _ = io.WriteString(w, `{"data":[]}`)
	}))
	t.Cleanup(rt.Close)
	return rt
}

func (rt *redirectTarget) all() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]string(nil), rt.received...)
}

// redirector is an https server that sends every request to target,
// keeping the path and query.
func redirector(t *testing.T, target func() string) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target()+r.URL.RequestURI(), http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRedirectToHTTPNeverCarriesTheToken(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]webasyst.Option{nil, {webasyst.WithTokenInQuery()}} {
		t.Run(fmt.Sprintf("token in query %v", len(opts) > 0), func(t *testing.T) {
			t.Parallel()
			// Another port on the same host.
			plain := newRedirectTarget(t)
			srv := redirector(t, func() string { return plain.URL })
			c, err := webasyst.NewClient(srv.URL, hexToken, append(opts, webasyst.WithHTTPClient(srv.Client()))...)
			require.NoError(t, err)
			_, err = c.TeamList(context.Background())
			require.Error(t, err)
			assertNoToken(t, append(texts(err), plain.all()...), hexToken)

			// The same host name with the default ports, https://example.com
			// to http://example.com, as on a real server.
			plain = newRedirectTarget(t)
			srv = redirector(t, func() string { return "http://example.com" })
			tr := srv.Client().Transport.(*http.Transport).Clone()
			tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				switch addr {
				case "example.com:443":
					addr = srv.Listener.Addr().String()
				case "example.com:80":
					addr = plain.Listener.Addr().String()
				}
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}
			c, err = webasyst.NewClient("https://example.com", hexToken, append(opts, webasyst.WithHTTPClient(&http.Client{Transport: tr}))...)
			require.NoError(t, err)
			_, err = c.TeamList(context.Background())
			require.Error(t, err, "a redirect from https to http is refused")
			assertNoToken(t, append(texts(err), plain.all()...), hexToken)
			assert.Empty(t, plain.all(), "nothing reaches the http listener")
		})
	}
}

// A body of empty objects is not a team, and a team list is bounded, so
// a small body cannot become a huge list.
func TestTeamListIsBounded(t *testing.T) {
	t.Parallel()
	_, err := mockClient(t, hexToken, 200, `{"data":[`+strings.Repeat(`{},`, 1000)+`{}]}`).TeamList(context.Background())
	assert.ErrorContains(t, err, "want a positive id")
	body := `{"data":[` + strings.Repeat(`{"contact":{"id":1}},`, 100_000) + `{"contact":{"id":1}}]}`
	_, err = mockClient(t, hexToken, 200, body).TeamList(context.Background())
	assert.ErrorContains(t, err, "at most 100000 teammates")
}
