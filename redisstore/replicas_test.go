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
	Sent              []time.Time
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
	tooMany, admitted, expired, rotated, refreshes, refreshesRefused int
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
			switch r.Outcome {
			case "Access token is expired":
				c.expired++
			case "Access token is invalid": // rotated by a refresh while in flight
				c.rotated++
			}
		}
	}
	return c
}

// The account's limit, scaled from one request per second. The limiter
// makes each request wait for the last answer, plus every; the scale must
// keep that round trip small beside every (at 50 ms, a loaded 2-core
// machine's round trips of 10-20 ms cost a third of the throughput).
const scaledEvery = 200 * time.Millisecond

// runResult is what a run of replicas did, from their reports and the
// server's log.
type runResult struct {
	serverCounts
	replicas, calls, ok int
	sentInWindow        int // API requests that left before the stop time
	span                time.Duration
	limit               float64 // requests the limit allowed in span
}

// runReplicas runs n replica processes against srv for duration, sharing
// the token stored under prefix, and checks that every call succeeded.
func runReplicas(t *testing.T, rs *redistest.Server, srv *worksectiontest.Server, prefix string, n int, duration time.Duration) runResult {
	t.Helper()
	bin := buildReplica(t)
	end := time.Now().Add(duration)
	var procs []*replica
	for range n {
		procs = append(procs, startReplica(t, bin, srv, "-redis", rs.URL, "-key", prefix, "-server", srv.URL,
			"-every", scaledEvery.String(), "-until", end.Format(time.RFC3339Nano), "-workers", "1", "-lease", "2s"))
	}
	res := runResult{replicas: n}
	var reps []report
	for _, p := range procs {
		r := p.wait(t)
		assert.Zero(t, r.Failed, "failed calls: %v", r.Errors)
		res.calls, res.ok = res.calls+r.Calls, res.ok+r.OK
		reps = append(reps, r)
	}
	res.serverCounts = countRequests(srv)
	// The window runs from the first call to the common stop time; a call
	// still running then (waiting for a refresh) does not stretch it.
	start := reps[0].Start
	for _, r := range reps {
		if r.Start.Before(start) {
			start = r.Start
		}
		for _, at := range r.Sent {
			if !at.After(end) {
				res.sentInWindow++
			}
		}
	}
	res.span = end.Sub(start)
	res.limit = float64(res.span) / float64(scaledEvery)
	t.Logf("%d replicas, %v: %d calls, all ok: %v; %d requests sent in the window (%.0f%% of the limit), %d Too many requests; "+
		"%d refreshes, %d refused; 401s: %d expired, %d rotated in flight",
		n, res.span.Round(time.Millisecond), res.calls, res.calls == res.ok, res.sentInWindow, 100*float64(res.sentInWindow)/res.limit,
		res.tooMany, res.refreshes, res.refreshesRefused, res.expired, res.rotated)
	assert.Equal(t, res.calls, res.ok, "every call succeeded")
	assert.Zero(t, res.tooMany, "no request refused for the rate")
	assert.Zero(t, res.refreshesRefused, "no refresh refused: no two replicas refreshed one token")
	return res
}

func TestReplicasShareTheRateLimitAndTheToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes for seconds")
	}
	rs := redistest.Start(t)
	prefix := redistest.Key(t)
	// Access tokens live 2.5 s; the token response says expires_in 2
	// (whole seconds), so replicas refresh a second after each refresh,
	// in the background while the token is still valid.
	const ttl, fresh = 2500 * time.Millisecond, time.Second
	srv := worksectiontest.NewServer(worksectiontest.WithRateLimit(scaledEvery), worksectiontest.WithAccessTokenTTL(ttl))
	defer srv.Close()
	store := redisstore.NewTokenStore(rs.Client(t), prefix+":token")
	require.NoError(t, store.Save(context.Background(), srv.NewToken("john.smith@acme.example")))

	res := runReplicas(t, rs, srv, prefix, 3, 10*time.Second)
	assert.Zero(t, res.expired, "each token was refreshed before it expired")
	// One refresh per token: the next comes only once the last is stale.
	// The first token's lifetime is unknown to the replicas, so it is
	// refreshed at once; the last refresh may come after the stop time.
	assert.LessOrEqual(t, float64(res.refreshes), float64(res.span)/float64(fresh)+2)
	assert.GreaterOrEqual(t, float64(res.refreshes), float64(res.span)/float64(ttl)-1)
	assert.GreaterOrEqual(t, float64(res.sentInWindow), 0.9*res.limit, "combined throughput is at least 90%% of the limit")
	// A refresh rotates the pair under the request in flight, if any (the
	// limiter lets one fly at a time): it is answered 401 and sent again
	// with the new token, so a refresh costs at most one request.
	assert.LessOrEqual(t, res.rotated, res.refreshes)
}

func TestReplicasShareATokenTheServerEndsEarly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes for seconds")
	}
	rs := redistest.Start(t)
	prefix := redistest.Key(t)
	srv := worksectiontest.NewServer(worksectiontest.WithRateLimit(scaledEvery))
	defer srv.Close()
	store := redisstore.NewTokenStore(rs.Client(t), prefix+":token")
	require.NoError(t, store.Save(context.Background(), srv.NewToken("john.smith@acme.example")))

	exp := startExpirer(srv, store, 2500*time.Millisecond) // longer than the limiter's queue of 3 replicas
	res := runReplicas(t, rs, srv, prefix, 3, 10*time.Second)
	expiries := exp.finish()
	t.Logf("%d expiries", expiries)
	assert.GreaterOrEqual(t, expiries, 3, "tokens expired during the run")
	assert.Contains(t, []int{expiries - 1, expiries}, res.refreshes, "exactly one refresh per expiry (the last may come after the run)")
	assert.GreaterOrEqual(t, float64(res.sentInWindow), 0.9*res.limit, "the replicas together use at least 90%% of the limit")
	// An expiry the client cannot foresee costs the one request that
	// reveals it (HTTP 401); the siblings adopt the new token from the
	// store before sending, so every other request is a successful call.
	assert.LessOrEqual(t, res.admitted-res.ok, expiries+res.replicas, "requests lost to expiries")
}

func TestReplicasContinueAfterALockHolderIsKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes for seconds")
	}
	rs := redistest.Start(t)
	prefix := redistest.Key(t)
	srv := worksectiontest.NewServer(worksectiontest.WithRateLimit(scaledEvery))
	defer srv.Close()
	store := redisstore.NewTokenStore(rs.Client(t), prefix+":token")
	first := srv.NewToken("john.smith@acme.example")
	require.NoError(t, store.Save(context.Background(), first))
	bin := buildReplica(t)
	const lease = 2 * time.Second

	holder := startReplica(t, bin, srv, "-redis", rs.URL, "-key", prefix, "-server", srv.URL, "-hold-lock", "-lease", lease.String())
	require.Eventually(t, func() bool { return bytes.HasPrefix(holder.stdout.Bytes(), []byte("locked")) }, time.Minute, 10*time.Millisecond,
		"the holder takes the lock: %s", holder.stderr.String())

	until := time.Now().Add(10 * time.Second).Format(time.RFC3339Nano)
	var procs []*replica
	for range 2 {
		procs = append(procs, startReplica(t, bin, srv, "-redis", rs.URL, "-key", prefix, "-server", srv.URL,
			"-every", scaledEvery.String(), "-until", until, "-lease", lease.String(), "-workers", "1"))
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
