package worksection_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestRedirectToAnotherHostRefused(t *testing.T) {
	t.Parallel()
	other := worksectiontest.NewServer()
	defer other.Close()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	redirector := http.NewServeMux()
	redirector.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	})
	rs := newLoopbackServer(t, redirector)
	c, err := ws.NewClient(rs, ws.WithAPIKey(srv.APIKey), fastRetry)
	require.NoError(t, err)
	_, err = c.GetUsers(context.Background())
	require.ErrorContains(t, err, "refused redirect")
	assert.Empty(t, other.Requests(), "the signed request never reached the other host")
}

// 1. No request carrying a credential follows a redirect that changes
// scheme, host or port; the error names the target host, never its query.
func TestTrustRedirectsCarryNoCredentials(t *testing.T) {
	t.Parallel()
	elsewhere := newListener(t)
	for _, tc := range []struct {
		name string
		opts []ws.Option
	}{
		{"md5", []ws.Option{ws.WithAPIKey("k3y-secret")}},
		{"hmac", []ws.Option{ws.WithAPIKey("k3y-secret"), ws.WithHMACSigning()}},
		{"bearer", []ws.Option{ws.WithAccessToken("t0ken-secret")}},
	} {
		for _, target := range []string{
			elsewhere.srv.URL + "/api/admin/v2/?x=1",                        // http, another port
			strings.Replace(elsewhere.srv.URL, "127.0.0.1", "localhost", 1), // another host name
		} {
			// An https account whose server redirects to plain http.
			tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target+"?hash=leak&"+r.URL.RawQuery, http.StatusTemporaryRedirect)
			}))
			c, err := ws.NewClient(tlsSrv.URL, append(tc.opts, ws.WithHTTPClient(tlsSrv.Client()),
				ws.WithRateLimit(rate.Inf, 0), ws.WithRetry(ws.RetryPolicy{MaxAttempts: 2}))...)
			require.NoError(t, err)
			_, err = c.GetUserGroups(context.Background())
			tlsSrv.Close()
			require.Error(t, err, tc.name)
			assert.Contains(t, err.Error(), "refused redirect", tc.name)
			assert.NotContains(t, err.Error(), "leak", "the target's query is not in the error")
			assert.NotContains(t, err.Error(), "secret")
		}
	}
	assert.Zero(t, elsewhere.hits.Load(), "nothing reached the other origin")
}

// A redirect's Location is the server's to fill: a refused or failed
// redirect must not put its path (an echoed hash, token or code) in the
// error.
func TestTrustRedirectLocationNeverInErrors(t *testing.T) {
	t.Parallel()
	for _, opt := range []ws.Option{ws.WithAPIKey("k3y"), ws.WithAPIKey("k3y"), ws.WithAccessToken("t0ken-abcdefgh-12345678")} {
		var echoed atomic.Value
		same := httptest.NewServer(nil)
		same.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			secret := r.URL.Query().Get("hash") + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if strings.HasPrefix(r.URL.Path, "/moved/") { // the followed redirect: drop it
				hj, _ := w.(http.Hijacker)
				conn, _, _ := hj.Hijack()
				_ = conn.Close()
				return
			}
			echoed.Store(secret)
			target := "https://evil.example/x/" + secret + "/y"
			if r.URL.Query().Get("action") == "get_contacts" {
				target = "/moved/" + secret + "/y"
			}
			http.Redirect(w, r, target, http.StatusFound)
		})
		c, err := ws.NewClient(same.URL, opt, ws.WithRateLimit(rate.Inf, 0), ws.WithRetry(ws.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		_, err = c.GetUsers(context.Background())
		require.Error(t, err)
		assertNoSecret(t, err, echoed.Load().(string))
		_, err = c.GetContacts(context.Background())
		require.Error(t, err)
		assertNoSecret(t, err, echoed.Load().(string))
		same.Close()
	}

	// The OAuth endpoints: the code, secret and refresh token in the path.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		http.Redirect(w, r, "https://evil.example/"+r.Form.Get("code")+r.Form.Get("client_secret")+r.Form.Get("refresh_token"), http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	ep, err := ws.EndpointAt(srv.URL)
	require.NoError(t, err)
	cfg := &oauth2.Config{ClientID: "id", ClientSecret: "client-secret-9", Endpoint: ep}
	_, err = ws.Exchange(context.Background(), cfg, "auth-code-9")
	assertNoSecret(t, err, "client-secret-9", "auth-code-9")
	_, err = ws.NewTokenSource(context.Background(), cfg, &oauth2.Token{RefreshToken: "refresh-token-9"}, nil).Token()
	assertNoSecret(t, err, "client-secret-9", "refresh-token-9")
}

// 3. Printing a Client value (not a pointer) or logging it shows no key.
func TestTrustClientValueHidesCredentials(t *testing.T) {
	t.Parallel()
	for _, opt := range []ws.Option{ws.WithAPIKey("k3y-secret-value"), ws.WithAccessToken("t0ken-secret-value")} {
		c, err := ws.NewClient("https://acme.worksection.com", opt)
		require.NoError(t, err)
		value := reflect.ValueOf(c).Elem().Interface() // a copy of *c, as a careless caller would make
		var out bytes.Buffer
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
			fmt.Fprintf(&out, verb, value)
			fmt.Fprintf(&out, verb, c)
		}
		slog.New(slog.NewTextHandler(&out, nil)).Info("client", "value", value, "pointer", c)
		slog.New(slog.NewJSONHandler(&out, nil)).Info("client", "value", value, "pointer", c)
		assert.NotContains(t, out.String(), "secret-value")
		assert.NotContains(t, strings.ToLower(out.String()), fmt.Sprintf("%x", "secret-value"))
	}
}

// 14. Close releases the idle connections a client owns, so clients made
// per user do not pile up goroutines.
func TestTrustCloseReleasesConnections(t *testing.T) {
	srv := worksectiontest.NewServer()
	defer srv.Close()
	base := runtime.NumGoroutine()
	for range 50 {
		c, err := ws.NewClient(srv.URL, ws.WithAPIKey(srv.APIKey), ws.WithRateLimit(rate.Inf, 0))
		require.NoError(t, err)
		_, err = c.GetUserGroups(context.Background())
		require.NoError(t, err)
		require.NoError(t, c.Close())
	}
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= base+10 }, 10*time.Second, 20*time.Millisecond,
		"goroutines left: %d over %d", runtime.NumGoroutine()-base, base)
}

// A password or token a user put in a URL is not repeated in the error.
func TestTrustURLSecretsNotEchoed(t *testing.T) {
	t.Parallel()
	_, err := ws.NewClient("https://admin:hunter2pw@acme.worksection.com", ws.WithAPIKey("k"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2pw")
	_, err = ws.NewClient("http://acme.worksection.com/?access_token=WATOKEN1", ws.WithAPIKey("k"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "WATOKEN1")
}
