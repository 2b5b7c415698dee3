package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	ws "github.com/worksection-go/worksection"
)

// Pacing, the same as the SDK's built-in limiter (limiter.go): the server
// measures arrivals, which scheduling and network jitter bring closer
// together than departures, so requests are spaced every*(1+margin+slow).
// slow grows by refusalStep with each refusal, up to maxSlowdown, and
// shrinks by the factor decayPerSuccess with each request let through.
const (
	margin          = 0.05
	refusalStep     = 0.05
	maxSlowdown     = 0.5
	decayPerSuccess = 0.98
)

// The limiter's state is one hash: tat, the Redis time (µs) at which the
// next request may go, and slow. Times come from Redis's TIME, so every
// process uses one clock. The key expires when idle.

// reserveScript takes the next slot unless it lies more than ARGV[2] µs
// ahead (ARGV[2] < 0: no bound). ARGV[1] is every in µs, ARGV[3] the
// margin, ARGV[4] the decay. It returns {reserved, wait µs, new tat, slot}.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local every, maxwait = tonumber(ARGV[1]), tonumber(ARGV[2])
local h = redis.call('HMGET', KEYS[1], 'tat', 'slow')
local tat, slow = tonumber(h[1]) or now, tonumber(h[2]) or 0
if tat < now then tat = now end
local wait = tat - now
if maxwait >= 0 and wait > maxwait then return {0, wait, tat, tat} end
local next = tat + math.floor(every * (1 + tonumber(ARGV[3]) + slow))
redis.call('HSET', KEYS[1], 'tat', next, 'slow', slow * tonumber(ARGV[4]))
redis.call('PEXPIRE', KEYS[1], math.ceil((next - now) / 1000) + 60000)
return {1, wait, next, tat}
`)

// unreserveScript gives a slot back when its waiter gave up, if no one has
// reserved after it: tat goes from ARGV[1] back to ARGV[2].
var unreserveScript = redis.NewScript(`
if tonumber(redis.call('HGET', KEYS[1], 'tat')) == tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'tat', ARGV[2])
end
return 0
`)

// refusedScript adds ARGV[3] to slow (up to ARGV[4]) and holds the next
// slot back until max(ARGV[5] µs, the new spacing) from now.
var refusedScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local every = tonumber(ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'tat', 'slow')
local tat, slow = tonumber(h[1]) or now, tonumber(h[2]) or 0
slow = math.min(slow + tonumber(ARGV[3]), tonumber(ARGV[4]))
local resume = now + math.max(tonumber(ARGV[5]), math.floor(every * (1 + tonumber(ARGV[2]) + slow)))
if tat < resume then tat = resume end
redis.call('HSET', KEYS[1], 'tat', tat, 'slow', slow)
redis.call('PEXPIRE', KEYS[1], math.ceil((tat - now) / 1000) + 60000)
return 0
`)

// completedScript holds the next slot back until ARGV[1] µs from now.
var completedScript = redis.NewScript(`
local t = redis.call('TIME')
local resume = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1])
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat')) or 0
if tat < resume then
  redis.call('HSET', KEYS[1], 'tat', resume)
  redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1]) / 1000) + 60000)
end
return 0
`)

// hintTimeout bounds Refused and Completed, which have no context.
const hintTimeout = 5 * time.Second

// Limiter is a rate limit shared by every process that uses the same Redis
// key: GCRA with a burst of one, so requests from all of them together
// leave at most once per every*(1+5%). It satisfies worksection.Limiter;
// pass it with worksection.WithLimiter. The Client reports each answer to
// Completed and each refusal to Refused, so that every process keeps the
// built-in limiter's guarantees. All processes sharing a key must use the
// same every.
//
// When Redis cannot be reached, Wait fails with an error naming Redis,
// rather than falling back to a per-process limit that would multiply the
// rate by the number of processes. Set Fallback to opt into that.
type Limiter struct {
	rdb   redis.UniversalClient
	key   string
	every time.Duration
	err   error // a bad argument to NewLimiter

	// Fallback, if set before first use, paces requests while Redis is
	// unavailable. It is per process, so the combined rate is then up to
	// the number of processes times its own.
	Fallback ws.Limiter
}

// NewLimiter returns a limiter allowing one request per every across all
// processes that use key on rdb. It makes no network call; a bad argument
// is reported by Wait.
func NewLimiter(rdb redis.UniversalClient, key string, every time.Duration) *Limiter {
	l := &Limiter{rdb: rdb, key: key, every: every}
	switch {
	case rdb == nil:
		l.err = errors.New("redisstore: NewLimiter: rdb is nil")
	case key == "":
		l.err = errors.New("redisstore: NewLimiter: key is empty")
	case every < time.Millisecond:
		l.err = fmt.Errorf("redisstore: NewLimiter: every is %v; want at least 1ms", every)
	}
	return l
}

// Wait blocks until the shared limit lets one request go, or ctx ends. A
// slot further away than ctx's deadline is not taken: Wait returns at once
// with an error matching context.DeadlineExceeded.
func (l *Limiter) Wait(ctx context.Context) error {
	if l.err != nil {
		return l.err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	maxWait := int64(-1)
	if dl, ok := ctx.Deadline(); ok {
		maxWait = time.Until(dl).Microseconds()
	}
	sent := time.Now()
	res, err := reserveScript.Run(ctx, l.rdb, []string{l.key}, l.every.Microseconds(), maxWait, margin, decayPerSuccess).Int64Slice()
	answered := time.Now()
	if err == nil && len(res) != 4 {
		err = fmt.Errorf("unexpected script reply of %d values", len(res))
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if l.Fallback != nil {
			return l.Fallback.Wait(ctx)
		}
		return l.redisErr("wait", err)
	}
	wait := time.Duration(res[1]) * time.Microsecond
	if res[0] == 0 {
		return fmt.Errorf("redisstore: limiter: the next free slot is %v away, past the context's deadline: %w", wait, context.DeadlineExceeded)
	}
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(time.Until(departure(time.UnixMicro(res[3]), sent.Add(wait), answered.Add(wait))))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		// Give the slot back so the others need not wait for it.
		unreserve, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = unreserveScript.Run(unreserve, l.rdb, []string{l.key}, res[2], res[3]).Err()
		return ctx.Err()
	}
}

// departure is when to send for a slot at Redis time slot, given that the
// script ran between sent and answered: on one host, or with clocks in
// step, the slot itself, so the reply's delay does not make the request
// late; with a clock off by more than the round trip, the nearest end of
// the window in which the slot must lie by this host's clock.
func departure(slot, earliest, latest time.Time) time.Time {
	switch {
	case slot.Before(earliest):
		return earliest
	case slot.After(latest):
		return latest
	}
	return slot
}

// Refused tells the shared limiter that the server refused a request for
// exceeding the rate ("Too many requests", HTTP 429), with the server's
// Retry-After if it sent one (0 if not); the Client calls it. Every process
// sharing the key then slows down: no request goes before max(retryAfter,
// the spacing) from now, and the spacing widens by 5% of every per refusal
// (up to +50%); the extra shrinks by 2% of itself with each request let
// through, as in the built-in limiter. A Redis error is dropped: the next
// Wait reports it.
func (l *Limiter) Refused(retryAfter time.Duration) {
	if l.err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), hintTimeout)
	defer cancel()
	_ = refusedScript.Run(ctx, l.rdb, []string{l.key}, l.every.Microseconds(), margin, refusalStep, maxSlowdown,
		max(retryAfter, 0).Microseconds()).Err()
}

// Completed tells the shared limiter that an answer has arrived; the
// Client calls it. The request reached the server before its answer came
// back, so no process sends again until every after now: a job that one
// caller works through one call at a time is never refused, whatever the
// network's delay, as with the built-in limiter. A Redis error is dropped.
func (l *Limiter) Completed() {
	if l.err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), hintTimeout)
	defer cancel()
	_ = completedScript.Run(ctx, l.rdb, []string{l.key}, l.every.Microseconds()).Err()
}

func (l *Limiter) redisErr(op string, err error) error {
	return fmt.Errorf("redisstore: limiter %s: Redis unavailable (no fallback set, so no request is sent unpaced): %w", op, err)
}
