package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
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
