package worksection_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

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
