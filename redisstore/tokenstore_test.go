package redisstore

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/redistest"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestTokenStoreSaveLoad(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	s := NewTokenStore(rdb, key)
	ctx := context.Background()

	tok, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Nil(t, tok, "nothing stored yet")

	expiry := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	in := (&oauth2.Token{AccessToken: "at-1", RefreshToken: "rt-1", TokenType: "Bearer", Expiry: expiry}).
		WithExtra(map[string]any{"account_url": "https://acme.worksection.com"})
	require.NoError(t, s.Save(ctx, in))

	out, err := NewTokenStore(srv.Client(t), key).Load(ctx) // another process
	require.NoError(t, err)
	assert.Equal(t, "at-1", out.AccessToken)
	assert.Equal(t, "rt-1", out.RefreshToken)
	assert.Equal(t, "Bearer", out.TokenType)
	assert.True(t, expiry.Equal(out.Expiry))
	assert.Equal(t, "https://acme.worksection.com", out.Extra("account_url"))

	raw, err := rdb.Get(ctx, key).Bytes()
	require.NoError(t, err)
	var asJSON map[string]any
	require.NoError(t, json.Unmarshal(raw, &asJSON), "stored as JSON")
	assert.Equal(t, "rt-1", asJSON["refresh_token"])
	ttl, err := rdb.TTL(ctx, key).Result()
	require.NoError(t, err)
	assert.Equal(t, time.Duration(-1), ttl, "the token never expires from Redis by itself")
}

func TestTokenStoreLoadCorruptDoesNotQuoteIt(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	require.NoError(t, rdb.Set(context.Background(), key, `{"access_token":"secret-at-9", "expiry": 5}`, 0).Err())
	_, err := NewTokenStore(rdb, key).Load(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret-at-9")
}

func TestTokenStoreLockIsExclusive(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	key := redistest.Key(t)
	a, b := NewTokenStore(srv.Client(t), key), NewTokenStore(srv.Client(t), key)
	ctx := context.Background()

	unlock, err := a.Lock(ctx)
	require.NoError(t, err)
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	_, err = b.Lock(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "b waits while a holds the lock")

	got := make(chan func(), 1)
	go func() {
		u, err := b.Lock(ctx) // no deadline: waits for a
		assert.NoError(t, err)
		got <- u
	}()
	unlock()
	unlock() // a second call is harmless
	select {
	case u := <-got:
		u()
	case <-time.After(20 * time.Second):
		t.Fatal("b did not get the lock after a released it")
	}
}

func TestTokenStoreLeaseOutlivesItsTTLWhileHeld(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	a := NewTokenStore(rdb, key)
	a.LeaseTTL = time.Second
	ctx := context.Background()

	unlock, err := a.Lock(ctx)
	require.NoError(t, err)
	time.Sleep(3 * a.LeaseTTL) // a slow refresh in a live process
	n, err := rdb.Exists(ctx, key+":lock").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "the lease is extended while its owner lives")
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = NewTokenStore(srv.Client(t), key).Lock(short)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	unlock()
	n, err = rdb.Exists(ctx, key+":lock").Result()
	require.NoError(t, err)
	assert.Zero(t, n, "unlock releases the lease")
}

func TestTokenStoreLeaseExpiresWhenItsOwnerDies(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	ctx := context.Background()
	// A dead owner: a lease that nobody extends.
	_, err := redislock.Obtain(ctx, rdb, key+":lock", time.Second, nil)
	require.NoError(t, err)

	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	start := time.Now()
	unlock, err := NewTokenStore(rdb, key).Lock(waitCtx)
	require.NoError(t, err, "the lease expires by itself")
	unlock()
	assert.Greater(t, time.Since(start), 500*time.Millisecond, "it was held until it expired")
}

func TestTokenStoreUnlockReleasesOnlyItsOwnLease(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	ctx := context.Background()
	s := NewTokenStore(rdb, key)

	unlock, err := s.Lock(ctx)
	require.NoError(t, err)
	first, err := rdb.Get(ctx, key+":lock").Result()
	require.NoError(t, err)
	unlock()
	unlock2, err := s.Lock(ctx)
	require.NoError(t, err)
	second, err := rdb.Get(ctx, key+":lock").Result()
	require.NoError(t, err)
	assert.NotEqual(t, first, second, "each lease has a random owner value")
	assert.GreaterOrEqual(t, len(second), 16)

	// The lease was lost (expired) and another process took it.
	require.NoError(t, rdb.Set(ctx, key+":lock", "another-owner", 10*time.Second).Err())
	unlock2()
	v, err := rdb.Get(ctx, key+":lock").Result()
	require.NoError(t, err)
	assert.Equal(t, "another-owner", v, "unlock leaves another owner's lease alone")
}

func TestTokenStoreRedisUnavailable(t *testing.T) {
	t.Parallel()
	s := NewTokenStore(deadRedis(t), "k")
	ctx := context.Background()
	_, err := s.Load(ctx)
	require.ErrorContains(t, err, "Redis")
	require.ErrorContains(t, s.Save(ctx, &oauth2.Token{AccessToken: "a"}), "Redis")
	_, err = s.Lock(ctx)
	require.ErrorContains(t, err, "Redis")
}

func TestTokenStoreBadArguments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := NewTokenStore(nil, "k").Load(ctx)
	require.ErrorContains(t, err, "rdb is nil")
	_, err = NewTokenStore(deadRedis(t), "").Lock(ctx)
	require.ErrorContains(t, err, "key is empty")
	s := NewTokenStore(deadRedis(t), "k")
	s.LeaseTTL = time.Minute
	_, err = s.Lock(ctx)
	require.ErrorContains(t, err, "LeaseTTL")
}

// A replica that holds the live pair writes it back when Redis lost the
// key (restarted without persistence, FLUSHALL, eviction), instead of
// signing every replica out.
func TestSharedTokenSourceSurvivesFlushAll(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	key := redistest.Key(t)
	store := NewTokenStore(rdb, key)
	fake := worksectiontest.NewServer()
	defer fake.Close()
	cfg := fake.OAuthConfig("http://127.0.0.1/callback")
	ctx := context.Background()

	tok := fake.NewToken("john.smith@acme.example")
	tok.Expiry, tok.ExpiresIn = time.Now().Add(8*time.Second), 8 // due 4 s before expiry
	require.NoError(t, store.Save(ctx, tok))
	ts := ws.NewSharedTokenSource(ctx, cfg, store)
	_, err := ts.Token()
	require.NoError(t, err)
	require.Zero(t, fake.RefreshCount())

	if os.Getenv("REDIS_URL") == "" {
		require.NoError(t, rdb.FlushAll(ctx).Err()) // our own redis-server
	} else {
		require.NoError(t, rdb.Del(ctx, key).Err()) // a shared one: lose just our key
	}
	time.Sleep(time.Until(tok.Expiry.Add(-3500 * time.Millisecond))) // due now

	_, err = ts.Token()
	require.NoError(t, err, "this replica holds the only live refresh token")
	require.NoError(t, ts.Flush(ctx))
	saved, err := store.Load(ctx)
	require.NoError(t, err)
	require.NotNil(t, saved, "written back under the lock")
	assert.True(t, tok.RefreshToken != saved.RefreshToken, "and refreshed with")
	assert.Equal(t, 1, fake.RefreshCount())
	other, err := ws.NewSharedTokenSource(ctx, cfg, NewTokenStore(srv.Client(t), key)).Token()
	require.NoError(t, err, "another replica signs in from the store")
	assert.Equal(t, saved.AccessToken, other.AccessToken)
}
