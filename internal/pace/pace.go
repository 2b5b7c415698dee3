// Package pace holds what the SDK's built-in limiter and redisstore's
// shared limiter share: the margin and adaptation that keep requests under
// a rate measured by arrival, and their wait.
package pace

import (
	"context"
	"time"
)

// The server measures arrivals, which jitter brings closer together than
// departures, so requests are spaced every*(1+Margin+slow). slow grows by
// RefusalStep per refusal, up to MaxSlowdown, and shrinks by the factor
// DecayPerSuccess per request let through.
const (
	Margin          = 0.05
	RefusalStep     = 0.05
	MaxSlowdown     = 0.5
	DecayPerSuccess = 0.98
)

// Sleep waits d, or returns ctx's error as soon as ctx ends. A d of zero
// or less returns at once, with ctx's error if it has ended.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
