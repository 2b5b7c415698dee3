package worksection_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func newLoopbackServer(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

// fastRetry keeps fault tests quick: three attempts, millisecond waits.
var fastRetry = ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})

const callback = "http://127.0.0.1:9999/callback"

// listener records whatever reaches it; a request here is a leak.
type listener struct {
	srv  *httptest.Server
	hits atomic.Int32
	seen atomic.Value // string: the last request's URL and headers
}

func newListener(t *testing.T) *listener {
	l := &listener{}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		l.seen.Store(fmt.Sprint(r.URL, r.Header, string(body)))
		_, _ = w.Write([]byte(`{"access_token":"stolen","refresh_token":"stolen","expires_in":3600}`))
	}))
	t.Cleanup(l.srv.Close)
	return l
}

func staleToken() *oauth2.Token {
	return &oauth2.Token{AccessToken: "stale", RefreshToken: "r1", Expiry: time.Now().Add(-time.Minute)}
}

// assertNoSecret checks every error in err's chain, printed every way.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	var out strings.Builder
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, verb := range []string{"%v", "%+v", "%#v", "%q"} {
			fmt.Fprintf(&out, verb+"\n", e)
		}
	}
	low := strings.ToLower(out.String())
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s), strings.ReplaceAll(s, "/", `\/`)} {
			if strings.Contains(low, strings.ToLower(form)) {
				t.Errorf("secret %.4s... leaked in %T", s, err)
			}
		}
	}
}

func countUsers(srv *worksectiontest.Server, email string) int {
	n := 0
	for _, u := range srv.Users() {
		if u.Email == email {
			n++
		}
	}
	return n
}

// dueToken is a token the fake accepts that is due for refresh and too
// close to its expiry to be sent while the refresh runs: callers wait for
// the refresh.
func dueToken(srv *worksectiontest.Server) *oauth2.Token {
	tok := srv.NewToken("john.smith@acme.example")
	tok.Expiry = time.Now().Add(5 * time.Second)
	return tok
}

// slowRefresh delays every refresh request by d before it reaches the
// server, as a slow refresh endpoint would, and counts them.
type slowRefresh struct {
	d time.Duration
}

func (s slowRefresh) RoundTrip(req *http.Request) (*http.Response, error) {
	if filepath.Base(req.URL.Path) == "refresh" {
		time.Sleep(s.d)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// slowCtx makes the token sources refresh through slowRefresh.
func slowCtx(d time.Duration) context.Context {
	return context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: slowRefresh{d}})
}
