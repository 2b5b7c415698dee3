package probe

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestOwnerFromPicksTheOwnerByRole(t *testing.T) {
	t.Parallel()
	r := newTestRun(t, reply(200, users), "")
	r.readOwnerMD5(context.Background())
	assert.Equal(t, owner{email: "ann@acme.example", id: "7"}, r.owner)

	for body, want := range map[string]string{
		`{"status":"ok","data":[]}`:                                                       "the account lists no members",
		`{"status":"ok","data":[{"id":"1","role":"Owner"}]}`:                              "the owner has no email",
		`{"status":"ok","data":[{"email":"a@b.c"}]}`:                                      "does not decode",
		`{"status":"error","status_code":2,"message":"Action hash is missed or invalid"}`: "reading the members failed: HTTP 200, error 2",
	} {
		r := newTestRun(t, reply(200, body), "")
		r.readOwnerMD5(context.Background())
		require.Error(t, r.owner.err, body)
		assert.Contains(t, r.owner.err.Error(), want, body)
	}
}

func TestRunInterruptedBeforeAnything(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := Run(ctx, Config{Account: "https://acme.worksection.com", APIKey: testKey})
	require.NoError(t, err)
	assert.True(t, rep.Interrupted)
	assert.Len(t, rep.Probes, len(probes))
	for _, p := range rep.Probes {
		assert.Equal(t, Unknown, p.Verdict)
		assert.Equal(t, "not run: interrupted", p.Reason)
		assert.NotNil(t, p.Requests, "[] in JSON, never null")
	}
	assert.NotNil(t, rep.Requests)
	assert.Equal(t, "acme.worksection.com", rep.Account)
	assert.Equal(t, ws.Version, rep.SDKVersion)
}

// The SDK's own fake, behaving as the SDK assumes (rebuilding the query,
// refusing a request past the rate limit with the envelope), agrees with
// every probe.
func TestRunAgreesWithTheFake(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer(worksectiontest.WithRateLimit(150 * time.Millisecond))
	defer srv.Close()
	tok := srv.NewAccessToken(srv.Users()[0].Email)
	rep, err := Run(context.Background(), Config{Account: srv.URL, APIKey: srv.APIKey, Gap: 200 * time.Millisecond, WriteProbes: true,
		Token: func(context.Context) (string, error) { return tok, nil }})
	require.NoError(t, err)
	for _, p := range rep.Probes {
		assert.Equal(t, Agrees, p.Verdict, "%s: %s %s", p.ID, p.Observed, p.Reason)
	}
	assert.Len(t, rep.Requests, 11, "the fake wants hash last, so the hash-position probe sends its third")
	assert.Equal(t, "admin API key and access token", rep.Credentials)
	assert.True(t, rep.Answered())
	assert.True(t, rep.Accepted())
	assert.Equal(t, 1, srv.RateLimited(), "only the pair's second was refused")
}
