package worksection

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestRecordShapes(t *testing.T) {
	t.Parallel()
	var users []User
	require.NoError(t, json.Unmarshal([]byte(`[{"id":7,"rate":" 12.5 ","role":"account ADMIN","services":[],"data_added":"2024-01-02 10:00"},`+
		`{"ID":"8","rate":"","ROLE":"Observer","services":{"chats":{"WhatsApp":"+1","n":5},"socials":[]}}]`), &users))
	require.Len(t, users, 2)
	require.Equal(t, ID("7"), users[0].ID)
	require.Equal(t, 12.5, *users[0].Rate)
	require.Equal(t, RoleAccountAdmin, users[0].Role)
	require.Equal(t, "2024-01-02 10:00", users[0].DateAdded)
	require.Nil(t, users[1].Rate)
	require.Equal(t, Role("Observer"), users[1].Role)
	require.Equal(t, StringMap{"WhatsApp": "+1", "n": "5"}, users[1].Services.Chats)

	var groups []UserGroup
	require.NoError(t, json.Unmarshal([]byte(`[{"id":1,"client":0},{"id":"2","client":"1"},{"id":"3","client":true}]`), &groups))
	require.Equal(t, []bool{false, true, true}, []bool{groups[0].Client, groups[1].Client, groups[2].Client})

	var folders []ContactGroup
	require.NoError(t, json.Unmarshal([]byte(`[{"id":1,"title":"USERS","type":"preset"}]`), &folders))
	require.Equal(t, ContactGroup{ID: "1", Title: "USERS", Type: ContactGroupPreset}, folders[0])

	for _, bad := range []string{`{"id":{}}`, `{}`, `{"name":"no id"}`, `{"id":"1","rate":"lots"}`, `{"role":[]}`, `{"name":5}`, `{"services":"x"}`, `{"services":[1]}`, `[]`} {
		var u User
		err := json.Unmarshal([]byte(bad), &u)
		require.Error(t, err, bad)
		require.True(t, strings.HasPrefix(err.Error(), "worksection: user: "), err.Error())
	}
}

// TestDecodeErrorsNeverEchoSecrets: a server that echoes the client's
// credential inside data of the wrong shape gets an error that does not
// repeat it, anywhere in the errors.Unwrap chain.
func TestDecodeErrorsNeverEchoSecrets(t *testing.T) {
	t.Parallel()
	shapes := []string{`{"id":{"a":"SECRET"}}`, `{"id":["SECRET"]}`, `{"rate":{"t":"SECRET"}}`, `{"rate":"SECRET"}`,
		`{"rate":["SECRET"]}`, `{"role":{"SECRET":1}}`, `{"role":["SECRET"]}`, `{"name":["SECRET"]}`, `{"services":"SECRET"}`,
		`{"services":["SECRET"]}`, `"SECRET"`, `["SECRET"]`, `{"id":SECRET}`, `{"id":"SECRET\u00"}`}
	for _, shape := range shapes {
		t.Run(shape, func(t *testing.T) {
			t.Parallel()
			admin, mt := newMockClient(t)
			item := strings.ReplaceAll(shape, "SECRET", testKey)
			respond(mt, http.MethodGet, adminURL, 200, `{"status":"ok","data":[`+item+`]}`)
			_, err := admin.GetUsers(context.Background())
			requireNoSecret(t, err, testKey)
			respond(mt, http.MethodPost, adminURL, 200, `{"status":"ok","data":`+item+`}`)
			_, err = admin.AddUser(context.Background(), AddUserParams{Email: "a@b.co"})
			requireNoSecret(t, err, testKey)

			user, mt := newTokenClient(t)
			item = strings.ReplaceAll(shape, "SECRET", testToken)
			for _, data := range []string{item, "[" + item + "]", "[" + item + "," + item + "]"} {
				respond(mt, http.MethodGet, userURL, 200, `{"status":"ok","data":`+data+`}`)
				_, err = user.Me(context.Background())
				requireNoSecret(t, err, testToken)
			}
		})
	}
}

func requireNoSecret(t *testing.T, err error, secret string) {
	t.Helper()
	require.Error(t, err)
	eachError(err, func(e error) {
		require.NotContains(t, e.Error(), secret, "%T", e)
		require.NotContains(t, e.Error(), secret[4:16], "%T", e)
	})
}

// eachError calls fn on err and every error its Unwrap methods reach.
func eachError(err error, fn func(error)) {
	if err == nil {
		return
	}
	fn(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		eachError(u.Unwrap(), fn)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			eachError(e, fn)
		}
	}
}

func TestMeTakesAnObjectOrOneElementArray(t *testing.T) {
	t.Parallel()
	c, mt := newTokenClient(t)
	for _, data := range []string{`{"id":"5","role":"Owner"}`, `[{"id":5,"role":"owner"}]`} {
		respond(mt, http.MethodGet, userURL, 200, `{"status":"ok","data":`+data+`}`)
		u, err := c.Me(context.Background())
		require.NoError(t, err, data)
		require.Equal(t, &User{ID: "5", Role: RoleOwner}, u, data)
	}
	for _, data := range []string{`[]`, `null`, `[{"id":"5"},{"id":"6"}]`, `[null]`, `"x"`} {
		respond(mt, http.MethodGet, userURL, 200, `{"status":"ok","data":`+data+`}`)
		_, err := c.Me(context.Background())
		var re *ResponseError
		require.ErrorAs(t, err, &re, data)
		require.ErrorContains(t, err, "decoding data", data)
	}
	admin, _ := newMockClient(t)
	_, err := admin.Me(context.Background())
	require.ErrorIs(t, err, ErrInvalidInput, "me needs an access token")
}

func newTokenClient(t *testing.T) (*Client, *httpmock.MockTransport) {
	mt := newTransport(t)
	c, err := NewClient(testAccount, WithAccessToken(testToken), WithHTTPClient(&http.Client{Transport: mt}),
		WithRateLimit(rate.Inf, 0), WithRetry(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return c, mt
}
