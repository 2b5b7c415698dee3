package worksection_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
)

// An invite answered "ok" with another member, or with none, is not
// reported as this invite.
func TestTrustInviteAnswerMustNameTheInvitee(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{`{}`, `{"id":"5","email":"other@example.com"}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("action") == "add_user" {
				_, _ = w.Write([]byte(`{"status":"ok","data":` + answer + `}`))
				return
			}
			_, _ = w.Write([]byte(`{"status":"ok","data":[{"id":"5","email":"other@example.com"}]}`))
		}))
		c, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), ws.WithRateLimit(rate.Inf, 0),
			ws.WithRetry(ws.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		u, err := c.AddUser(context.Background(), ws.AddUserParams{Email: "me@example.com"})
		assert.ErrorIs(t, err, ws.ErrMaybeApplied, answer)
		assert.Nil(t, u)
		_, err = c.AddContact(context.Background(), ws.AddContactParams{Email: "me@example.com", Name: "Me"})
		assert.ErrorIs(t, err, ws.ErrMaybeApplied, answer)
		srv.Close()
	}
}

// A server that echoes part of a token, or the token in base64, gives
// none of it away.
func TestTrustPartialAndBase64EchoesMasked(t *testing.T) {
	t.Parallel()
	const token = "tok-SECRETSECRETSECRETSECRET-0123456789"
	for _, echo := range []string{token[:20] + "...", base64.StdEncoding.EncodeToString([]byte(token))} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"status":"error","status_code":2,"message":"token ` + echo + ` invalid","message_details":"` + echo + `"}`))
		}))
		c, err := ws.NewClient(srv.URL, ws.WithAccessToken(token), ws.WithRateLimit(rate.Inf, 0))
		require.NoError(t, err)
		_, err = c.GetUsers(context.Background())
		require.Error(t, err)
		assertNoSecret(t, err, echo, token[:16])
		srv.Close()
	}
}

// A short piece of a token echoed from anywhere inside it is withheld.
func TestTrustShortPartialEcho(t *testing.T) {
	t.Parallel()
	const token = "tok-0123456789abcdefghijklmnopqrstuvwxyz"
	echo := token[1:12] // 11 bytes from an odd offset
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"status":"error","message":"bad token ` + echo + `"}`))
	}))
	defer srv.Close()
	c, err := ws.NewClient(srv.URL, ws.WithAccessToken(token), ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	_, err = c.GetUsers(context.Background())
	require.Error(t, err)
	assertNoSecret(t, err, echo)
}
