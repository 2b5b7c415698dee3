package worksection

import (
	"context"
	"testing"

	"golang.org/x/time/rate"
)

// BenchmarkIdleLimiter is what the rate limiter costs a call when it never
// has to wait: rate.Inf (limiting off) and a limit far above the call rate.
func BenchmarkIdleLimiter(b *testing.B) {
	for name, lim := range map[string]*rate.Limiter{"limit=inf": rate.NewLimiter(rate.Inf, 0), "limit=1e9": rate.NewLimiter(1e9, 1000)} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := lim.Wait(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
