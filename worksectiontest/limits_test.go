package worksectiontest

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGatewayTimeoutThenApply(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	q := "action=add_contact&email=gw%40example.com&name=Gate+Way"
	url := srv.URL + "/api/admin/v2/?" + q + "&hash=" + md5hex(q+docKey)

	// Applied later: the client sees a 504, then the contact appears.
	srv.Inject("add_contact", 1, GatewayTimeoutThenApply(20*time.Millisecond))
	status, body := rawBytes(t, "POST", url, nil, "")
	assert.Equal(t, http.StatusGatewayTimeout, status)
	assert.Contains(t, string(body), "504 Gateway Time-out")
	srv.Drain()
	assert.Equal(t, 1, countContacts(srv, "gw@example.com"))
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "fault: HTTP 504, applied after 20ms: ok", reqs[0].Outcome)

	// Not yet applied when the 504 arrives; dropped if the server closes first.
	slow := NewServer(WithAPIKey(docKey))
	slow.Inject("*", 1, GatewayTimeoutThenApply(time.Hour))
	status, _ = rawBytes(t, "POST", slow.URL+"/api/admin/v2/?"+q+"&hash="+md5hex(q+docKey), nil, "")
	assert.Equal(t, http.StatusGatewayTimeout, status)
	assert.Equal(t, 0, countContacts(slow, "gw@example.com"))
	slow.Close()
	assert.Equal(t, "fault: HTTP 504, applied after 1h0m0s: not applied: server closed", slow.Requests()[0].Outcome)

	// A bad credential is refused when applied, as the upstream would.
	srv.Inject("add_contact", 1, GatewayTimeoutThenApply(time.Millisecond))
	status, _ = rawBytes(t, "POST", srv.URL+"/api/admin/v2/?"+q+"&hash="+md5hex(q+"wrong"), nil, "")
	assert.Equal(t, http.StatusGatewayTimeout, status)
	srv.Drain()
	assert.Equal(t, 1, countContacts(srv, "gw@example.com"))
	assert.Equal(t, "fault: HTTP 504, applied after 1ms: Action hash is missed or invalid", srv.Requests()[1].Outcome)
}

func countContacts(srv *Server, email string) int {
	n := 0
	for _, c := range srv.Contacts() {
		if c.Email == email {
			n++
		}
	}
	return n
}

func TestTruncatedBodyAndDropStillApply(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	for i, f := range []Fault{TruncatedBody(), DropAfterApply()} {
		srv.Inject("add_user_group", 1, f)
		title := []string{"Truncated", "Dropped"}[i]
		q := "action=add_user_group&title=" + title
		resp, err := http.Post(srv.URL+"/api/admin/v2/?"+q+"&hash="+md5hex(q+docKey), "", nil)
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(new(envelope))
			resp.Body.Close()
		}
		require.Error(t, err, f.String())
		var titles []string
		for _, g := range srv.UserGroups() {
			titles = append(titles, g.Title)
		}
		assert.Contains(t, titles, title, "applied before the answer broke")
	}
}

func TestRateLimitCountsRefusals(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey), WithRateLimit(time.Hour))
	defer srv.Close()
	const n = 8
	var wg sync.WaitGroup
	var refused atomic.Int32
	for range n {
		wg.Go(func() {
			_, env := md5Call(t, srv, "action=get_users")
			if env.Message == "Too many requests" {
				refused.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(n-1), refused.Load(), "one request per window, whatever the arrival order")
	assert.Equal(t, n-1, srv.RateLimited())
}

func TestNetworkDelay(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey), WithNetworkDelay(100*time.Millisecond))
	defer srv.Close()
	start := time.Now()
	const n = 20
	for range n {
		_, env := md5Call(t, srv, "action=get_users")
		require.Equal(t, "ok", env.Status)
	}
	// The delays are uniform in [0, 100ms], mean 1s in all; a total under
	// 200ms has a probability below 1e-12.
	assert.Greater(t, time.Since(start), 200*time.Millisecond)
}

func TestAccessTokenTTL(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Unix(1700000000, 0).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	srv := NewServer(WithAccessTokenTTL(300*time.Millisecond), WithClock(clock))
	defer srv.Close()

	tok := srv.NewToken("kate.greenway@acme.example")
	assert.Equal(t, clock().Add(300*time.Millisecond), tok.Expiry)
	plain := srv.NewAccessToken("kate.greenway@acme.example")
	me := func(access string) (int, envelope) {
		return raw(t, "GET", srv.URL+"/api/oauth2?action=me", http.Header{"Authorization": {"Bearer " + access}}, "")
	}
	status, _ := me(tok.AccessToken)
	assert.Equal(t, 200, status)
	now.Add(int64(300 * time.Millisecond))
	for _, access := range []string{tok.AccessToken, plain} {
		status, env := me(access)
		assert.Equal(t, 401, status)
		assert.Equal(t, "Access token is expired", env.Message)
	}

	// The refresh endpoint issues tokens with the same TTL; expires_in is
	// whole seconds, at least 1.
	_, b := refresh(t, srv, tok.RefreshToken)
	var body map[string]any
	require.NoError(t, json.Unmarshal(b, &body))
	assert.Equal(t, 1.0, body["expires_in"])
	assert.True(t, strings.HasPrefix(string(b), `{"token_type":"Bearer","expires_in":1,"access_token":"`), "recorded order")
	status, _ = me(body["access_token"].(string))
	assert.Equal(t, 200, status)
	now.Add(int64(300 * time.Millisecond))
	status, _ = me(body["access_token"].(string))
	assert.Equal(t, 401, status)
}

func refresh(t *testing.T, srv *Server, refreshToken string) (int, []byte) {
	t.Helper()
	return rawBytes(t, "POST", srv.URL+"/oauth2/refresh", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		"grant_type=refresh_token&client_id="+srv.ClientID+"&client_secret="+srv.ClientSecret+"&refresh_token="+refreshToken)
}

func TestRefreshTokenRotation(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	tok := srv.NewToken("kate.greenway@acme.example")
	_, first := refresh(t, srv, tok.RefreshToken)
	assert.Contains(t, string(first), `"access_token"`)
	assert.Equal(t, 1, srv.RefreshCount())

	// A second refresh with the same token: someone else refreshed first.
	status, again := refresh(t, srv, tok.RefreshToken)
	assert.Equal(t, 200, status)
	assert.Equal(t, `{"error":"invalid_grant","errorDescription":"Token has been revoked"}`, string(again))
	_, unknown := refresh(t, srv, "def50200nonsense")
	assert.Equal(t, `{"error":"invalid_request","errorDescription":"Cannot decrypt the refresh token"}`, string(unknown))
	assert.Equal(t, 1, srv.RefreshCount(), "only granted refreshes count")

	status, env := raw(t, "GET", srv.URL+"/api/oauth2?action=me", http.Header{"Authorization": {"Bearer " + tok.AccessToken}}, "")
	assert.Equal(t, 401, status, "the old pair stops working")
	assert.Equal(t, "Access token is invalid", env.Message)
}

func TestMeDefaults(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	_, env := md5Call(t, srv, "action=me")
	assert.Equal(t, envelope{Status: "error", Message: "Action is invalid", MessageDetails: "method available only for access token"}, env)
	_, env = hmacCall(t, srv, "me", "")
	assert.Equal(t, "Action is invalid", env.Message)

	old := NewServer(WithAPIKey(docKey), WithMeOnAdminAPI(), WithMeAsArray())
	defer old.Close()
	_, env = md5Call(t, old, "action=me")
	assert.JSONEq(t, `[{"id":"3993","first_name":"John","last_name":"Smith","name":"John Smith","title":"CEO",
		"avatar":"https://acme.worksection.com/images/avatar/3993.png","group":"Management","department":"","role":"Owner",
		"email":"john.smith@acme.example","phone":"+1 555 0100","address":"1 Main St, Springfield"}]`, string(env.Data),
		"the FAQ's array, for the owner")
}

func TestExpiresInRoundsDown(t *testing.T) {
	t.Parallel()
	for ttl, want := range map[time.Duration]string{2500 * time.Millisecond: `"expires_in":2,`, 0: `"expires_in":1,`, 24 * time.Hour: `"expires_in":86400,`} {
		srv := NewServer(WithAccessTokenTTL(ttl))
		_, b := refresh(t, srv, srv.NewToken("kate.greenway@acme.example").RefreshToken)
		assert.Contains(t, string(b), want, ttl)
		srv.Close()
	}
}
