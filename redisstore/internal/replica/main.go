// Command replica is one replica of a service for the redisstore
// several-processes test: it shares a rate limit and an OAuth token with
// its siblings through Redis and calls the API as fast as the shared limit
// allows, then prints what happened as one JSON line.
//
// With -hold-lock it instead takes the token lock, prints "locked" and
// waits to be killed, as a replica dying mid-refresh would.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/redisstore"
)

// Report is the JSON line a replica prints.
type Report struct {
	Calls  int      `json:"calls"`
	OK     int      `json:"ok"`
	Failed int      `json:"failed"`
	Errors []string `json:"errors,omitempty"` // the first few
	// Start and End bound the calls: the first one's start, the last one's end.
	Start time.Time   `json:"start"`
	End   time.Time   `json:"end"`
	Sent  []time.Time `json:"sent"` // when each API request left
}

// stampTransport records when each API request left, for the test's
// throughput figure.
type stampTransport struct {
	mu   sync.Mutex
	sent []time.Time
}

func (s *stampTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.mu.Lock()
		s.sent = append(s.sent, time.Now())
		s.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

func main() {
	redisURL := flag.String("redis", "", "Redis URL")
	prefix := flag.String("key", "", "Redis key prefix shared by the replicas")
	server := flag.String("server", "", "the API server (account URL and OAuth base)")
	every := flag.Duration("every", time.Second, "the shared rate limit: one request per every")
	until := flag.String("until", "", "when to stop making calls (RFC 3339), the same for every replica")
	workers := flag.Int("workers", 2, "concurrent callers in this process")
	lease := flag.Duration("lease", 0, "TokenStore.LeaseTTL (0: the default)")
	holdLock := flag.Bool("hold-lock", false, "take the token lock and wait to be killed")
	flag.Parse()
	end, err := time.Parse(time.RFC3339Nano, *until)
	if err != nil && !*holdLock {
		fmt.Fprintln(os.Stderr, "replica: -until:", err)
		os.Exit(2)
	}
	if err := run(*redisURL, *prefix, *server, *every, end, *workers, *lease, *holdLock); err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		os.Exit(1)
	}
}

func run(redisURL, prefix, server string, every time.Duration, end time.Time, workers int, lease time.Duration, holdLock bool) error {
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	store := redisstore.NewTokenStore(rdb, prefix+":token")
	store.LeaseTTL = lease
	if holdLock {
		if _, err := store.Lock(ctx); err != nil {
			return err
		}
		fmt.Println("locked")
		time.Sleep(time.Hour)
		return nil
	}
	endpoint, err := ws.EndpointAt(server)
	if err != nil {
		return err
	}
	cfg := ws.NewOAuth2Config(os.Getenv("WS_CLIENT_ID"), os.Getenv("WS_CLIENT_SECRET"), server+"/callback")
	cfg.Endpoint = endpoint
	rt := &stampTransport{}
	ts := ws.NewSharedTokenSource(ctx, cfg, store)
	c, err := ws.NewClient(server, ws.WithHTTPClient(&http.Client{Transport: rt, Timeout: 30 * time.Second}),
		ws.WithTokenSource(ts),
		ws.WithLimiter(redisstore.NewLimiter(rdb, prefix+":rate", every)),
		ws.WithRetry(ws.RetryPolicy{MaxAttempts: 5, MinWait: every, MaxWait: 5 * time.Second}))
	if err != nil {
		return err
	}
	defer c.Close()

	var mu sync.Mutex
	var rep Report
	// Every replica stops at the same time: one that stopped early could
	// exit in the middle of a background refresh, holding the lock until
	// its lease expires (or losing the rotated token), while others still
	// call.
	rep.Start = time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for time.Now().Before(end) {
				callCtx, cancel := context.WithTimeout(ctx, time.Minute)
				_, err := c.Me(callCtx)
				cancel()
				mu.Lock()
				rep.Calls++
				if err == nil {
					rep.OK++
				} else {
					rep.Failed++
					if len(rep.Errors) < 5 {
						rep.Errors = append(rep.Errors, err.Error())
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	rep.End = time.Now()
	// Let a background refresh of ours finish and be saved before exiting:
	// a process that exits holding the lock keeps the others waiting for
	// its lease, and one that exits before saving loses the rotated token.
	if err := ts.Flush(ctx); err != nil {
		rep.Errors = append(rep.Errors, "flush: "+err.Error())
	}
	rep.Sent = rt.sent
	return json.NewEncoder(os.Stdout).Encode(rep)
}
