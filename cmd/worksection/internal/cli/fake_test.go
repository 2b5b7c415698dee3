package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startFake runs `worksection fake args...` until the test ends and
// returns what it printed.
func startFake(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan result, 1)
	go func() { done <- newHarness(t, nil).runCtx(ctx, &out, append([]string{"fake"}, args...)...) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "worksection login") }, 30*time.Second, 10*time.Millisecond)
	t.Cleanup(func() {
		cancel()
		assert.Equal(t, 0, (<-done).code)
	})
	return out.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

var exportLine = regexp.MustCompile(`(?m)^  export WORKSECTION_ACCOUNT_URL=\S+ WORKSECTION_API_KEY=\S+$`)

// With --port and --key the export line is the same on every run; --empty
// starts with nobody; --rate-limit refuses requests that come too soon.
func TestFakeFlags(t *testing.T) {
	port := strconv.Itoa(freePort(t))
	var first string
	t.Run("first", func(t *testing.T) {
		out := startFake(t, "--port", port, "--key", "k1", "--empty", "--rate-limit", "1h", "--token-ttl", "1m")
		first = exportLine.FindString(out)
		assert.Equal(t, "  export WORKSECTION_ACCOUNT_URL=http://127.0.0.1:"+port+" WORKSECTION_API_KEY=k1", first)
		curl := regexp.MustCompile(`curl '(http://[^']+hash=[0-9a-f]{32})'`).FindStringSubmatch(out)
		require.NotNil(t, curl, out)
		get := func() string {
			resp, err := http.Get(curl[1])
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			return string(b)
		}
		assert.JSONEq(t, `{"status":"ok","data":[]}`, get(), "--empty: no members")
		assert.Contains(t, get(), "Too many requests", "--rate-limit 1h: the second request is refused")
	})
	t.Run("second", func(t *testing.T) {
		out := startFake(t, "--port", port, "--key", "k1")
		assert.Equal(t, first, exportLine.FindString(out), "the same export line")
	})
	var portOnly string
	for _, run := range []string{"port only", "port only again"} {
		t.Run(run, func(t *testing.T) {
			line := exportLine.FindString(startFake(t, "--port", port))
			assert.Equal(t, "  export WORKSECTION_ACCOUNT_URL=http://127.0.0.1:"+port+" WORKSECTION_API_KEY=fake-key-"+port, line)
			if portOnly != "" {
				assert.Equal(t, portOnly, line, "the same export line with --port alone")
			}
			portOnly = line
		})
	}
}

func TestFakeRefusesBadFlags(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	oneErrorLine(t, h.run("fake", "--port", "70000"), "--port 70000")
	oneErrorLine(t, h.run("fake", "--token-ttl", "0s"), "--token-ttl")
	oneErrorLine(t, h.run("fake", "--rate-limit", "soon"), `--rate-limit "soon"`)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	oneErrorLine(t, h.run("fake", "--port", strconv.Itoa(l.Addr().(*net.TCPAddr).Port)), "address already in use")
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestFakeCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan result, 1)
	go func() { done <- h.runCtx(ctx, &out, "fake", "--key", "k123") }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "worksection login") }, 30*1e9, 1e7)
	var url string
	for _, l := range lines(out.String()) {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "export" && strings.HasPrefix(f[1], envAccountURL+"=") {
			url = strings.TrimPrefix(f[1], envAccountURL+"=")
			assert.Equal(t, envAPIKey+"=k123", f[2])
		}
	}
	require.NotEmpty(t, url, out.String())

	client := newHarness(t, nil)
	client.env[envAccountURL], client.env[envAPIKey] = url, "k123"
	r := client.run("teams", "create", "Kept")
	require.Equal(t, 0, r.code, r.stderr)
	r = client.run("teams", "list", "-o", "csv")
	assert.Contains(t, r.stdout, ",Kept,", "state persists across commands")

	cancel()
	res := <-done
	assert.Equal(t, 0, res.code, res.stderr)
}
