package worksection_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestTokenSourceFlushWaitsForARefreshItsCallerLeft(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	log := &tokenLog{}
	old := dueToken(srv)
	ts := ws.NewTokenSource(slowCtx(2*time.Second), srv.OAuthConfig(callback), old, log.save)
	require.NoError(t, ts.Flush(context.Background()), "nothing in flight yet")

	client, err := ws.NewClient(srv.URL, ws.WithTokenSource(ts), ws.WithRateLimit(rate.Inf, 0),
		ws.WithHTTPClient(&http.Client{Transport: slowRefresh{2 * time.Second}}))
	require.NoError(t, err)
	defer client.Close()
	impatient, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = client.GetUsers(impatient) // leaves while the refresh runs
	require.ErrorIs(t, err, context.DeadlineExceeded)

	require.NoError(t, ts.Flush(context.Background()))
	saved := log.all()
	require.Len(t, saved, 1, "the rotated token reached the hook before Flush returned")
	assert.True(t, old.RefreshToken != saved[0].RefreshToken)
}

func TestTokenSourceFlushIsBoundedByItsContext(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	log := &tokenLog{}
	ts := ws.NewTokenSource(slowCtx(3*time.Second), srv.OAuthConfig(callback), dueToken(srv), log.save)
	go func() { _, _ = ts.Token() }()
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		return ts.Flush(ctx) != nil // a refresh is in flight
	}, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, ts.Flush(context.Background()))
	assert.Len(t, log.all(), 1)
}

func TestTokenSourceRefusedClientIsNotARefusedToken(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	cfg := srv.OAuthConfig(callback)
	cfg.ClientSecret = "not-the-secret"
	ts := ws.NewTokenSource(context.Background(), cfg, dueToken(srv), nil)
	_, err := ts.Token()
	require.ErrorIs(t, err, ws.ErrUnauthorized)
	assert.Contains(t, err.Error(), "client id and client secret")
	assert.NotContains(t, err.Error(), "sign in again")
	assert.NotContains(t, err.Error(), "not-the-secret")
	require.ErrorContains(t, ts.Flush(context.Background()), "client secret", "Flush reports the last refresh's outcome")

	cfg.ClientSecret = srv.ClientSecret // not final: the refresh token is unused
	_, err = ts.Token()
	require.NoError(t, err)
}
