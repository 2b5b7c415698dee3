package redisstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/pace"
)

// The limiter's state is one hash: tat, the Redis time (µs) at which the
// next request may go, and slow; ans, when the last answer arrived; fl and
// fid, the departure time and id of the request in flight, if any. Times
// come from Redis's TIME, so every process uses one clock. The key expires
// when idle.

// reserveScript takes the next slot unless it lies more than ARGV[2] µs
// ahead (ARGV[2] < 0: no bound). ARGV[1] is every in µs, ARGV[3] the
// pace.Margin, ARGV[4] the decay. It returns {reserved, wait µs, new tat, slot}.
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

// fenceScript lets a request whose slot has come depart, recording it as
// in flight with id ARGV[4], once the last request has been answered (or
// held ARGV[2] µs, its answer lost) and every (ARGV[1] µs) has passed
// since. Otherwise it returns how long to wait: until then, or ARGV[3] µs
// while an answer is awaited.
var fenceScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local every, hold, poll = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'ans', 'fl')
local ans, fl = tonumber(h[1]) or 0, tonumber(h[2]) or 0
if fl > 0 then
  if now < fl + hold then return math.min(poll, fl + hold - now) end
  ans = math.max(ans, fl + hold)
end
if now < ans + every then return ans + every - now end
redis.call('HSET', KEYS[1], 'ans', ans, 'fl', now, 'fid', ARGV[4])
if redis.call('PTTL', KEYS[1]) < 60000 then redis.call('PEXPIRE', KEYS[1], 60000) end
return 0
`)

// completedScript records an answer: the next request departs no sooner
// than every after it, and the request ARGV[1] is no longer in flight.
var completedScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local h = redis.call('HMGET', KEYS[1], 'ans', 'fid')
redis.call('HSET', KEYS[1], 'ans', math.max(tonumber(h[1]) or 0, now))
if h[2] == ARGV[1] then redis.call('HDEL', KEYS[1], 'fl', 'fid') end
if redis.call('PTTL', KEYS[1]) < 60000 then redis.call('PEXPIRE', KEYS[1], 60000) end
return 0
`)

// hintTimeout bounds Refused and Completed, which have no context.
const hintTimeout = 5 * time.Second

// Limiter is a rate limit shared by every process that uses the same Redis
// key. It satisfies worksection.Limiter; pass it with
// worksection.WithLimiter. Requests from all processes together get slots
// at most once per every*(1+5%) (GCRA with a burst of one), and a request
// whose slot has come departs only once the last request has been
// answered (or has been in flight for a quarter of every, by when it has
// surely arrived) and every has passed since. So the server never sees two
// requests closer than every by arrival, however late a process wakes from
// its wait; a margin alone cannot promise that on a loaded machine. The
// Client reports each answer to Completed and each refusal to Refused, as
// it does to the built-in limiter. All processes sharing a key must use
// the same every.
//
// When Redis cannot be reached, Wait fails with an error naming Redis,
// rather than falling back to a per-process limit that would multiply the
// rate by the number of processes. Set Fallback to opt into that.
type Limiter struct {
	rdb   redis.UniversalClient
	key   string
	every time.Duration
	err   error // a bad argument to NewLimiter

	idPrefix string
	ids      atomic.Uint64
	mu       sync.Mutex
	inflight string // the id of this process's request in flight

	// Fallback, if set before first use, paces requests while Redis is
	// unavailable. It is per process, so the combined rate is then up to
	// the number of processes times its own.
	Fallback ws.Limiter
}

var _ ws.Limiter = (*Limiter)(nil)

// NewLimiter returns a limiter allowing one request per every across all
// processes that use key on rdb. It makes no network call; a bad argument
// is reported by Wait.
func NewLimiter(rdb redis.UniversalClient, key string, every time.Duration) *Limiter {
	l := &Limiter{rdb: rdb, key: key, every: every, idPrefix: rand.Text()}
	switch {
	case rdb == nil || reflect.ValueOf(rdb).Kind() == reflect.Pointer && reflect.ValueOf(rdb).IsNil():
		l.err = errors.New("redisstore: NewLimiter: rdb is nil")
	case key == "":
		l.err = errors.New("redisstore: NewLimiter: key is empty")
	case every < time.Millisecond:
		l.err = fmt.Errorf("redisstore: NewLimiter: every is %v; want at least 1ms", every)
	}
	return l
}

// hold is how long an answer is awaited before it counts as lost (the
// request has surely arrived by then), and poll how often meanwhile.
func (l *Limiter) hold() time.Duration { return l.every / 4 }
func (l *Limiter) poll() time.Duration { return max(time.Millisecond, l.every/100) }

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
	res, err := reserveScript.Run(ctx, l.rdb, []string{l.key}, l.every.Microseconds(), maxWait, pace.Margin, pace.DecayPerSuccess).Int64Slice()
	if err == nil && len(res) != 4 {
		err = fmt.Errorf("unexpected script reply of %d values", len(res))
	}
	if err != nil {
		return l.failed(ctx, err)
	}
	wait := time.Duration(res[1]) * time.Microsecond
	if res[0] == 0 {
		return fmt.Errorf("redisstore: limiter: the next free slot is %v away, past the context's deadline: %w", wait, context.DeadlineExceeded)
	}
	if err := pace.Sleep(ctx, wait); err != nil {
		// Give the slot back so the others need not wait for it.
		unreserve, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = unreserveScript.Run(unreserve, l.rdb, []string{l.key}, res[2], res[3]).Err()
		return err
	}
	return l.fence(ctx)
}

// fence waits until the last request has been answered and every has
// passed since, then records this one as in flight.
func (l *Limiter) fence(ctx context.Context) error {
	id := fmt.Sprintf("%s-%d", l.idPrefix, l.ids.Add(1))
	for {
		wait, err := fenceScript.Run(ctx, l.rdb, []string{l.key}, l.every.Microseconds(), l.hold().Microseconds(),
			l.poll().Microseconds(), id).Int64()
		if err != nil {
			return l.failed(ctx, err)
		}
		if wait <= 0 {
			l.mu.Lock()
			l.inflight = id
			l.mu.Unlock()
			return nil
		}
		d := time.Duration(wait) * time.Microsecond
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return fmt.Errorf("redisstore: limiter: the last request was answered too recently to send before the context's deadline: %w", context.DeadlineExceeded)
		}
		if err := pace.Sleep(ctx, d); err != nil {
			return err
		}
	}
}

// failed reports a Redis error, or paces with Fallback if set.
func (l *Limiter) failed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if l.Fallback != nil {
		return l.Fallback.Wait(ctx)
	}
	return l.redisErr("wait", err)
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
	_ = refusedScript.Run(ctx, l.rdb, []string{l.key}, l.every.Microseconds(), pace.Margin, pace.RefusalStep, pace.MaxSlowdown,
		max(retryAfter, 0).Microseconds()).Err()
}

// Completed tells the shared limiter that an answer has arrived; the
// Client calls it. The request reached the server before its answer came
// back, so no process sends again until every after now, whatever the
// network's delay (the built-in limiter promises this to one caller; here
// it holds across processes). A Redis error is dropped: the request then
// counts as answered once held for a quarter of every.
func (l *Limiter) Completed() {
	if l.err != nil {
		return
	}
	l.mu.Lock()
	id := l.inflight
	l.inflight = ""
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), hintTimeout)
	defer cancel()
	_ = completedScript.Run(ctx, l.rdb, []string{l.key}, id).Err()
}

func (l *Limiter) redisErr(op string, err error) error {
	return fmt.Errorf("redisstore: limiter %s: Redis unavailable (no fallback set, so no request is sent unpaced): %w", op, err)
}
