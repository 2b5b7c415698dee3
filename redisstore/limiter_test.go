package redisstore

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/pace"
	"github.com/worksection-go/worksection/internal/redistest"
	"github.com/worksection-go/worksection/worksectiontest"
)

// hashInt reads one field of the limiter's state.
func hashInt(t *testing.T, rdb *redis.Client, key, field string) int64 {
	t.Helper()
	v, err := rdb.HGet(context.Background(), key, field).Int64()
	require.NoError(t, err)
	return v
}

func TestLimiterIsSharedByKey(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	key := redistest.Key(t)
	a := NewLimiter(srv.Client(t), key, time.Hour)
	b := NewLimiter(srv.Client(t), key, time.Hour) // another connection, as another process would have
	other := NewLimiter(srv.Client(t), key+":other", time.Hour)
	ctx := context.Background()

	require.NoError(t, a.Wait(ctx), "the first request goes at once")
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	err := b.Wait(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the next slot is an hour away for every user of the key")
	assert.Contains(t, err.Error(), "past the context's deadline")
	assert.NoError(t, short.Err(), "Wait refused the far slot at once instead of sleeping to the deadline")
	require.NoError(t, other.Wait(ctx), "another key is another limit")
}

func TestLimiterSpacesRequestsWithMargin(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	key := redistest.Key(t)
	const every, n = 40 * time.Millisecond, 16
	lims := []*Limiter{NewLimiter(srv.Client(t), key, every), NewLimiter(srv.Client(t), key, every)}

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() { errs <- lims[i%2].Wait(context.Background()) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// Slots are every*(1+margin) apart on Redis's clock and timers never
	// fire early, so n waits cannot end sooner than n-1 spacings.
	assert.GreaterOrEqual(t, elapsed, time.Duration(float64((n-1)*every)*(1+pace.Margin))-time.Millisecond)
	assert.Less(t, elapsed, 30*time.Second)
}

func TestLimiterWaitHonoursContextAndGivesTheSlotBack(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	l := NewLimiter(rdb, key, time.Hour)
	require.NoError(t, l.Wait(context.Background()))
	next := hashInt(t, rdb, key, "tat")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx) }() // no deadline: it takes the slot an hour away
	require.Eventually(t, func() bool { return hashInt(t, rdb, key, "tat") > next }, 10*time.Second, 5*time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return when its context was cancelled")
	}
	assert.Equal(t, next, hashInt(t, rdb, key, "tat"), "the abandoned slot is free again")
}

func hashFloat(t *testing.T, rdb *redis.Client, key, field string) float64 {
	t.Helper()
	v, err := rdb.HGet(context.Background(), key, field).Float64()
	require.NoError(t, err)
	return v
}

func TestLimiterRefusedSlowsEveryProcess(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	const every = 50 * time.Millisecond
	a := NewLimiter(rdb, key, every)
	b := NewLimiter(srv.Client(t), key, every)
	ctx := context.Background()
	require.NoError(t, a.Wait(ctx))

	a.Refused(time.Hour) // Retry-After: an hour
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	require.ErrorIs(t, b.Wait(short), context.DeadlineExceeded, "no process sends before Retry-After")
	assert.InDelta(t, pace.RefusalStep, hashFloat(t, rdb, key, "slow"), 1e-9, "one refusal widens the spacing by 5% of every")

	b.Refused(0)
	assert.InDelta(t, 2*pace.RefusalStep, hashFloat(t, rdb, key, "slow"), 1e-9)
	for range 20 {
		a.Refused(0)
	}
	assert.InDelta(t, pace.MaxSlowdown, hashFloat(t, rdb, key, "slow"), 1e-9, "capped")
}

func TestLimiterSlowdownEasesWithEachRequest(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	// A second, so that Wait reserves before the slot has passed even on
	// a loaded machine (with a shorter interval the slot could lapse and
	// the next one count from now).
	const every = time.Second
	l := NewLimiter(rdb, key, every)
	ctx := context.Background()
	l.Refused(0)
	before := hashInt(t, rdb, key, "tat")
	require.NoError(t, l.Wait(ctx))
	assert.InDelta(t, pace.RefusalStep*pace.DecayPerSuccess, hashFloat(t, rdb, key, "slow"), 1e-9)
	assert.Equal(t, before+int64(float64(every.Microseconds())*(1+pace.Margin+pace.RefusalStep)), hashInt(t, rdb, key, "tat"),
		"the slot after a refusal is every*(1+margin+slow) later")
}

func TestLimiterHearsTheClientsRefusals(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	rdb := rs.Client(t)
	key := redistest.Key(t)
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("get_users", 1, worksectiontest.TooManyRequests(time.Second))
	c := srv.Client(ws.WithLimiter(NewLimiter(rdb, key, time.Millisecond)),
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 3, MinWait: 10 * time.Millisecond, MaxWait: 5 * time.Second}))

	_, err := c.GetUsers(context.Background())
	require.NoError(t, err, "retried after the refusal")
	assert.Positive(t, hashFloat(t, rdb, key, "slow"), "the Client told the shared limiter about the 429")
}

// deadRedis is a client of a port nothing listens on.
func deadRedis(t *testing.T) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func TestLimiterRedisUnavailable(t *testing.T) {
	t.Parallel()
	l := NewLimiter(deadRedis(t), "k", time.Second)
	err := l.Wait(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Redis unavailable")
	l.Refused(0) // dropped, without blocking for long

	l.Fallback = rate.NewLimiter(rate.Inf, 0)
	assert.NoError(t, l.Wait(context.Background()), "an explicit fallback paces locally")
}

func TestLimiterBadArguments(t *testing.T) {
	t.Parallel()
	rdb := deadRedis(t)
	for name, l := range map[string]*Limiter{
		"rdb is nil":   NewLimiter(nil, "k", time.Second),
		"key is empty": NewLimiter(rdb, "", time.Second),
		"every is 0s":  NewLimiter(rdb, "k", 0),
	} {
		err := l.Wait(context.Background())
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name)
		assert.NotContains(t, err.Error(), "Redis unavailable", "refused before any network call")
	}
}

func TestLimiterNextRequestWaitsForTheAnswer(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	a := NewLimiter(rdb, key, time.Hour)
	b := NewLimiter(srv.Client(t), key, time.Hour)
	ctx := context.Background()
	require.NoError(t, a.Wait(ctx))
	fid, err := rdb.HGet(ctx, key, "fid").Result()
	require.NoError(t, err)
	assert.Contains(t, fid, a.idPrefix, "a's request is in flight")

	a.Completed()
	n, err := rdb.HExists(ctx, key, "fl").Result()
	require.NoError(t, err)
	assert.False(t, n, "answered: no longer in flight")
	now, err := rdb.Time(ctx).Result()
	require.NoError(t, err)
	assert.InDelta(t, now.UnixMicro(), hashInt(t, rdb, key, "ans"), float64(10*time.Second/time.Microsecond))

	require.NoError(t, rdb.HSet(ctx, key, "tat", 0).Err()) // a slot is free at once...
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	err = b.Wait(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "...but not every after the answer")
	assert.Contains(t, err.Error(), "answered too recently")
	assert.NoError(t, short.Err(), "refused at once")
}

func TestLimiterLostAnswerHoldsAQuarterInterval(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	key := redistest.Key(t)
	const every = time.Second
	a := NewLimiter(srv.Client(t), key, every)
	b := NewLimiter(srv.Client(t), key, every)
	ctx := context.Background()
	start := time.Now()
	require.NoError(t, a.Wait(ctx)) // its answer never comes
	require.NoError(t, b.Wait(ctx))
	// b's slot came 1.05 s after a's; a, unanswered, counts as answered a
	// quarter interval after it left, and every must pass after that.
	assert.GreaterOrEqual(t, time.Since(start), every+every/4-time.Millisecond)
	assert.Less(t, time.Since(start), 30*time.Second)
}

func TestLimiterHearsTheClientsAnswers(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	rdb := rs.Client(t)
	key := redistest.Key(t)
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client(ws.WithLimiter(NewLimiter(rdb, key, time.Second)))
	ctx := context.Background()
	_, err := c.GetUsers(ctx)
	require.NoError(t, err)
	n, err := rdb.HExists(ctx, key, "fl").Result()
	require.NoError(t, err)
	assert.False(t, n, "the Client reported the answer")
	assert.Positive(t, hashInt(t, rdb, key, "ans"))
}

// A typed-nil Redis client is an error, not a panic.
func TestLimiterTypedNilClient(t *testing.T) {
	t.Parallel()
	l := NewLimiter((*redis.Client)(nil), "k", time.Second)
	assert.ErrorContains(t, l.Wait(context.Background()), "rdb is nil")
}
