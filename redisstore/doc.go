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
package redisstore
