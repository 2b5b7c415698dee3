package worksection_test

import (
	"context"
	"fmt"
	"net"
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

// TestWritesHappenExactlyOnce plays each fault 1, 2 and 3 times in a row
// (3 attempts allowed) into AddUser and AddContact, and checks the outcome
// the action's retry class promises: never two records, success only when
// there is exactly one, and every error either a refusal or ErrMaybeApplied.
func TestWritesHappenExactlyOnce(t *testing.T) {
	t.Parallel()
	faults := map[string]struct {
		fault   worksectiontest.Fault
		applied bool // the fault lets the action through
		refusal bool // refused before processing: safe to resend
	}{
		"500":       {fault: worksectiontest.ServerError(500)},
		"503":       {fault: worksectiontest.ServerError(503)},
		"429":       {fault: worksectiontest.TooManyRequests(0), refusal: true},
		"html":      {fault: worksectiontest.HTMLPage()},
		"truncated": {fault: worksectiontest.TruncatedBody(), applied: true},
		"dropped":   {fault: worksectiontest.DropAfterApply(), applied: true},
		"timeout":   {fault: worksectiontest.Delay(5 * time.Second)},
	}
	for name, f := range faults {
		for times := 1; times <= 3; times++ {
			t.Run(fmt.Sprintf("%s x%d", name, times), func(t *testing.T) {
				t.Parallel()
				srv := worksectiontest.NewServer()
				defer srv.Close()
				// A second is ample for an answer on loopback, also on a
				// loaded machine, and far below the 5 s delay fault.
				c := srv.Client(fastRetry, ws.WithHTTPClient(&http.Client{Timeout: time.Second}))
				email := "once@example.com"
				count := func(emails []string) int {
					n := 0
					for _, e := range emails {
						if e == email {
							n++
						}
					}
					return n
				}

				// add_user is resent (the server refuses a duplicate member)
				// and read back, so it succeeds unless every attempt was
				// refused or failed unapplied.
				srv.Inject("add_user", times, f.fault)
				u, err := c.AddUser(context.Background(), ws.AddUserParams{Email: email, FirstName: "Once"})
				members := count(userEmails(srv.Users()))
				switch {
				case times < 3 || f.applied:
					require.NoError(t, err)
					assert.Equal(t, email, u.Email)
					assert.Equal(t, 1, members, "success means exactly one member")
				case f.refusal:
					assert.ErrorIs(t, err, ws.ErrRateLimited)
					assert.Zero(t, members)
				default:
					assert.ErrorIs(t, err, ws.ErrMaybeApplied)
					assert.Zero(t, members)
				}

				// add_contact is never resent once an attempt may have
				// reached the server; only a refusal is resent.
				srv.Inject("add_contact", times, f.fault)
				ct, err := c.AddContact(context.Background(), ws.AddContactParams{Email: email, Name: "Once Only"})
				contacts := count(contactEmails(srv.Contacts()))
				switch {
				case f.applied || f.refusal && times < 3:
					require.NoError(t, err)
					assert.Equal(t, email, ct.Email)
					assert.Equal(t, 1, contacts, "success means exactly one contact")
				case f.refusal:
					assert.ErrorIs(t, err, ws.ErrRateLimited)
					assert.Zero(t, contacts)
				default:
					assert.ErrorIs(t, err, ws.ErrMaybeApplied)
					assert.Zero(t, contacts)
					// Never resent. Under load the client's timeout can end the
					// one attempt before it reaches the server, so at most one.
					assert.LessOrEqual(t, srv.ActionCount("add_contact"), 1, "never resent")
				}
			})
		}
	}
}

func userEmails(users []ws.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Email
	}
	return out
}

func contactEmails(contacts []ws.Contact) []string {
	out := make([]string, len(contacts))
	for i, c := range contacts {
		out[i] = c.Email
	}
	return out
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
