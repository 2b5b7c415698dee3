package worksection_test

import (
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
)

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
