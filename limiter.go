package worksection

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/worksection-go/worksection/internal/pace"
)

// adaptiveLimiter is a Limiter told of a refusal for the rate (HTTP 429 or
// "Too many requests") with its Retry-After, or zero; the built-in limiter
// and redisstore.Limiter implement it.
type adaptiveLimiter interface {
	Limiter
	Refused(retryAfter time.Duration)
}

// completionLimiter is a Limiter told when an answer arrived. A request
// sent a full interval after an answer cannot arrive too soon after the one
// answered, whatever the network's delay: one caller working one call at a
// time (an import) is never refused.
type completionLimiter interface {
	Limiter
	Completed()
}

// pacer is the built-in limiter, safe for concurrent use: GCRA (virtual
// scheduling) spacing departures by pace.Margin more than the limit, since
// the API counts arrivals, which jitter brings closer; slower after refusals.
type pacer struct {
	every time.Duration
	burst int

	mu   sync.Mutex
	tat  time.Time // theoretical arrival time of the next request
	slow float64   // adaptive extra share of every, from refusals
}

// newPacer returns the limiter for limit requests per second with burst
// (rate.Inf: one that never waits).
func newPacer(limit rate.Limit, burst int) Limiter {
	if limit == rate.Inf {
		return unlimited{}
	}
	return &pacer{every: time.Duration(float64(time.Second) / float64(limit)), burst: max(burst, 1)}
}

func (p *pacer) interval() time.Duration {
	return time.Duration(float64(p.every) * (1 + pace.Margin + p.slow))
}

// Wait reserves the next slot and sleeps until it, or returns ctx's error
// (the slot stays used: a cancelled caller may already be on the wire).
func (p *pacer) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	now := time.Now()
	iv := p.interval()
	tat := p.tat
	if tat.Before(now) {
		tat = now
	}
	at := tat.Add(-time.Duration(p.burst-1) * iv) // a burst may run ahead of the schedule
	p.tat = tat.Add(iv)
	p.slow *= pace.DecayPerSuccess
	p.mu.Unlock()
	return pace.Sleep(ctx, at.Sub(now))
}

// Completed schedules the next request at least an interval after now.
func (p *pacer) Completed() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if next := time.Now().Add(p.every); p.tat.Before(next) {
		p.tat = next
	}
}

// Refused widens the interval and pushes the schedule back by an interval
// or Retry-After, whichever is longer.
func (p *pacer) Refused(retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slow = min(p.slow+pace.RefusalStep, pace.MaxSlowdown)
	resume := time.Now().Add(max(retryAfter, p.interval()))
	if p.tat.Before(resume) {
		p.tat = resume
	}
}

type unlimited struct{}

func (unlimited) Wait(ctx context.Context) error { return ctx.Err() }
