package worksection

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

const (
	testKey     = "7776461cd931e7b1c8e9632ff8e979ce"
	testToken   = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test-access-token"
	testAccount = "https://acme.worksection.com"
	adminURL    = testAccount + "/api/admin/v2/"
	userURL     = testAccount + "/api/oauth2"
	hmacURL     = testAccount + "/api/admin/v2"
)

// recorder keeps the requests a mock transport received.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) add(req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
}

func (r *recorder) all() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...)
}

func (r *recorder) last(t *testing.T) *http.Request {
	t.Helper()
	all := r.all()
	require.NotEmpty(t, all, "no request was sent")
	return all[len(all)-1]
}

// newMockClient returns a client on a fresh mock transport with the rate
// limiter and retries off; opts come last and win.
func newMockClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := newTransport(t)
	base := []Option{WithAPIKey(testKey), WithHTTPClient(&http.Client{Transport: mt}),
		WithRateLimit(rate.Inf, 0), WithRetry(RetryPolicy{MaxAttempts: 1})}
	c, err := NewClient(testAccount, append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// newTransport returns a fresh mock transport that fails the test on any
// request nobody registered for.
func newTransport(t *testing.T) *httpmock.MockTransport {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request %s %s", req.Method, req.URL.Path)
		return nil, errors.New("no responder")
	})
	return mt
}

// respond answers every request to method+url with status and body, and
// records what it received.
func respond(mt *httpmock.MockTransport, method, url string, status int, body string) *recorder {
	rec := &recorder{}
	mt.RegisterResponder(method, url, func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		return httpmock.NewStringResponse(status, body), nil
	})
	return rec
}

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

func ptr[T any](v T) *T { return &v }

func assertRequest(t *testing.T, req *http.Request, method, rawQuery string) {
	t.Helper()
	assert.Equal(t, method, req.Method)
	assert.Equal(t, "acme.worksection.com", req.URL.Host)
	assert.Equal(t, "/api/admin/v2/", req.URL.Path)
	assert.Equal(t, rawQuery, req.URL.RawQuery)
	assert.Equal(t, "worksection-go/"+Version, req.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", req.Header.Get("Accept"))
	assert.Empty(t, req.Header.Get("Authorization"))
	if req.Body != nil && req.Body != http.NoBody {
		n, _ := req.Body.Read(make([]byte, 1))
		assert.Zero(t, n, "body must be empty")
	}
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}
