package worksection_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

// 11 and 12. Invalid UTF-8 and header-splitting values are refused before
// any network call, naming the Go field or option.
func TestTrustBadInputRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	for _, c := range []*ws.Client{srv.Client(), srv.Client(ws.WithHMACSigning())} {
		_, err := c.AddUser(context.Background(), ws.AddUserParams{Email: "ok@example.com", Title: "Lead \xff"})
		var ve *ws.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "Title", ve.Field)
	}
	assert.Error(t, ws.AddUserParams{Email: "bad\xff@x.co"}.Validate())
	assert.Empty(t, srv.Requests())

	_, err := ws.NewClient(srv.URL, ws.WithAPIKey("k"), ws.WithUserAgent("x\r\nX-Injected: 1"))
	assert.ErrorContains(t, err, "user agent contains control characters")
	_, err = ws.NewClient(srv.URL, ws.WithAccessToken("tok\r\n"))
	assert.ErrorContains(t, err, "access token contains control characters")

	// A token source handing out a bad token: refused at send time, not
	// retried as a transport error, no read-back.
	bad := ws.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok\nX: y"}))
	c, err := ws.NewClient(srv.URL, bad, ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	_, err = c.AddUser(context.Background(), ws.AddUserParams{Email: "ok@example.com"})
	assert.ErrorIs(t, err, ws.ErrInvalidInput)
	assert.Empty(t, srv.Requests())
}
