package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/storedtoken"
	"github.com/worksection-go/worksection/worksectiontest"
)

// slowRefresh holds every refresh request until release is closed, as a
// slow refresh endpoint would, and tells started when one arrives.
type slowRefresh struct {
	started chan struct{}
	release chan struct{}
}

func newSlowRefresh() *slowRefresh {
	return &slowRefresh{started: make(chan struct{}, 10), release: make(chan struct{})}
}

func (s *slowRefresh) RoundTrip(req *http.Request) (*http.Response, error) {
	if filepath.Base(req.URL.Path) == "refresh" {
		s.started <- struct{}{}
		<-s.release
	}
	return http.DefaultTransport.RoundTrip(req)
}

// loggedIn signs h in to srv and leaves the saved token with life left,
// returning it.
func loggedIn(t *testing.T, h *harness, srv *worksectiontest.Server, life time.Duration) string {
	t.Helper()
	h.env = map[string]string{envClientID: srv.ClientID, envClientSecret: srv.ClientSecret, envOAuthURL: srv.URL}
	require.Equal(t, 0, h.run("login").code)
	tok, err := storedtoken.Unmarshal(readSecret(t, h, "default"))
	require.NoError(t, err)
	tok.Expiry = time.Now().Add(life)
	putToken(t, h, "default", tok)
	return tok.RefreshToken
}

// A command that finishes while the token's background refresh runs
// waits for the rotated pair to be saved before it returns.
func TestRunSavesTheRotatedTokenBeforeItReturns(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	old := loggedIn(t, h, srv, 50*time.Second) // in its last minute: served while it is refreshed
	slow := newSlowRefresh()
	h.options = []ws.Option{ws.WithHTTPClient(&http.Client{Transport: slow})}
	go func() {
		<-slow.started
		time.Sleep(300 * time.Millisecond) // the command is done by now
		close(slow.release)
	}()

	r := h.run("users", "list")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "john.smith@acme.example", "the command ran on the still-valid token")
	saved, err := storedtoken.Unmarshal(readSecret(t, h, "default"))
	require.NoError(t, err)
	assert.True(t, old != saved.RefreshToken, "the rotated pair was saved before Run returned")
	assert.Equal(t, 1, srv.RefreshCount())
	assert.Equal(t, 0, h.run("users", "list").code, "and the next run signs in with it")
}

// The first signal cancels the command, which still waits for the renewal
// to be saved before Main returns 130 after SIGINT, 143 after SIGTERM (the
// second signal is tested with the built binary).
func TestMainWaitsForTheRenewalAfterASignal(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	for sig, want := range map[os.Signal]int{syscall.SIGINT: exitInterrupted, syscall.SIGTERM: exitTerminated} {
		h := newHarness(t, nil)
		old := loggedIn(t, h, srv, -time.Minute) // expired: the command waits for the refresh
		slow := newSlowRefresh()
		h.options = []ws.Option{ws.WithHTTPClient(&http.Client{Transport: slow})}
		sigs := make(chan os.Signal, 2)
		go func() {
			<-slow.started
			sigs <- sig
			time.Sleep(500 * time.Millisecond)
			close(slow.release)
		}()
		var stdout, stderr strings.Builder
		code := Main(h.environ(&stdout, &stderr), []string{"users", "list"}, sigs, func(code int) {
			t.Errorf("one signal forced the exit (%d)", code)
		})
		assert.Equal(t, want, code, sig)
		assert.Contains(t, stderr.String(), "worksection: interrupted\n")
		saved, err := storedtoken.Unmarshal(readSecret(t, h, "default"))
		require.NoError(t, err)
		assert.True(t, old != saved.RefreshToken, "the rotated pair was saved")
	}
}
