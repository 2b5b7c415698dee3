package worksection

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"github.com/worksection-go/worksection/internal/wire"
)

// BenchmarkTolerantTypes decodes the same records into the SDK's tolerant
// types (ID, Role, the rate number) and into plain string/float64 fields.
func BenchmarkTolerantTypes(b *testing.B) {
	var sb strings.Builder
	sb.WriteByte('[')
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"%d","role":"Account admin","rate":%d.5}`, 10000+i, i%90)
	}
	sb.WriteByte(']')
	data := []byte(sb.String())
	b.Run("type=tolerant", func(b *testing.B) {
		type rec struct {
			ID   ID                 `json:"id"`
			Role Role               `json:"role"`
			Rate wire.OptionalFloat `json:"rate"`
		}
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var out []rec
			if err := json.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("type=plain", func(b *testing.B) {
		type rec struct {
			ID   string  `json:"id"`
			Role string  `json:"role"`
			Rate float64 `json:"rate"`
		}
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var out []rec
			if err := json.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

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
