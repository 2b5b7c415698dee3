package redisstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/internal/redistest"
	"github.com/worksection-go/worksection/redisstore"
	"github.com/worksection-go/worksection/worksectiontest"
)

// report is what one replica printed (redisstore/internal/replica).
type report struct {
	Calls, OK, Failed int
	Errors            []string
	Start, End        time.Time
}

// buildReplica compiles the replica program once per test.
func buildReplica(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the several-processes test builds its replica program with the go command")
	bin := filepath.Join(t.TempDir(), "replica")
	out, err := exec.Command(goBin, "build", "-o", bin, "./internal/replica").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// syncBuffer is a bytes.Buffer the test may read while exec writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

func (b *syncBuffer) String() string { return string(b.Bytes()) }

// replica is one running replica process.
type replica struct {
	cmd    *exec.Cmd
	stdout syncBuffer
	stderr syncBuffer
	done   chan error
}

func startReplica(t *testing.T, bin string, srv *worksectiontest.Server, args ...string) *replica {
	t.Helper()
	r := &replica{cmd: exec.Command(bin, args...), done: make(chan error, 1)}
	r.cmd.Env = append(os.Environ(), "WS_CLIENT_ID="+srv.ClientID, "WS_CLIENT_SECRET="+srv.ClientSecret)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	require.NoError(t, r.cmd.Start())
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
	})
	return r
}

// wait waits for the replica to exit and decodes its report.
func (r *replica) wait(t *testing.T) report {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		require.NoError(t, err, "replica failed: %s", r.stderr.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("replica did not finish; stderr: %s", r.stderr.String())
	}
	var rep report
	require.NoError(t, json.Unmarshal(r.stdout.Bytes(), &rep), "replica output: %q", r.stdout.String())
	return rep
}

// expirer plays a server that ends access tokens early, unknown to the
// client: it expires each stored token once it has been stored for
// period, and counts the expiries.
type expirer struct {
	mu       sync.Mutex
	expiries int
	stop     chan struct{}
	done     chan struct{}
}

func startExpirer(srv *worksectiontest.Server, store *redisstore.TokenStore, period time.Duration) *expirer {
	e := &expirer{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(e.done)
		var cur string
		var seen time.Time
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-e.stop:
				return
			case <-tick.C:
			}
			tok, err := store.Load(context.Background())
			switch {
			case err != nil || tok == nil || tok.AccessToken == "":
			case tok.AccessToken != cur:
				cur, seen = tok.AccessToken, time.Now()
			case !seen.IsZero() && time.Since(seen) >= period:
				srv.ExpireAccessToken(cur)
				seen = time.Time{} // once per token
				e.mu.Lock()
				e.expiries++
				e.mu.Unlock()
			}
		}
	}()
	return e
}

func (e *expirer) finish() int {
	close(e.stop)
	<-e.done
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.expiries
}

// serverCounts tallies the fake's request log.
type serverCounts struct {
	tooMany, admitted, refreshes, refreshesRefused int
}

func countRequests(srv *worksectiontest.Server) serverCounts {
	var c serverCounts
	for _, r := range srv.Requests() {
		switch {
		case r.Action == "oauth2/refresh" && r.Outcome == "ok":
			c.refreshes++
		case r.Action == "oauth2/refresh":
			c.refreshesRefused++
		case r.Outcome == "Too many requests":
			c.tooMany++
		case r.Action == "me":
			c.admitted++
		}
	}
	return c
}

// window is the span from the first replica's first call to the last one's end.
func window(reps []report) time.Duration {
	start, end := reps[0].Start, reps[0].End
	for _, r := range reps[1:] {
		if r.Start.Before(start) {
			start = r.Start
		}
		if r.End.After(end) {
			end = r.End
		}
	}
	return end.Sub(start)
}

// The account's limit, scaled from one request per second: the 5% margin
// must cover the scheduling jitter of a loaded machine (here up to 10 ms).
const (
	scaledEvery = 200 * time.Millisecond
	tokenPeriod = time.Second // longer than the limiter's queue of 3 replicas
)

func TestReplicasShareTheRateLimitAndTheToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes for seconds")
	}
	rs := redistest.Start(t)
	rdb := rs.Client(t)
	prefix := redistest.Key(t)
	srv := worksectiontest.NewServer(worksectiontest.WithRateLimit(scaledEvery))
	defer srv.Close()
	store := redisstore.NewTokenStore(rdb, prefix+":token")
	require.NoError(t, store.Save(context.Background(), srv.NewToken("john.smith@acme.example")))
	bin := buildReplica(t)

	const replicas, duration = 3, 8 * time.Second
	exp := startExpirer(srv, store, tokenPeriod)
	var procs []*replica
	for range replicas {
		procs = append(procs, startReplica(t, bin, srv, "-redis", rs.URL, "-key", prefix, "-server", srv.URL,
			"-every", scaledEvery.String(), "-duration", duration.String(), "-workers", "1"))
	}
	var reps []report
	for _, p := range procs {
		reps = append(reps, p.wait(t))
	}
	expiries := exp.finish()

	calls, ok := 0, 0
	for _, r := range reps {
		assert.Zero(t, r.Failed, "failed calls: %v", r.Errors)
		calls, ok = calls+r.Calls, ok+r.OK
	}
	c := countRequests(srv)
	span := window(reps)
	limit := float64(span) / float64(scaledEvery)
	t.Logf("%d replicas, %v: %d calls, %d ok, %d requests admitted, %d Too many requests; %.0f%% of the limit in calls, %.0f%% in requests; %d expiries, %d refreshes, %d refused",
		replicas, span.Round(time.Millisecond), calls, ok, c.admitted, c.tooMany, 100*float64(ok)/limit, 100*float64(c.admitted)/limit,
		expiries, c.refreshes, c.refreshesRefused)

	assert.Zero(t, c.tooMany, "no request refused for the rate")
	assert.Equal(t, calls, ok, "every call succeeded")
	assert.Zero(t, c.refreshesRefused, "no refresh refused: no two replicas refreshed one token")
	assert.GreaterOrEqual(t, expiries, 3, "tokens expired during the run")
	assert.Contains(t, []int{expiries - 1, expiries}, c.refreshes, "exactly one refresh per expiry (the last may come after the run)")
	assert.GreaterOrEqual(t, float64(c.admitted), 0.9*limit, "the replicas together use at least 90%% of the limit")
	// An expiry the client cannot foresee costs the one request that
	// reveals it (HTTP 401); the siblings adopt the new token from the
	// store before sending, so every other request is a successful call.
	assert.LessOrEqual(t, c.admitted-ok, expiries+replicas, "requests lost to expiries")
	assert.GreaterOrEqual(t, float64(ok+expiries), 0.9*limit, "calls plus the expiries' 401s make at least 90%% of the limit")
}

func TestReplicasContinueAfterALockHolderIsKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes for seconds")
	}
	rs := redistest.Start(t)
	rdb := rs.Client(t)
	prefix := redistest.Key(t)
	srv := worksectiontest.NewServer(worksectiontest.WithRateLimit(scaledEvery))
	defer srv.Close()
	store := redisstore.NewTokenStore(rdb, prefix+":token")
	first := srv.NewToken("john.smith@acme.example")
	require.NoError(t, store.Save(context.Background(), first))
	bin := buildReplica(t)
	const lease = 2 * time.Second

	holder := startReplica(t, bin, srv, "-redis", rs.URL, "-key", prefix, "-server", srv.URL, "-hold-lock", "-lease", lease.String())
	require.Eventually(t, func() bool { return bytes.HasPrefix(holder.stdout.Bytes(), []byte("locked")) }, time.Minute, 10*time.Millisecond,
		"the holder takes the lock: %s", holder.stderr.String())

	var procs []*replica
	for range 2 {
		procs = append(procs, startReplica(t, bin, srv, "-redis", rs.URL, "-key", prefix, "-server", srv.URL,
			"-every", scaledEvery.String(), "-duration", "8s", "-lease", lease.String(), "-workers", "1"))
	}
	time.Sleep(500 * time.Millisecond)
	srv.ExpireAccessToken(first.AccessToken) // the replicas now need the lock
	time.Sleep(time.Second)                  // while the holder lives, it keeps the lease
	assert.Zero(t, srv.RefreshCount(), "no refresh while the live holder has the lock")
	require.NoError(t, holder.cmd.Process.Kill()) // SIGKILL: it never unlocks
	killed := time.Now()

	var reps []report
	for _, p := range procs {
		reps = append(reps, p.wait(t))
	}
	for _, r := range reps {
		assert.Zero(t, r.Failed, "failed calls: %v", r.Errors)
		assert.Positive(t, r.OK)
		assert.True(t, r.End.After(killed.Add(lease)), "the replica ran past the lease's expiry")
	}
	c := countRequests(srv)
	t.Logf("after the kill: %d refreshes, %d refused, %d requests admitted, %d Too many requests", c.refreshes, c.refreshesRefused, c.admitted, c.tooMany)
	assert.Equal(t, 1, c.refreshes, "one refresh, once the dead holder's lease expired")
	assert.Zero(t, c.refreshesRefused)
	assert.Zero(t, c.tooMany)
	saved, err := store.Load(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, first.RefreshToken, saved.RefreshToken, "the new pair is saved")
}
