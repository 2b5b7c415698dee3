// Package redisstore shares what several processes using one Worksection
// account must share, through Redis: the account's rate limit (Limiter,
// for worksection.WithLimiter) and its rotating OAuth2 token (TokenStore,
// for worksection.NewSharedTokenSource).
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	lim := redisstore.NewLimiter(rdb, "worksection:acme:rate", time.Second)
//	ts := worksection.NewSharedTokenSource(ctx, cfg, redisstore.NewTokenStore(rdb, "worksection:acme:token"))
//	c, err := worksection.NewClient(accountURL, worksection.WithTokenSource(ts), worksection.WithLimiter(lim))
//	defer ts.Flush(ctx) // a short-lived program: save a refresh in flight before exiting
//
// Every process must use the same keys (and the same interval). The
// limiter keeps its state in a hash at its key; the token store keeps the
// token as JSON at its key and its lock at key+":lock". All times come from
// Redis's clock.
//
// When Redis is unavailable, calls fail with an error naming Redis: a
// silent fallback to per-process limits would multiply the rate by the
// number of processes. Limiter.Fallback opts into one explicitly.
//
// # Running several replicas
//
// Replicas share the account's rate limit (one request per second, counted
// by arrival) and its OAuth refresh token, which the server rotates on
// every refresh. The limiter gives slots at most once per every*1.05 (GCRA
// on Redis's clock), and a request departs only once the last one was
// answered, so the server never sees two closer than every. The shared
// token source serves the stored token while it is valid and refreshes it
// under the store's lock, once for all replicas; a replica holding a newer
// pair than the store (Redis restarted without persistence, an evicted
// key) writes it back. The token store's lock is a lease at key+":lock"
// with a random owner value, extended while its owner lives and expiring
// LeaseTTL (10 s by default, at most 30 s) after it dies. A short-lived
// program calls ts.Flush before it exits, so that a refresh in flight
// reaches the store. docs/replicas.md in the repository has the measured
// figures.
package redisstore
