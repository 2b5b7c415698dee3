package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/worksection-go/worksection/cmd/worksection/internal/cli"
	"github.com/worksection-go/worksection/internal/storedtoken"
	"github.com/worksection-go/worksection/worksectiontest"
)

// slowOAuth stands in front of the fake's OAuth endpoints and holds each
// refresh until release is closed, telling started when one arrives.
type slowOAuth struct {
	srv     *worksectiontest.Server
	front   *httptest.Server
	started chan struct{}
	release chan struct{}
}

func newSlowOAuth(t *testing.T) *slowOAuth {
	s := &slowOAuth{srv: worksectiontest.NewServer(), started: make(chan struct{}, 10), release: make(chan struct{})}
	target, err := url.Parse(s.srv.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	s.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if filepath.Base(r.URL.Path) == "refresh" {
			s.started <- struct{}{}
			<-s.release
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		select {
		case <-s.release:
		default:
			close(s.release)
		}
		s.front.Close()
		s.srv.Close()
	})
	return s
}

// login signs u in through the in-process tool (the fake approves at once)
// and leaves the saved token with life left; it returns its refresh token.
func (s *slowOAuth) login(t *testing.T, u *user, life time.Duration) string {
	t.Helper()
	var out bytes.Buffer
	env := cli.Env{
		Getenv: func(k string) string {
			return map[string]string{"WORKSECTION_CLIENT_ID": s.srv.ClientID, "WORKSECTION_CLIENT_SECRET": s.srv.ClientSecret,
				"WORKSECTION_OAUTH_URL": s.front.URL}[k]
		},
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out,
		IsTerminal: func(io.Writer) bool { return false },
		ConfigDir:  func() (string, error) { return filepath.Join(u.home, "config"), nil },
		Browse: func(ctx context.Context, url string) {
			if req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil); err == nil {
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			}
		},
	}
	require.Equal(t, 0, cli.Run(context.Background(), env, []string{"login"}), out.String())
	tok := s.saved(t, u)
	tok.Expiry = time.Now().Add(life)
	b, err := storedtoken.Marshal(tok)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(u.configDir(), "secrets", "default"), b, 0o600))
	return tok.RefreshToken
}

func (s *slowOAuth) saved(t *testing.T, u *user) *oauth2.Token {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(u.configDir(), "secrets", "default"))
	require.NoError(t, err)
	tok, err := storedtoken.Unmarshal(b)
	require.NoError(t, err)
	return tok
}

// syncBuffer is a buffer a process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// started is the built tool running in the background.
type started struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	exited         chan int
}

// run runs the built tool as u in the background, with the client secret
// a refresh needs.
func (s *slowOAuth) run(t *testing.T, u *user, args ...string) *started {
	p := &started{cmd: exec.Command(u.bin, args...), exited: make(chan int, 1)}
	p.cmd.Env = append(append([]string(nil), u.env...), "WORKSECTION_CLIENT_SECRET="+s.srv.ClientSecret)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	require.NoError(t, p.cmd.Start())
	go func() {
		_ = p.cmd.Wait()
		p.exited <- p.cmd.ProcessState.ExitCode()
	}()
	return p
}

// stillRunning checks that the process has not exited within d.
func (p *started) stillRunning(t *testing.T, d time.Duration, why string) {
	t.Helper()
	select {
	case code := <-p.exited:
		t.Fatalf("exited (%d) %s; stderr: %s", code, why, p.stderr.String())
	case <-time.After(d):
	}
}

func (p *started) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-p.exited:
		return code
	case <-time.After(60 * time.Second):
		_ = p.cmd.Process.Kill()
		t.Fatal("the tool did not exit")
		return -1
	}
}

// A command that finishes in a saved token's last minute, while its
// background refresh is still unanswered, waits for the rotated pair to be
// saved before the process exits; the next run signs in with it.
func TestExitWaitsForTheRotatedToken(t *testing.T) {
	u := newUser(t, "WORKSECTION_NO_KEYRING=1")
	s := newSlowOAuth(t)
	old := s.login(t, u, 50*time.Second)

	p := s.run(t, u, "users", "list")
	<-s.started
	p.stillRunning(t, 2*time.Second, "before the refresh was answered")
	close(s.release)
	require.Equal(t, 0, p.wait(t), p.stderr.String())
	assert.Contains(t, p.stdout.String(), "john.smith@acme.example", "the command ran on the still-valid token")
	assert.True(t, s.saved(t, u).RefreshToken != old, "the rotated pair is saved")
	assert.Equal(t, 1, s.srv.RefreshCount())
	assert.Equal(t, 0, s.run(t, u, "users", "list").wait(t), "the next run signs in with it")
}

// Ctrl-C while a refresh is in flight: the tool stops the command, waits
// for the rotated pair to be saved, and exits 130.
func TestInterruptWaitsForTheRotatedToken(t *testing.T) {
	u := newUser(t, "WORKSECTION_NO_KEYRING=1")
	s := newSlowOAuth(t)
	old := s.login(t, u, -time.Minute) // expired: the command waits for the refresh

	p := s.run(t, u, "users", "list")
	<-s.started
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	p.stillRunning(t, 2*time.Second, "before the refresh was answered")
	close(s.release)
	assert.Equal(t, 130, p.wait(t), p.stderr.String())
	assert.Contains(t, p.stderr.String(), "worksection: interrupted\n")
	assert.True(t, s.saved(t, u).RefreshToken != old, "the rotated pair is saved")
	assert.Equal(t, 0, s.run(t, u, "users", "list").wait(t), "the next run signs in with it")
}

// A second Ctrl-C exits at once and says what may be lost.
func TestSecondInterruptExitsAtOnce(t *testing.T) {
	u := newUser(t, "WORKSECTION_NO_KEYRING=1")
	s := newSlowOAuth(t)
	old := s.login(t, u, -time.Minute)

	p := s.run(t, u, "users", "list")
	<-s.started
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	require.Eventually(t, func() bool { return strings.Contains(p.stderr.String(), "interrupted") }, 30*time.Second, 20*time.Millisecond)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	assert.Equal(t, 130, p.wait(t), "exits while the refresh is still unanswered")
	assert.Contains(t, p.stderr.String(), "interrupted again: exiting without waiting; a sign-in token renewal in flight may be lost")
	assert.Contains(t, p.stderr.String(), "worksection login")
	assert.True(t, s.saved(t, u).RefreshToken == old, "nothing was saved: the loss the message warns of")
	assert.NotContains(t, p.stdout.String()+p.stderr.String(), old)
}
