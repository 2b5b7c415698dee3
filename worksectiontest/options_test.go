package worksectiontest_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestEmptyAndSeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	empty := worksectiontest.NewServer(worksectiontest.Empty())
	defer empty.Close()
	users, err := empty.Client().GetUsers(ctx)
	require.NoError(t, err)
	assert.Empty(t, users)
	folders, err := empty.Client().GetContactGroups(ctx)
	require.NoError(t, err)
	assert.Len(t, folders, 4, "the presets are always there")

	seeded := worksectiontest.NewServer(worksectiontest.WithSeed(worksectiontest.Seed{
		Users: []ws.User{{ID: "1", FirstName: "Solo", Role: ws.RoleOwner, Email: "solo@example.com"}},
		Tasks: []worksectiontest.Task{{ID: "7", ProjectID: "1", Name: "Only task"}},
	}))
	defer seeded.Close()
	users, err = seeded.Client().GetUsers(ctx)
	require.NoError(t, err)
	require.Len(t, users, 1)
	assert.Equal(t, "Solo", users[0].Name)
	require.NoError(t, seeded.Client().Subscribe(ctx, ws.SubscribeParams{TaskID: "7", Email: "solo@example.com"}))
	assert.Equal(t, []string{"solo@example.com"}, seeded.TaskSubscribers("7"))
	assert.Nil(t, seeded.TaskSubscribers("8"))
}

func TestMeShapes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, opts := range [][]worksectiontest.Option{nil, {worksectiontest.WithMeAsArray()}} {
		srv := worksectiontest.NewServer(opts...)
		defer srv.Close()
		c, err := ws.NewClient(srv.URL, ws.WithAccessToken(srv.NewAccessToken("yuki.tanaka@acme.example")))
		require.NoError(t, err)
		me, err := c.Me(ctx)
		require.NoError(t, err, "the SDK reads me as an object and as an array")
		assert.Equal(t, "yuki.tanaka@acme.example", me.Email)
	}
}

func TestUserAPIServesEveryAction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c, err := ws.NewClient(srv.URL, ws.WithAccessToken(srv.NewAccessToken("kate.greenway@acme.example")), ws.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	_, err = c.GetUsers(ctx)
	require.NoError(t, err)
	_, err = c.AddUserGroup(ctx, ws.AddUserGroupParams{Title: "Via token"})
	require.NoError(t, err)
	_, err = c.AddContact(ctx, ws.AddContactParams{Email: "t@example.com", Name: "Via Token"})
	require.NoError(t, err)
	require.NoError(t, c.Subscribe(ctx, ws.SubscribeParams{TaskID: "1203", Email: "yuki.tanaka@acme.example"}))
	for _, r := range srv.Requests() {
		assert.Equal(t, worksectiontest.AuthBearer, r.Auth, r.Action)
		assert.Equal(t, "/api/oauth2", r.Path)
	}
}

func TestClientLogValueHidesKey(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("client", "c", srv.Client())
	assert.NotContains(t, buf.String(), srv.APIKey)
	assert.Contains(t, buf.String(), srv.URL)
}

// TestSDKHMACModeSendsVendorShape runs every admin action the SDK has in
// HMAC mode: the fake accepts only the vendor's shape, so a drift fails here.
func TestSDKHMACModeSendsVendorShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client(ws.WithHMACSigning())
	_, err := c.GetUsers(ctx)
	require.NoError(t, err)
	_, err = c.AddUser(ctx, ws.AddUserParams{Email: "hmac@example.com", FirstName: "Hm Ac"})
	require.NoError(t, err)
	_, err = c.GetUserGroups(ctx)
	require.NoError(t, err)
	_, err = c.AddUserGroup(ctx, ws.AddUserGroupParams{Title: "HMAC team"})
	require.NoError(t, err)
	_, err = c.GetContacts(ctx)
	require.NoError(t, err)
	_, err = c.AddContact(ctx, ws.AddContactParams{Email: "hc@example.com", Name: "H C"})
	require.NoError(t, err)
	_, err = c.GetContactGroups(ctx)
	require.NoError(t, err)
	_, err = c.AddContactGroup(ctx, ws.AddContactGroupParams{Title: "HMAC folder"})
	require.NoError(t, err)
	require.NoError(t, c.Subscribe(ctx, ws.SubscribeParams{TaskID: "1203", Email: "hmac@example.com"}))
	require.NoError(t, c.Unsubscribe(ctx, ws.SubscribeParams{TaskID: "1203", Email: "hmac@example.com"}))
	reqs := srv.Requests()
	require.Len(t, reqs, 10)
	for _, r := range reqs {
		assert.Equal(t, worksectiontest.AuthHMAC, r.Auth, r.Action)
		assert.Equal(t, "ok", r.Outcome, r.Action)
	}
}

// WithListener serves on the listener given, so the URL is its address.
func TestWithListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := worksectiontest.NewServer(worksectiontest.WithListener(l))
	defer srv.Close()
	assert.Equal(t, "http://"+l.Addr().String(), srv.URL)
	_, err = srv.Client().GetUsers(context.Background())
	require.NoError(t, err)
}
