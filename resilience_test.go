package worksection_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

// fastRetry keeps fault tests quick: three attempts, millisecond waits.
var fastRetry = ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})

func TestRetryReadAfter5xx(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_users", 1, worksectiontest.ServerError(503))
	users, err := srv.Client(fastRetry).GetUsers(context.Background())
	require.NoError(t, err)
	assert.Len(t, users, 8)
	assert.Equal(t, 2, srv.ActionCount("get_users"), "one retry")
}

func TestRetryAfterHeaderIsHonoured(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_contacts", 1, worksectiontest.TooManyRequests(time.Second))
	c := srv.Client(ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Second}))
	start := time.Now()
	_, err := c.GetContacts(context.Background())
	require.NoError(t, err)
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, 950*time.Millisecond, "waited for Retry-After: 1")
	assert.Less(t, elapsed, 10*time.Second, "not the backoff cap")
	assert.Equal(t, 2, srv.ActionCount("get_contacts"))
}

func TestRetryAfterIsCapped(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_contacts", 1, worksectiontest.TooManyRequests(time.Hour))
	start := time.Now()
	_, err := srv.Client(fastRetry).GetContacts(context.Background())
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 10*time.Second, "an hour's Retry-After is capped at MaxWait (5 ms)")
}

func TestPersistentFaultsGiveClearErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault worksectiontest.Fault
		want  []string
	}{
		{"html 502", worksectiontest.HTMLPage(), []string{"worksection: get_users: HTTP 502: Bad Gateway", "<html>"}},
		{"truncated", worksectiontest.TruncatedBody(), []string{"worksection: get_users: HTTP 200", "unexpected EOF"}},
		{"503", worksectiontest.ServerError(503), []string{"worksection: get_users: HTTP 503"}},
		{"429", worksectiontest.TooManyRequests(0), []string{"worksection: get_users: HTTP 429"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := worksectiontest.NewServer()
			defer srv.Close()
			srv.Inject("get_users", 3, tc.fault)
			_, err := srv.Client(fastRetry).GetUsers(context.Background())
			var re *ws.ResponseError
			require.ErrorAs(t, err, &re)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Equal(t, 3, srv.ActionCount("get_users"), "all attempts used")
		})
	}
}

func TestNotRetried(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client(fastRetry)
	err := c.Subscribe(context.Background(), ws.SubscribeParams{TaskID: "999", Email: "yuki.tanaka@acme.example"})
	require.Error(t, err)
	assert.Equal(t, 1, srv.ActionCount("subscribe"), "API errors are final")

	srv.Inject("get_users", 1, worksectiontest.ServerError(501))
	_, err = c.GetUsers(context.Background())
	require.Error(t, err)
	assert.Equal(t, 1, srv.ActionCount("get_users"), "501 Not Implemented is final")
}

func TestTooManyRequestsEnvelopeRetried(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer(worksectiontest.WithRateLimit(200 * time.Millisecond))
	defer srv.Close()
	c := srv.Client(ws.WithRetry(ws.RetryPolicy{MaxAttempts: 5, MinWait: 100 * time.Millisecond, MaxWait: 400 * time.Millisecond}))
	_, err := c.GetUsers(context.Background())
	require.NoError(t, err)
	_, err = c.GetUserGroups(context.Background()) // refused at first, then let through
	require.NoError(t, err)
	outcomes := ""
	for _, r := range srv.Requests() {
		outcomes += r.Outcome + ";"
	}
	assert.Contains(t, outcomes, "Too many requests;")
	assert.True(t, strings.HasSuffix(outcomes, "ok;"))
}

func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_users", 1, worksectiontest.ServerError(503))
	c := srv.Client(ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: 10 * time.Second, MaxWait: 10 * time.Second}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.GetUsers(ctx); done <- err }()
	require.Eventually(t, func() bool { return srv.ActionCount("get_users") == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond) // now in the backoff wait
	cancel()
	cancelled := time.Now()
	select {
	case err := <-done:
		assert.Less(t, time.Since(cancelled), 5*time.Second, "well before the 10 s backoff ends")
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(8 * time.Second):
		t.Fatal("GetUsers did not return after cancel")
	}
}

// TestWritesHappenExactlyOnce injects every fault into add_user and
// add_contact, once, twice and three times, and checks the fake holds the
// record once when the call succeeds and at most once when it fails.
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

func TestDroppedInviteReturnsTheUser(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("add_user", 1, worksectiontest.DropAfterApply())
	u, err := srv.Client(fastRetry).AddUser(context.Background(), ws.AddUserParams{Email: "ada@example.com", FirstName: "Ada"})
	require.NoError(t, err)
	assert.Equal(t, "ada@example.com", u.Email)
	assert.Equal(t, "Ada", u.FirstName)
	assert.Equal(t, 2, srv.ActionCount("add_user"), "sent again: the server refuses a duplicate member")
	assert.Equal(t, "User already exists", srv.Requests()[1].Outcome)
	assert.Equal(t, 1, srv.ActionCount("get_users"), "read back once, after the refused duplicate")
	n := 0
	for _, x := range srv.Users() {
		if x.Email == "ada@example.com" {
			n++
		}
	}
	assert.Equal(t, 1, n)
}

func TestRateLimiterHonoursContext(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client(ws.WithRateLimit(1, 1)) // the documented default
	_, err := c.GetUsers(context.Background())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.GetUsers(ctx) // the next token is a second away
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rate limiter")
	assert.Equal(t, 1, srv.ActionCount("get_users"), "nothing sent while waiting")
}

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

func TestHostileValuesArriveExactly(t *testing.T) {
	t.Parallel()
	values := []string{
		"x&action=add_user", "a=b", "#fragment", "100% off", "1+1", "line\nbreak\r\n", "nul\x00byte",
		"\u202eRTL override\u202c", "emoji 🎉👩‍💻", "semi;colon", "quote\"'`", "tab\there", " leading and trailing ",
		"percent %41 literal", "ünïcödé ß", "back\\slash", "<script>alert(1)</script>",
	}
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client()
	for i, v := range values {
		p := ws.AddContactParams{Email: fmt.Sprintf("h%d@example.com", i), Name: "Hostile " + v, Title: v, Address: v, Phone: v}
		_, err := c.AddContact(context.Background(), p)
		require.NoError(t, err, "%q", v)
		got := srv.Requests()[len(srv.Requests())-1]
		assert.Equal(t, "add_contact", got.Action, "a value cannot replace the action: %q", v)
		assert.Equal(t, []string{v}, got.Params["title"], "%q", v)
		assert.Equal(t, []string{v}, got.Params["address"], "%q", v)
		assert.Equal(t, []string{"Hostile " + v}, got.Params["name"], "%q", v)
		assert.Len(t, got.Params, 5, "no parameter added by %q", v)
	}
}

func TestLongValues(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Ж&=+ ", 2048) // 10 KB before encoding
	srv := worksectiontest.NewServer()
	defer srv.Close()

	_, err := srv.Client().AddContact(context.Background(), ws.AddContactParams{Email: "l@example.com", Name: "Long", Address: long})
	require.ErrorIs(t, err, ws.ErrInvalidInput, "md5 signing covers only the URL, so a long URL is refused")
	assert.Contains(t, err.Error(), "the API refuses more than 8192")
	assert.Empty(t, srv.Requests(), "refused before sending")

	c := srv.Client(ws.WithHMACSigning())
	_, err = c.AddContact(context.Background(), ws.AddContactParams{Email: "l@example.com", Name: "Long", Address: long})
	require.NoError(t, err)
	got := srv.Requests()[0]
	assert.Equal(t, worksectiontest.AuthHMAC, got.Auth)
	assert.Equal(t, []string{long}, got.Params["address"], "sent in a JSON body, received exactly")
}

func FuzzQueryRoundTrip(f *testing.F) {
	for _, s := range []string{"plain", "x&action=add_user", "a=b&hash=0", "%zz", "+ +", "\x00\n\r", "🎉"} {
		f.Add(s, s+"!")
	}
	srv := worksectiontest.NewServer()
	f.Cleanup(srv.Close)
	c := srv.Client()
	f.Fuzz(func(t *testing.T, title, address string) {
		if strings.TrimSpace(title) == "" || len(title)+len(address) > 2000 || !utf8.ValidString(title) {
			t.Skip()
		}
		_, err := c.AddContactGroup(context.Background(), ws.AddContactGroupParams{Title: title})
		require.NoError(t, err, "the fake's own verifier accepts the signature for %q", title)
		reqs := srv.Requests()
		got := reqs[len(reqs)-1]
		require.Equal(t, "add_contact_group", got.Action)
		require.Equal(t, []string{title}, got.Params["title"])
		require.Len(t, got.Params, 1)
	})
}

func TestErrorsMatchSentinelsThroughRetries(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_users", 3, worksectiontest.TooManyRequests(0))
	_, err := srv.Client(fastRetry).GetUsers(context.Background())
	assert.True(t, errors.Is(err, ws.ErrRateLimited))
}

// TestLoadSharedClient: 50 goroutines share one Client for 200 mixed calls
// against a fake that refuses anything faster than one request per 5 ms;
// the client's limiter (one per 20 ms) must keep every request admitted,
// and every write must land exactly once.
// TestLoadSharedClient runs 200 calls from 50 goroutines through one
// client against a fake enforcing a rate by arrival time. A loaded machine
// can delay a goroutine between the limiter and the wire, so an occasional
// refusal is allowed (and retried); what must hold is that every call
// succeeds exactly once.
func TestLoadSharedClient(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer(worksectiontest.WithRateLimit(5 * time.Millisecond))
	defer srv.Close()
	c := srv.Client(ws.WithRateLimit(rate.Every(20*time.Millisecond), 1),
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 20, MinWait: time.Millisecond, MaxWait: 50 * time.Millisecond}))
	ctx := context.Background()

	const workers = 50
	var wg sync.WaitGroup
	errs := make(chan error, workers*4)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := fmt.Sprintf("load%d@example.com", w)
			if _, err := c.AddUser(ctx, ws.AddUserParams{Email: email}); err != nil {
				errs <- err
			}
			if err := c.Subscribe(ctx, ws.SubscribeParams{TaskID: "1202", Email: email}); err != nil {
				errs <- err
			}
			if _, err := c.AddContactGroup(ctx, ws.AddContactGroupParams{Title: fmt.Sprintf("Load %d", w%5)}); err != nil {
				errs <- err
			}
			if _, err := c.GetUsers(ctx); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	done, refused := 0, 0
	for _, r := range srv.Requests() {
		switch r.Outcome {
		case "ok":
			done++
		case "Too many requests":
			refused++
		default:
			t.Errorf("%s: %s", r.Action, r.Outcome)
		}
	}
	assert.Equal(t, workers*4, done, "every call done once: none lost, none applied twice")
	t.Logf("%d calls, %d refusals retried", done, refused)
	count := map[string]int{}
	for _, u := range srv.Users() {
		count[u.Email]++
	}
	subs := srv.TaskSubscribers("1202")
	for w := range workers {
		email := fmt.Sprintf("load%d@example.com", w)
		assert.Equal(t, 1, count[email], email)
		assert.Contains(t, subs, email)
	}
	folders := 0
	for _, g := range srv.ContactGroups() {
		if strings.HasPrefix(g.Title, "Load ") {
			folders++
		}
	}
	assert.Equal(t, 5, folders)
}
