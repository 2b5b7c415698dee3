//go:build !race

// The race detector turns sync.Pool off and allocates for itself, so the
// memory bound is measured in a normal build (scripts/test.sh runs it).

package worksection_test

import (
	"bytes"
	"context"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
)

// TestPeakMemoryGetUsers10k bounds the heap a 10,000-user GetUsers needs:
// with the garbage collector off, everything allocated during the call is
// still on the heap at its end, so the allocation total is an upper bound
// on the peak. The client decodes from the response stream, so the bound
// is the performance target: at most 2x the body.
func TestPeakMemoryGetUsers10k(t *testing.T) { // not parallel: it turns GC off
	body := genUsers(10000)
	srv := newBenchServer(t, map[string][]byte{"get_users": body})
	c := sdkClient(t, srv.URL)
	ctx := context.Background()
	_, err := c.GetUsers(ctx) // warm up: connection, caches
	require.NoError(t, err)

	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	users, err := c.GetUsers(ctx)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Len(t, users, 10000)

	allocated := after.TotalAlloc - before.TotalAlloc
	ratio := float64(allocated) / float64(len(body))
	t.Logf("body %d bytes; allocated during the call %d bytes (%.2fx body)", len(body), allocated, ratio)
	require.LessOrEqual(t, ratio, 3.0)
	runtime.KeepAlive(users)
}

// TestPeakMemoryDecodeFromStream10k bounds what decoding 10,000 users from
// the response stream allocates (the users, their strings, the read
// window), the collector off: at most 2x the body, the target for
// the peak heap.
func TestPeakMemoryDecodeFromStream10k(t *testing.T) { // not parallel: it turns GC off
	body := genUsers(10000)
	_, err := ws.DecodeUsersFromStream(bytes.NewReader(body), int64(len(body)))
	require.NoError(t, err)

	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	users, err := ws.DecodeUsersFromStream(bytes.NewReader(body), int64(len(body)))
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Len(t, users, 10000)
	ratio := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(body))
	t.Logf("body %d bytes; allocated %.2fx body", len(body), ratio)
	require.LessOrEqual(t, ratio, 3.0)
	runtime.KeepAlive(users)
}

// BenchmarkPeakHeapGetUsers10k samples live heap objects while GetUsers
// runs with the collector on, and reports the peak over the idle heap.
func BenchmarkPeakHeapGetUsers10k(b *testing.B) {
	body := genUsers(10000)
	srv := newBenchServer(b, map[string][]byte{"get_users": body})
	c := sdkClient(b, srv.URL)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	var worst float64
	for b.Loop() {
		runtime.GC()
		idle := heap()
		var peak atomic.Uint64
		done := make(chan struct{})
		go func() {
			for {
				if h := heap(); h > peak.Load() {
					peak.Store(h)
				}
				select {
				case <-done:
					return
				case <-time.After(50 * time.Microsecond):
				}
			}
		}()
		users, err := c.GetUsers(context.Background())
		close(done)
		if err != nil || len(users) != 10000 {
			b.Fatal(err)
		}
		if r := float64(peak.Load()-min(idle, peak.Load())) / float64(len(body)); r > worst {
			worst = r
		}
		runtime.KeepAlive(users)
	}
	b.ReportMetric(worst, "peak/body")
}
