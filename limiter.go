package worksection

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/worksection-go/worksection/internal/pace"
)

// The API allows one request per second and measures arrivals, which
// network and scheduling jitter move closer together than departures. The
// built-in limiter therefore spaces departures with a margin, widens it
// when the server still says "Too many requests" (see package pace), and
// waits a full interval after the last answer.
// adaptiveLimiter is a Limiter that hears when the server refused a
// request for its rate (HTTP 429 or "Too many requests"), with the
// server's Retry-After (zero when none). The built-in limiter and
// redisstore.Limiter implement it.
type adaptiveLimiter interface {
	Limiter
	Refused(retryAfter time.Duration)
}

// completionLimiter is a Limiter that hears when an answer arrived. The
// request got to the server before its answer came back, so a request
// sent a full interval after that answer cannot arrive too soon after it,
// whatever the network's delay: one caller working through a job one call
// at a time (an import) is never refused, at the cost of the answer's
// delay instead of a margin for the worst delay.
type completionLimiter interface {
	Limiter
	Completed()
}

// pacer is the built-in limiter: a GCRA (virtual scheduling) limiter whose
// interval carries pace.Margin plus an adaptive slowdown. The zero burst is
// 1. It is safe for concurrent use.
type pacer struct {
	every time.Duration
	burst int

	mu   sync.Mutex
	tat  time.Time // theoretical arrival time of the next request
	slow float64   // adaptive extra share of every, from refusals
}

// newPacer returns the limiter for limit requests per second with burst,
// or one that never waits for rate.Inf.
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

// Completed schedules the next request no sooner than one interval after
// now, when an answer has arrived.
func (p *pacer) Completed() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if next := time.Now().Add(p.every); p.tat.Before(next) {
		p.tat = next
	}
}

// Refused widens the interval and pushes the schedule back by at least
// one interval, or by the server's Retry-After.
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
