package worksection

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMe(t *testing.T) {
	t.Parallel()
	want := &User{ID: "3994", FirstName: "Kate", LastName: "Greenway", Name: "Kate Greenway",
		Avatar: "https://acme.worksection.com/images/avatar/3994.png", Group: "Development", Department: "Backend",
		Role: RoleAccountAdmin, Email: "kate.greenway@acme.com"}
	for _, tc := range []struct {
		fixture string
		want    func() *User
	}{
		{"me_object.json", func() *User { return want }},
		{"me_array.json", func() *User { u := *want; u.Rate, u.Phone = ptr(11.0), "+1 555 0110"; return &u }},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			mt := newTransport(t)
			c, err := NewClient(testAccount, WithAccessToken(testToken), WithHTTPClient(&http.Client{Transport: mt}), WithRetry(RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			rec := respond(mt, http.MethodGet, userURL, 200, fixture(t, tc.fixture))

			u, err := c.Me(context.Background())
			require.NoError(t, err)
			req := rec.last(t)
			assert.Equal(t, http.MethodGet, req.Method)
			assert.Equal(t, "/api/oauth2", req.URL.Path)
			assert.Equal(t, "action=me", req.URL.RawQuery)
			assert.Equal(t, "Bearer "+testToken, req.Header.Get("Authorization"))
			assert.Equal(t, tc.want(), u)
		})
	}
}

func TestMeEmptyArray(t *testing.T) {
	t.Parallel()
	mt := newTransport(t)
	c, err := NewClient(testAccount, WithAccessToken(testToken), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	respond(mt, http.MethodGet, userURL, 200, `{"status":"ok","data":[]}`)
	_, err = c.Me(context.Background())
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), "want one object")
}
