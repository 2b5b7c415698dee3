package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer lets the test read output while run writes it.
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

func TestFakeServerCurlLineWorks(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-key", "7776461cd931e7b1c8e9632ff8e979ce"}, &stdout, &stderr) }()

	curl := regexp.MustCompile(`curl '(http://127\.0\.0\.1:\d+/api/admin/v2/\?action=get_users&hash=[0-9a-f]{32})'`)
	var url string
	require.Eventually(t, func() bool {
		if m := curl.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			return true
		}
		return false
	}, 5*time.Second, 10*time.Millisecond)
	assert.Contains(t, stdout.String(), "API key:      7776461cd931e7b1c8e9632ff8e979ce")

	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	var env struct {
		Status string            `json:"status"`
		Data   []json.RawMessage `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
	assert.Equal(t, "ok", env.Status)
	assert.Len(t, env.Data, 8)

	cancel()
	require.NoError(t, <-done)
}

// start runs the fake with args until the test ends and returns its output
// once the URL is printed.
func start(t *testing.T, args ...string) (out, base string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, &stdout, &stderr) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	re := regexp.MustCompile(`(?m)^URL: +(http://127\.0\.0\.1:\d+)$`)
	require.Eventually(t, func() bool {
		m := re.FindStringSubmatch(stdout.String())
		if m != nil && strings.Contains(stdout.String(), "md5 hashes:") {
			base = m[1]
			return true
		}
		return false
	}, 5*time.Second, 10*time.Millisecond)
	return stdout.String(), base
}

func TestFakeServerHashNote(t *testing.T) {
	t.Parallel()
	const key = "7776461cd931e7b1c8e9632ff8e979ce"
	// Hashed over the bytes sent, RFC 3986 style, as many non-PHP clients do.
	q := "action=add_user_group&title=New%20Team"
	sum := md5.Sum([]byte(q + key))
	post := func(base string) string {
		resp, err := http.Post(base+"/api/admin/v2/?"+q+"&hash="+hex.EncodeToString(sum[:]), "", nil)
		require.NoError(t, err)
		defer resp.Body.Close()
		var env struct{ Status, Message string }
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
		return env.Status + " " + env.Message
	}

	out, base := start(t, "-key", key)
	assert.Contains(t, out, "only PHP's form is accepted")
	assert.Contains(t, out, "restart with -lenient-hashes")
	assert.Contains(t, out, "export WORKSECTION_ACCOUNT_URL="+base+" WORKSECTION_API_KEY="+key)
	assert.Equal(t, "error Action hash is missed or invalid", post(base))

	out, base = start(t, "-key", key, "-lenient-hashes", "-rate-limit", "1h")
	assert.Contains(t, out, "are all accepted (-lenient-hashes)")
	assert.Equal(t, "ok ", post(base))
	assert.Equal(t, "error Too many requests", post(base), "-rate-limit")
}

func TestFakeServerHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-h"}, &stdout, &stderr))
	for _, flag := range []string{"-lenient-hashes", "-rate-limit", "-token-ttl", "-key", "-token-for"} {
		assert.Contains(t, stderr.String(), flag)
	}
	assert.Error(t, run(context.Background(), []string{"-bogus"}, &stdout, &stderr))
}
