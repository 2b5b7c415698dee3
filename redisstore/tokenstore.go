package redisstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bsm/redislock"
	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/storedtoken"
)

// DefaultLeaseTTL is how long the lock outlives a process that dies while
// holding it, unless TokenStore.LeaseTTL says otherwise.
const DefaultLeaseTTL = 10 * time.Second

// maxLeaseTTL is the most a dead holder may keep the others waiting.
const maxLeaseTTL = 30 * time.Second

// TokenStore keeps one OAuth2 token in Redis, as JSON under key, for
// worksection.NewSharedTokenSource: every process that uses the same key
// shares the token and refreshes it under one lock.
//
// The lock (at key+":lock") is a lease holding a random owner value: only
// its owner releases it, it is extended while the owner is alive, and it
// expires by itself LeaseTTL after its owner dies.
type TokenStore struct {
	rdb    redis.UniversalClient
	key    string
	locker *redislock.Client
	err    error // a bad argument to NewTokenStore

	// LeaseTTL, if set before first use, replaces DefaultLeaseTTL. It
	// must be between 1 s and 30 s.
	LeaseTTL time.Duration
}

var _ ws.TokenStore = (*TokenStore)(nil)

// NewTokenStore returns a store of the token at key on rdb. It makes no
// network call; a bad argument is reported by each method.
func NewTokenStore(rdb redis.UniversalClient, key string) *TokenStore {
	s := &TokenStore{rdb: rdb, key: key}
	switch {
	case rdb == nil:
		s.err = errors.New("redisstore: NewTokenStore: rdb is nil")
	case key == "":
		s.err = errors.New("redisstore: NewTokenStore: key is empty")
	default:
		s.locker = redislock.New(rdb)
	}
	return s
}

// Load returns the stored token, or nil and no error if there is none.
func (s *TokenStore) Load(ctx context.Context) (*oauth2.Token, error) {
	if s.err != nil {
		return nil, s.err
	}
	b, err := s.rdb.Get(ctx, s.key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: loading the token from Redis: %w", err)
	}
	tok, err := storedtoken.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("redisstore: loading the token from Redis key %q: %w", s.key, err)
	}
	return tok, nil
}

// Save replaces the stored token with tok.
func (s *TokenStore) Save(ctx context.Context, tok *oauth2.Token) error {
	if s.err != nil {
		return s.err
	}
	b, err := storedtoken.Marshal(tok)
	if err != nil {
		return fmt.Errorf("redisstore: saving the token: %w", err)
	}
	if err := s.rdb.Set(ctx, s.key, b, 0).Err(); err != nil {
		return fmt.Errorf("redisstore: saving the token to Redis: %w", err)
	}
	return nil
}

func (s *TokenStore) leaseTTL() (time.Duration, error) {
	switch ttl := s.LeaseTTL; {
	case ttl == 0:
		return DefaultLeaseTTL, nil
	case ttl < time.Second || ttl > maxLeaseTTL:
		return 0, fmt.Errorf("redisstore: TokenStore.LeaseTTL is %v; want 1s to 30s", ttl)
	default:
		return ttl, nil
	}
}

// Lock waits until this process holds the lease, or ctx ends. While held,
// the lease is extended every third of LeaseTTL; unlock stops that and
// releases it if this process still owns it. If an extension fails (Redis
// unreachable for a whole LeaseTTL), another process may take the lease.
func (s *TokenStore) Lock(ctx context.Context) (unlock func(), err error) {
	if s.err != nil {
		return nil, s.err
	}
	ttl, err := s.leaseTTL()
	if err != nil {
		return nil, err
	}
	lock, err := s.obtain(ctx, ttl)
	if err != nil {
		return nil, err
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go s.extend(lock, ttl, stop, done)
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-done
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ttl)
			defer cancel()
			_ = lock.Release(rctx) // ErrLockNotHeld: the lease expired; nothing to release
		})
	}, nil
}

// obtain polls for the lease until it is free or ctx ends.
func (s *TokenStore) obtain(ctx context.Context, ttl time.Duration) (*redislock.Lock, error) {
	// One random owner value for every attempt: if an attempt set the
	// lease but its answer was lost, the next one takes the lease over
	// instead of waiting for it to expire.
	opt := &redislock.Options{Token: rand.Text()}
	for {
		opt.RetryStrategy = redislock.ExponentialBackoff(16*time.Millisecond, 250*time.Millisecond)
		// redislock stops retrying at the context's deadline, or after ttl
		// without one; keep going until our caller's context ends.
		octx, cancel := context.WithTimeout(ctx, ttl)
		lock, err := s.locker.Obtain(octx, s.key+":lock", ttl, opt)
		cancel()
		switch {
		case err == nil:
			return lock, nil
		case ctx.Err() != nil:
			return nil, fmt.Errorf("redisstore: waiting for the token lock: %w", ctx.Err())
		case errors.Is(err, redislock.ErrNotObtained) || errors.Is(err, context.DeadlineExceeded):
			continue
		default:
			return nil, fmt.Errorf("redisstore: taking the token lock in Redis: %w", err)
		}
	}
}

// extend renews the lease every ttl/3 until stop is closed or the lease
// is lost.
func (s *TokenStore) extend(lock *redislock.Lock, ttl time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(ttl / 3)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), ttl/3)
		err := lock.Refresh(ctx, ttl, nil)
		cancel()
		if errors.Is(err, redislock.ErrNotObtained) {
			return // expired and perhaps taken: nothing left to extend
		}
	}
}
