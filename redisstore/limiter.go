package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	ws "github.com/worksection-go/worksection"
)

// Pacing constants, the same as the SDK's built-in limiter.
const (
	// margin spaces requests every*(1+margin) apart: the server measures
	// arrivals, which scheduling and network jitter bring closer together.
	margin = 0.05
	// maxSlowdown caps how far refusals widen the spacing: every*2.
	maxSlowdown = 2
	// calmSlots is how many spacings without a refusal return the spacing
	// to every*(1+margin).
	calmSlots = 60
)

// The limiter's state is one hash: tat, the Redis time (µs) at which the
// next request may go; step, the current spacing (µs); calm, the time at
// which step returns to the base spacing. Times come from Redis's TIME, so
// every process uses one clock.

// reserveScript takes the next slot unless it lies more than ARGV[2] µs
// ahead (ARGV[2] < 0: no bound). It returns {reserved, wait µs, new tat}.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local base, maxwait = tonumber(ARGV[1]), tonumber(ARGV[2])
local h = redis.call('HMGET', KEYS[1], 'tat', 'step', 'calm')
local tat, step, calm = tonumber(h[1]) or now, tonumber(h[2]) or base, tonumber(h[3]) or 0
if calm <= now or step < base then step = base end
if tat < now then tat = now end
local wait = tat - now
if maxwait >= 0 and wait > maxwait then return {0, wait, tat} end
redis.call('HSET', KEYS[1], 'tat', tat + step, 'step', step, 'calm', calm)
redis.call('PEXPIRE', KEYS[1], math.ceil((tat + step - now + math.max(calm - now, 0)) / 1000) + 1000)
return {1, wait, tat + step}
`)

// unreserveScript gives a slot back when its waiter gave up, if no one has
// reserved after it: tat goes from ARGV[1] back to ARGV[1]-ARGV[2].
var unreserveScript = redis.NewScript(`
if tonumber(redis.call('HGET', KEYS[1], 'tat')) == tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'tat', tonumber(ARGV[1]) - tonumber(ARGV[2]))
end
return 0
`)

// throttleScript widens the spacing by ARGV[2] µs (up to ARGV[3]), holds
// the next slot back until ARGV[4] µs from now, and keeps the wider
// spacing for calmSlots spacings. It returns the new spacing.
var throttleScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local base, widen, maxstep, pause = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local h = redis.call('HMGET', KEYS[1], 'tat', 'step', 'calm')
local tat, step, calm = tonumber(h[1]) or now, tonumber(h[2]) or base, tonumber(h[3]) or 0
if calm <= now or step < base then step = base end
step = math.min(step + widen, maxstep)
if tat < now + pause then tat = now + pause end
calm = now + step * tonumber(ARGV[5])
redis.call('HSET', KEYS[1], 'tat', tat, 'step', step, 'calm', calm)
redis.call('PEXPIRE', KEYS[1], math.ceil((tat - now + step * tonumber(ARGV[5])) / 1000) + 1000)
return step
`)

// Limiter is a rate limit shared by every process that uses the same Redis
// key: GCRA with a burst of one, so requests from all of them together
// leave at most once per every*(1+5%). It satisfies worksection.Limiter;
// pass it with worksection.WithLimiter. All processes sharing a key must
// use the same every.
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

// spacing is the base spacing in µs: every plus the margin.
func (l *Limiter) spacing() int64 { return int64(float64(l.every.Microseconds()) * (1 + margin)) }

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
	res, err := reserveScript.Run(ctx, l.rdb, []string{l.key}, l.spacing(), maxWait).Int64Slice()
	if err == nil && len(res) != 3 {
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
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		// Give the slot back so the others need not wait for it.
		unreserve, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = unreserveScript.Run(unreserve, l.rdb, []string{l.key}, res[2], l.spacing()).Err()
		return ctx.Err()
	}
}

// Throttled tells the shared limiter that the server refused a request
// for exceeding the rate ("Too many requests", HTTP 429), with the
// server's Retry-After if it sent one (0 if not). Every process sharing
// the key then slows down: no request goes before max(retryAfter, the
// spacing) from now, and the spacing widens by another 5% of every (up to
// twice every) and stays wider until 60 spacings pass with no refusal.
func (l *Limiter) Throttled(ctx context.Context, retryAfter time.Duration) error {
	if l.err != nil {
		return l.err
	}
	base := l.spacing()
	pause := max(retryAfter.Microseconds(), base)
	err := throttleScript.Run(ctx, l.rdb, []string{l.key}, base, int64(float64(l.every.Microseconds())*margin),
		l.every.Microseconds()*maxSlowdown, pause, calmSlots).Err()
	if err != nil {
		return l.redisErr("throttled", err)
	}
	return nil
}

func (l *Limiter) redisErr(op string, err error) error {
	return fmt.Errorf("redisstore: limiter %s: Redis unavailable (no fallback set, so no request is sent unpaced): %w", op, err)
}
