package worksection_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"runtime"
	"testing"
	"time"

	ws "github.com/worksection-go/worksection"
)

func BenchmarkGetUsers(b *testing.B) {
	for _, n := range benchSizes {
		body := genUsers(n)
		srv := newBenchServer(b, map[string][]byte{"get_users": body})
		b.Run(fmt.Sprintf("n=%d/impl=sdk", n), func(b *testing.B) {
			c := sdkClient(b, srv.URL)
			ctx := context.Background()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				users, err := c.GetUsers(ctx)
				if err != nil || len(users) != n {
					b.Fatal(err, len(users))
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/impl=baseline", n), func(b *testing.B) {
			bl := baseline{url: srv.URL, hc: &http.Client{}}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var users []plainUser
				if err := bl.call(http.MethodGet, "action=get_users", &users); err != nil || len(users) != n {
					b.Fatal(err, len(users))
				}
			}
		})
	}
}

// BenchmarkGetUsersFloor is the physical floor of a list call: the same
// signed request, the body read off the socket into a reused buffer and
// nothing decoded.
func BenchmarkGetUsersFloor(b *testing.B) {
	const n = 10000
	body := genUsers(n)
	srv := newBenchServer(b, map[string][]byte{"get_users": body})
	bl := baseline{url: srv.URL, hc: &http.Client{}}
	var buf bytes.Buffer
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := bl.read(http.MethodGet, "action=get_users", &buf); err != nil || buf.Len() != len(body) {
				b.Fatal(err, buf.Len())
			}
		}
	})
}

func BenchmarkGetContacts(b *testing.B) {
	type plainContact struct {
		ID        string `json:"id"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Name      string `json:"name"`
		Title     string `json:"title"`
		Group     string `json:"group"`
		Email     string `json:"email"`
		Phone     string `json:"phone"`
		Phone2    string `json:"phone2"`
		Phone3    string `json:"phone3"`
		Phone4    string `json:"phone4"`
		Address   string `json:"address"`
		Address2  string `json:"address2"`
	}
	for _, n := range benchSizes[:3] {
		body := genContacts(n)
		srv := newBenchServer(b, map[string][]byte{"get_contacts": body})
		b.Run(fmt.Sprintf("n=%d/impl=sdk", n), func(b *testing.B) {
			c := sdkClient(b, srv.URL)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if got, err := c.GetContacts(context.Background()); err != nil || len(got) != n {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/impl=baseline", n), func(b *testing.B) {
			bl := baseline{url: srv.URL, hc: &http.Client{}}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var got []plainContact
				if err := bl.call(http.MethodGet, "action=get_contacts", &got); err != nil || len(got) != n {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAddUser(b *testing.B) {
	srv := newBenchServer(b, map[string][]byte{"add_user": []byte(addUserBody)})
	p := ws.AddUserParams{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Group: "Development"}
	b.Run("impl=sdk", func(b *testing.B) {
		c := sdkClient(b, srv.URL)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.AddUser(context.Background(), p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=baseline", func(b *testing.B) {
		bl := baseline{url: srv.URL, hc: &http.Client{}}
		b.ReportAllocs()
		for b.Loop() {
			var u plainUser
			q := "action=add_user&email=ada%40example.com&first_name=Ada&last_name=Lovelace&group=Development"
			if err := bl.call(http.MethodPost, q, &u); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOverhead isolates the limiter and retry wrapper on the success
// path: off versus idle (rate.Inf limiter, default retries).
func BenchmarkOverhead(b *testing.B) {
	srv := newBenchServer(b, map[string][]byte{"get_user_groups": []byte(`{"status":"ok","data":[]}`)})
	for name, opts := range map[string][]ws.Option{
		"config=limiter-inf+retry-3":   nil,
		"config=limiter-inf+retry-off": {ws.WithRetry(ws.RetryPolicy{MaxAttempts: 1})},
		"config=limiter-1e9+retry-3":   {ws.WithRateLimit(1e9, 1000)},
	} {
		b.Run(name, func(b *testing.B) {
			c := sdkClient(b, srv.URL, opts...)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.GetUserGroups(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConnectionReuse makes 1,000 sequential calls with one Client and
// reports how many TCP connections the server accepted.
func BenchmarkConnectionReuse(b *testing.B) {
	srv := newBenchServer(b, map[string][]byte{"get_user_groups": []byte(`{"status":"ok","data":[]}`)})
	c := sdkClient(b, srv.URL)
	for b.Loop() {
		for range 1000 {
			if _, err := c.GetUserGroups(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(srv.conns.Load()), "conns")
}

// BenchmarkDecodeUsers is the decoder alone: 10,000 users decoded from
// memory as a streaming client decodes them, no HTTP.
func BenchmarkDecodeUsers(b *testing.B) {
	body := genUsers(10000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if users, err := ws.DecodeUsersFromStream(bytes.NewReader(body), int64(len(body))); err != nil || len(users) != 10000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkPaired measures the two ratios with the smallest margins with
// both sides interleaved call by call (alternating which goes first), so
// a change in machine load hits both alike: AddUser against the call with
// a literal query, and GetUsers of 10,000 users against the floor.
func BenchmarkPaired(b *testing.B) {
	// settle, when set, runs untimed before each call: a collection, so
	// the garbage one side leaves is not collected on the other's time.
	paired := func(b *testing.B, unit string, settle bool, sdk, other func() error) {
		var tSDK, tOther time.Duration
		timed := func(f func() error, total *time.Duration) {
			if settle {
				runtime.GC()
			}
			start := time.Now()
			if err := f(); err != nil {
				b.Fatal(err)
			}
			*total += time.Since(start)
		}
		for i := 0; b.Loop(); i++ {
			if i%2 == 0 {
				timed(sdk, &tSDK)
				timed(other, &tOther)
			} else {
				timed(other, &tOther)
				timed(sdk, &tSDK)
			}
		}
		b.ReportMetric(float64(tSDK)/float64(tOther), unit)
	}
	b.Run("AddUser", func(b *testing.B) {
		srv := newBenchServer(b, map[string][]byte{"add_user": []byte(addUserBody)})
		c, bl := sdkClient(b, srv.URL), baseline{url: srv.URL, hc: &http.Client{}}
		p := ws.AddUserParams{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Group: "Development"}
		q := "action=add_user&email=ada%40example.com&first_name=Ada&last_name=Lovelace&group=Development"
		paired(b, "sdk/baseline", false,
			func() error { _, err := c.AddUser(context.Background(), p); return err },
			func() error { var u plainUser; return bl.call(http.MethodPost, q, &u) })
	})
	b.Run("GetUsersFloor/n=10000", func(b *testing.B) {
		body := genUsers(10000)
		srv := newBenchServer(b, map[string][]byte{"get_users": body})
		c, bl := sdkClient(b, srv.URL), baseline{url: srv.URL, hc: &http.Client{}}
		var buf bytes.Buffer
		paired(b, "sdk/floor", true,
			func() error { _, err := c.GetUsers(context.Background()); return err },
			func() error { buf.Reset(); return bl.read(http.MethodGet, "action=get_users", &buf) })
	})
}
