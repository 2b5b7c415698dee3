package worksection_test

// Regression tests for the adversarial review (issue "Trust"), one or more
// per numbered finding, all through the public API.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"runtime"
	"strings"
	"sync"
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

// 1. The OAuth token and refresh endpoints follow no redirect at all.
func TestTrustOAuthEndpointsFollowNoRedirect(t *testing.T) {
	t.Parallel()
	elsewhere := newListener(t)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.srv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	ep, err := ws.EndpointAt(redirector.URL)
	require.NoError(t, err)
	cfg := &oauth2.Config{ClientID: "id", ClientSecret: "client-secret-1", Endpoint: ep, RedirectURL: "https://app.example/cb"}

	_, err = ws.Exchange(context.Background(), cfg, "the-code-1")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "client-secret-1")
	assert.NotContains(t, err.Error(), "the-code-1")

	ts := ws.NewTokenSource(context.Background(), cfg, &oauth2.Token{AccessToken: "old", RefreshToken: "refresh-1",
		Expiry: time.Now().Add(-time.Hour)}, nil)
	_, err = ts.Token()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "refresh-1")
	assert.Zero(t, elsewhere.hits.Load(), "neither the secret nor a grant was re-posted elsewhere")

	_, err = ws.EndpointAt("http://worksection.example")
	assert.ErrorContains(t, err, "http is allowed only on loopback")
	_, err = ws.EndpointAt("http://127.0.0.1:8080")
	assert.NoError(t, err)
	cfg.Endpoint.TokenURL = "http://worksection.example/oauth2/token" // built by hand
	_, err = ws.Exchange(context.Background(), cfg, "code")
	assert.ErrorContains(t, err, "must use https")
}

// refreshServer is an OAuth refresh endpoint whose answer the test controls.
type refreshServer struct {
	*httptest.Server
	calls   atomic.Int32
	release chan struct{} // closed to let hanging refreshes answer
	status  int
}

func newRefreshServer(t *testing.T, status int, hang bool) *refreshServer {
	rs := &refreshServer{release: make(chan struct{}), status: status}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.calls.Add(1)
		if hang {
			select {
			case <-rs.release:
			case <-r.Context().Done():
				return
			}
		}
		w.WriteHeader(rs.status)
		if rs.status == http.StatusOK {
			_, _ = w.Write([]byte(`{"token_type":"Bearer","expires_in":86400,"access_token":"new-access","refresh_token":"new-refresh"}`))
		}
	}))
	t.Cleanup(func() {
		select {
		case <-rs.release:
		default:
			close(rs.release)
		}
		rs.Close()
	})
	return rs
}

func (rs *refreshServer) config(t *testing.T) *oauth2.Config {
	ep, err := ws.EndpointAt(rs.URL)
	require.NoError(t, err)
	return &oauth2.Config{ClientID: "id", ClientSecret: "secret", Endpoint: ep}
}

func staleToken() *oauth2.Token {
	return &oauth2.Token{AccessToken: "stale", RefreshToken: "r1", Expiry: time.Now().Add(-time.Minute)}
}

// 2. Each caller's context ends that caller's wait, even while a refresh
// that never answers is in flight; the callers share that one refresh.
func TestTrustRefreshHonoursEachCallersContext(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t, http.StatusOK, true)
	api := worksectiontest.NewServer()
	defer api.Close()
	c, err := ws.NewClient(api.URL, ws.WithTokenSource(ws.NewTokenSource(context.Background(), rs.config(t), staleToken(), nil)),
		ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, 5)
	start := time.Now()
	for i := range errs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, errs[i] = c.GetUsers(ctx)
		})
	}
	wg.Wait()
	assert.Less(t, time.Since(start), 10*time.Second, "callers were not held by the hanging refresh")
	for _, err := range errs {
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	}
	assert.Equal(t, int32(1), rs.calls.Load(), "one refresh shared by all five callers")
}

// 2. A failed refresh is shared by the callers waiting for it, not
// repeated by each in turn; the stored pair is kept for a later try.
func TestTrustFailedRefreshIsSharedAndKeepsThePair(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t, http.StatusBadGateway, true)
	ts := ws.NewTokenSource(context.Background(), rs.config(t), staleToken(), nil)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() { _, errs[i] = ts.Token() })
	}
	// Let every caller join the refresh in flight before it answers.
	require.Eventually(t, func() bool { return rs.calls.Load() == 1 }, 10*time.Second, 5*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	close(rs.release)
	wg.Wait()
	for _, err := range errs {
		require.Error(t, err)
		assert.NotErrorIs(t, err, ws.ErrUnauthorized, "a 502 does not end the grant")
	}
	assert.Equal(t, int32(1), rs.calls.Load())

	rs.status = http.StatusOK // the endpoint recovers: the kept refresh token still works
	tok, err := ts.Token()
	require.NoError(t, err)
	assert.Equal(t, "new-access", tok.AccessToken)
}

// 2. The refresh goes through the HTTP client the SDK was configured with.
func TestTrustRefreshUsesTheClientsHTTPClient(t *testing.T) {
	t.Parallel()
	api := worksectiontest.NewServer()
	defer api.Close()
	cfg := api.OAuthConfig(callback)
	tok := api.NewToken("kate.greenway@acme.example")
	api.ExpireAccessToken(tok.AccessToken)
	var seen []string
	var mu sync.Mutex
	hc := &http.Client{Timeout: 5 * time.Second, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r.URL.Path)
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})}
	c, err := ws.NewClientFromToken(context.Background(), cfg, tok, ws.WithHTTPClient(hc), ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	_, err = c.Me(context.Background())
	require.NoError(t, err)
	assert.Contains(t, seen, "/oauth2/refresh")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// 3. Secrets a server echoes into OAuth errors are masked, in any form.
func TestTrustOAuthErrorsMaskEchoedSecrets(t *testing.T) {
	t.Parallel()
	const secret, code, refresh = "cl/ient+secret", "auth-code-77", "def502/00refresh"
	echo := func(s string) string {
		j, _ := json.Marshal(s)
		return s + " " + strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`) + " " + url.QueryEscape(s)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		all := echo(r.Form.Get("client_secret")) + " " + echo(r.Form.Get("code")) + " " + echo(r.Form.Get("refresh_token"))
		b, _ := json.Marshal(map[string]string{"error": "invalid_client " + all, "errorDescription": "bad: " + all})
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	ep, err := ws.EndpointAt(srv.URL)
	require.NoError(t, err)
	cfg := &oauth2.Config{ClientID: "id", ClientSecret: secret, Endpoint: ep}

	_, exchangeErr := ws.Exchange(context.Background(), cfg, code)
	_, refreshErr := ws.NewTokenSource(context.Background(), cfg, &oauth2.Token{RefreshToken: refresh}, nil).Token()
	for _, err := range []error{exchangeErr, refreshErr} {
		var oe *ws.OAuthError
		require.ErrorAs(t, err, &oe)
		assertNoSecret(t, err, secret, code, refresh)
		assert.Contains(t, oe.Description, "REDACTED")
	}
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

// 4. The HTTP client's own timeout is not the caller cancelling: a read is
// retried, and an invite the server applied before the timeout is found.
func TestTrustClientTimeoutIsRetried(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	// A proxy that applies the first add_user and first get_users, then
	// answers them only after the client has timed out.
	var slowed sync.Map
	upstream, _ := url.Parse(srv.URL)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		httputil.NewSingleHostReverseProxy(upstream).ServeHTTP(rec, r)
		action := r.URL.Query().Get("action")
		if _, seen := slowed.LoadOrStore(action, true); !seen {
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
				return
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	defer proxy.Close()
	c, err := ws.NewClient(proxy.URL, ws.WithAPIKey(srv.APIKey), ws.WithRateLimit(rate.Inf, 0),
		ws.WithHTTPClient(&http.Client{Timeout: 1500 * time.Millisecond}), // far below the 3 s delay, ample for a loaded machine
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: 10 * time.Millisecond, MaxWait: 50 * time.Millisecond}))
	require.NoError(t, err)

	teams, err := c.GetUserGroups(context.Background())
	require.NoError(t, err, "a read that timed out is retried")
	assert.NotEmpty(t, teams)

	u, err := c.AddUser(context.Background(), ws.AddUserParams{Email: "late@example.com"})
	require.NoError(t, err, "the invite applied before the timeout is reported done")
	assert.Equal(t, "late@example.com", u.Email)
	assert.Equal(t, 1, countUsers(srv, "late@example.com"))
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

// 6. AddUser compares emails by ASCII case only: after a fault, an invite
// for "\u212Aate..." (KELVIN SIGN) is not confused with Kate's.
func TestTrustAddUserMatchesEmailsByASCIICaseOnly(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	const kelvin = "\u212Aate.greenway@acme.example"
	srv.Inject("add_user", 1, worksectiontest.DropAfterApply())
	u, err := srv.Client(fastRetry).AddUser(context.Background(), ws.AddUserParams{Email: kelvin})
	require.NoError(t, err)
	assert.Equal(t, kelvin, u.Email, "not Kate")
	assert.Equal(t, 1, countUsers(srv, kelvin))
}

// gateway answers 504 at once and hands the request to the fake after
// delay, as a gateway whose upstream is still working.
func gateway(t *testing.T, srv *worksectiontest.Server, action string, delay time.Duration) (*httptest.Server, *sync.WaitGroup) {
	upstream, _ := url.Parse(srv.URL)
	var once sync.Once
	var late sync.WaitGroup
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit := false
		if r.URL.Query().Get("action") == action {
			once.Do(func() { hit = true })
		}
		if !hit {
			httputil.NewSingleHostReverseProxy(upstream).ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		late.Go(func() {
			time.Sleep(delay)
			req, _ := http.NewRequest(r.Method, srv.URL+r.URL.RequestURI(), bytes.NewReader(body))
			req.Header = r.Header.Clone()
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
		http.Error(w, "<html><h1>504 Gateway Time-out</h1></html>", http.StatusGatewayTimeout)
	}))
	t.Cleanup(gw.Close)
	return gw, &late
}

// 7. AddContact is never resent after a failure that may have been
// applied: one call leaves at most one contact, and the error says the
// contact may still appear.
func TestTrustAddContactNeverDuplicates(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	gw, late := gateway(t, srv, "add_contact", 1500*time.Millisecond)
	c, err := ws.NewClient(gw.URL, ws.WithAPIKey(srv.APIKey), ws.WithRateLimit(rate.Inf, 0),
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: 10 * time.Millisecond, MaxWait: 20 * time.Millisecond}))
	require.NoError(t, err)
	before := len(srv.Contacts())
	_, err = c.AddContact(context.Background(), ws.AddContactParams{Email: "new@example.com", Name: "New Person"})
	require.ErrorIs(t, err, ws.ErrMaybeApplied)
	assert.Contains(t, err.Error(), "may still appear")
	late.Wait()
	assert.Len(t, srv.Contacts(), before+1, "applied once, late, and never sent twice")
}

// 7. After a 503 that was not applied, AddContact does not return an older
// contact with the same email as if it had made it.
func TestTrustAddContactDoesNotReturnAnOlderContact(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	var existing ws.Contact
	for _, ct := range srv.Contacts() {
		if ct.Email != "" {
			existing = ct
			break
		}
	}
	require.NotEmpty(t, existing.Email)
	srv.Inject("add_contact", 1, worksectiontest.ServerError(http.StatusServiceUnavailable))
	_, err := srv.Client(fastRetry).AddContact(context.Background(), ws.AddContactParams{Email: existing.Email, Name: "New Person"})
	require.ErrorIs(t, err, ws.ErrMaybeApplied, "not silently the old contact")
	assert.Equal(t, 1, srv.ActionCount("add_contact"), "never resent")

	// A contact matching every field sent is returned after a drop.
	srv.Inject("add_contact", 1, worksectiontest.DropAfterApply())
	got, err := srv.Client(fastRetry).AddContact(context.Background(), ws.AddContactParams{Email: "drop@example.com", Name: "Drop Ped", Phone: "+1 555"})
	require.NoError(t, err)
	assert.Equal(t, "Drop Ped", got.Name)
	assert.Equal(t, 2, srv.ActionCount("add_contact"))
}

// 9. Memory follows the bytes received, not a declared Content-Length:
// 16 answers declaring 64 MiB and sending 10 bytes cost little.
// Not parallel: it reads the process's allocation counter.
func TestTrustDeclaredLengthCostsNothing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, _ := w.(http.Hijacker)
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 67108864\r\n\r\n{\"status\":")
		_ = buf.Flush()
	}))
	defer srv.Close()
	c, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), ws.WithRateLimit(rate.Inf, 0), ws.WithRetry(ws.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 16 {
		_, err := c.GetUsers(context.Background())
		require.Error(t, err)
	}
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "16 x 64 MiB declared would be 1 GiB")
}

// 10. A huge Retry-After is clamped, not overflowed into a negative wait:
// the client waits MaxWait.
func TestTrustHugeRetryAfterWaitsMaxWait(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "9223372037")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok","data":[]}`))
	}))
	defer srv.Close()
	c, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), ws.WithRateLimit(rate.Inf, 0),
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Second}))
	require.NoError(t, err)
	start := time.Now()
	_, err = c.GetUsers(context.Background())
	require.NoError(t, err)
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, 900*time.Millisecond, "waited MaxWait, not a wrapped-around few ms")
	assert.Less(t, elapsed, 20*time.Second)
}

// 11 and 12. Invalid UTF-8 and header-splitting values are refused before
// any network call, naming the Go field or option.
func TestTrustBadInputRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	for _, c := range []*ws.Client{srv.Client(), srv.Client(ws.WithHMACSigning())} {
		_, err := c.AddUser(context.Background(), ws.AddUserParams{Email: "ok@example.com", Title: "Lead \xff"})
		var ve *ws.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "Title", ve.Field)
	}
	assert.Error(t, ws.AddUserParams{Email: "bad\xff@x.co"}.Validate())
	assert.Empty(t, srv.Requests())

	_, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), ws.WithUserAgent("x\r\nX-Injected: 1"))
	assert.ErrorContains(t, err, "user agent contains control characters")
	_, err = ws.NewClient(srv.URL, ws.WithAccessToken("tok\r\n"))
	assert.ErrorContains(t, err, "access token contains control characters")

	// A token source handing out a bad token: refused at send time, not
	// retried as a transport error, no read-back.
	bad := ws.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok\nX: y"}))
	c, err := ws.NewClient(srv.URL, bad, ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	_, err = c.AddUser(context.Background(), ws.AddUserParams{Email: "ok@example.com"})
	assert.ErrorIs(t, err, ws.ErrInvalidInput)
	assert.Empty(t, srv.Requests())
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

// The dial error of a server that is not there is safe to resend: an
// invite is sent once it connects, never read back first.
func TestTrustRefusedConnectionIsNotAWrite(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now
	c, err := ws.NewClient("http://"+addr, ws.WithAPIKey("k"), ws.WithRateLimit(rate.Inf, 0),
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	require.NoError(t, err)
	_, err = c.AddContact(context.Background(), ws.AddContactParams{Email: "a@example.com", Name: "A"})
	require.Error(t, err)
	assert.NotErrorIs(t, err, ws.ErrMaybeApplied, "a refused connection never reached the server")
}

// Hostile or careless input gives an error, never a panic.
func TestTrustNoPanics(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()

	nilToken := ws.WithTokenSource(tokenFunc(func() (*oauth2.Token, error) { return nil, nil }))
	c, err := ws.NewClient(srv.URL, nilToken, ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	_, err = c.GetUsers(context.Background())
	assert.ErrorContains(t, err, "no access token")

	_, err = srv.Client().GetUsers(nil) //lint:ignore SA1012 a nil context is the point
	assert.ErrorIs(t, err, ws.ErrInvalidInput)

	_, err = ws.Exchange(context.Background(), nil, "code")
	assert.Error(t, err)
	_, err = ws.NewTokenSource(context.Background(), nil, staleToken(), nil).Token()
	assert.Error(t, err)

	// expires_in far past any real lifetime does not wrap into the past.
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"access_token":"a","refresh_token":"r","expires_in":1e300}`))
	}))
	defer huge.Close()
	ep, err := ws.EndpointAt(huge.URL)
	require.NoError(t, err)
	tok, err := ws.Exchange(context.Background(), &oauth2.Config{Endpoint: ep}, "code")
	require.NoError(t, err)
	assert.True(t, tok.Expiry.After(time.Now()), "expiry %v", tok.Expiry)
}

// Findings of a second, independent red-team review.

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

// A body of empty objects is not a list of members: each record must
// name its id, so a small (or gzip-compressed) body cannot become a huge
// list.
func TestTrustEmptyRecordsAreRefused(t *testing.T) {
	t.Parallel()
	body := `{"status":"ok","data":[` + strings.Repeat(`{},`, 100_000) + `{}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write([]byte(body))
		_ = zw.Close()
	}))
	defer srv.Close()
	c, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), ws.WithRateLimit(rate.Inf, 0), ws.WithRetry(ws.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	users, err := c.GetUsers(context.Background())
	var re *ws.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), "with id")
	assert.Nil(t, users)
}

// A server's Retry-After slows the client no longer than MaxWait, for the
// call that got it and for the calls after it.
func TestTrustRetryAfterCannotFreezeTheClient(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "9223372037")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok","data":[]}`))
	}))
	defer srv.Close()
	c, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), // the built-in limiter, 1 request/second
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: 100 * time.Millisecond, MaxWait: 300 * time.Millisecond}))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = c.GetUsers(ctx)
	require.NoError(t, err, "retried after MaxWait, not a day later")
	_, err = c.GetUsers(ctx)
	require.NoError(t, err, "and the next call is not held either")
}

// A write answered with a redirect (303 See Other after a POST says it was
// done) may have been applied: never followed, never resent, read back.
func TestTrustWriteAnsweredWithARedirect(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	upstream, _ := url.Parse(srv.URL)
	var once sync.Once
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirect := false
		if r.URL.Query().Get("action") == "add_contact" {
			once.Do(func() { redirect = true })
		}
		if !redirect {
			httputil.NewSingleHostReverseProxy(upstream).ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder() // apply it, then answer 303
		httputil.NewSingleHostReverseProxy(upstream).ServeHTTP(rec, r)
		http.Redirect(w, r, "/done", http.StatusSeeOther)
	}))
	defer proxy.Close()
	c, err := ws.NewClient(proxy.URL, ws.WithAPIKey(srv.APIKey), ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	ct, err := c.AddContact(context.Background(), ws.AddContactParams{Email: "seen@example.com", Name: "See Other"})
	require.NoError(t, err, "read back and found")
	assert.Equal(t, "seen@example.com", ct.Email)
	assert.Equal(t, 1, srv.ActionCount("add_contact"), "never resent")
}

// An invite answered "ok" with another member, or with none, is not
// reported as this invite.
func TestTrustInviteAnswerMustNameTheInvitee(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{`{}`, `{"id":"5","email":"other@example.com"}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("action") == "add_user" {
				_, _ = w.Write([]byte(`{"status":"ok","data":` + answer + `}`))
				return
			}
			_, _ = w.Write([]byte(`{"status":"ok","data":[{"id":"5","email":"other@example.com"}]}`))
		}))
		c, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), ws.WithRateLimit(rate.Inf, 0),
			ws.WithRetry(ws.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		u, err := c.AddUser(context.Background(), ws.AddUserParams{Email: "me@example.com"})
		assert.ErrorIs(t, err, ws.ErrMaybeApplied, answer)
		assert.Nil(t, u)
		_, err = c.AddContact(context.Background(), ws.AddContactParams{Email: "me@example.com", Name: "Me"})
		assert.ErrorIs(t, err, ws.ErrMaybeApplied, answer)
		srv.Close()
	}
}

// A server that echoes part of a token, or the token in base64, gives
// none of it away.
func TestTrustPartialAndBase64EchoesMasked(t *testing.T) {
	t.Parallel()
	const token = "tok-SECRETSECRETSECRETSECRET-0123456789"
	for _, echo := range []string{token[:20] + "...", base64.StdEncoding.EncodeToString([]byte(token))} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"status":"error","status_code":2,"message":"token ` + echo + ` invalid","message_details":"` + echo + `"}`))
		}))
		c, err := ws.NewClient(srv.URL, ws.WithAccessToken(token), ws.WithRateLimit(rate.Inf, 0))
		require.NoError(t, err)
		_, err = c.GetUsers(context.Background())
		require.Error(t, err)
		assertNoSecret(t, err, echo, token[:16])
		srv.Close()
	}
}

// Nil arguments are errors, never panics.
func TestTrustNilArguments(t *testing.T) {
	t.Parallel()
	_, err := ws.NewClient("https://acme.worksection.com", ws.WithTokenSource((*ws.TokenSource)(nil)))
	assert.ErrorContains(t, err, "nil token source")
	_, err = ws.NewSharedTokenSource(context.Background(), &oauth2.Config{}, nil).Token()
	assert.ErrorContains(t, err, "nil token store")
	//lint:ignore SA1012 a nil context is the point
	_, err = ws.Exchange(nil, &oauth2.Config{}, "code")
	assert.ErrorContains(t, err, "nil context")
	//lint:ignore SA1012 a nil context is the point
	assert.NotNil(t, ws.NewTokenSource(nil, &oauth2.Config{}, nil, nil))
}

// Findings of the second review.

// Records need a usable id, a list answer needs data, and memory for a
// list of tiny records is bounded by the list cap.
func TestTrustListAnswersMustHoldRecords(t *testing.T) {
	t.Parallel()
	for _, data := range []string{`[{"id":null}]`, `[{"id":""}]`, `[{"id":"  "}]`, ``} {
		body := `{"status":"ok"` + map[bool]string{true: `,"data":` + data, false: ``}[data != ""] + `}`
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }))
		c, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), ws.WithRateLimit(rate.Inf, 0), ws.WithRetry(ws.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		users, err := c.GetUsers(context.Background())
		assert.Error(t, err, body)
		assert.Nil(t, users, body)
		srv.Close()
	}
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

// Typed nils are errors too.
func TestTrustTypedNils(t *testing.T) {
	t.Parallel()
	_, err := ws.NewClient("https://acme.worksection.com", ws.WithAPIKey("k"), ws.WithLimiter((*rate.Limiter)(nil)))
	assert.ErrorContains(t, err, "nil limiter")
	var store *ws.FileTokenStore
	_, err = store.Load(context.Background())
	assert.Error(t, err)
}

// A short piece of a token echoed from anywhere inside it is withheld.
func TestTrustShortPartialEcho(t *testing.T) {
	t.Parallel()
	const token = "tok-0123456789abcdefghijklmnopqrstuvwxyz"
	echo := token[1:12] // 11 bytes from an odd offset
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"status":"error","message":"bad token ` + echo + `"}`))
	}))
	defer srv.Close()
	c, err := ws.NewClient(srv.URL, ws.WithAccessToken(token), ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	_, err = c.GetUsers(context.Background())
	require.Error(t, err)
	assertNoSecret(t, err, echo)
}

// A refresh answer with a header-splitting token is refused, never saved.
func TestTrustRefreshedTokenWithControlCharacters(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"access_token":"a\r\nX-Injected: 1","refresh_token":"r2","expires_in":3600}`))
	}))
	defer srv.Close()
	ep, err := ws.EndpointAt(srv.URL)
	require.NoError(t, err)
	saved := 0
	ts := ws.NewTokenSource(context.Background(), &oauth2.Config{Endpoint: ep}, staleToken(), func(*oauth2.Token) error { saved++; return nil })
	_, err = ts.Token()
	assert.Error(t, err)
	assert.Zero(t, saved)
}
