package worksectiontest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A fake left running keeps a bounded log: the last MaxLoggedRequests
// requests, and at most 1 KiB of the parameters of a request it refused,
// while ActionCount still counts them all.
func TestRequestLogIsBounded(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	big := strings.Repeat("x", 64<<10)
	for i := range 3 { // unauthenticated, each with 64 KiB of parameters
		resp, err := http.PostForm(srv.URL+"/api/admin/v2/?action=get_users&hash=bad", url.Values{"junk": {big}, "n": {string(rune('a' + i))}})
		require.NoError(t, err)
		resp.Body.Close()
	}
	for _, r := range srv.Requests() {
		size := 0
		for k, vs := range r.Params {
			for _, v := range vs {
				size += len(k) + len(v)
			}
		}
		assert.LessOrEqual(t, size, 1024, "a refused request keeps at most 1 KiB of parameters")
	}

	srv.mu.Lock() // fill the log as a long run would, without the network
	for range MaxLoggedRequests + MaxLoggedRequests/4 {
		srv.logLocked(Request{Action: "get_user_groups", Outcome: "ok"})
	}
	retained := cap(srv.requests)
	srv.mu.Unlock()
	srv.Inject("get_users", 1, GatewayTimeoutThenApply(0))
	_, err := srv.Client().GetUsers(t.Context()) // a read: resent after the 504
	require.NoError(t, err)
	srv.Drain()

	log := srv.Requests()
	assert.Len(t, log, MaxLoggedRequests)
	assert.LessOrEqual(t, retained, MaxLoggedRequests+MaxLoggedRequests/8+1, "memory stays bounded")
	assert.Equal(t, MaxLoggedRequests+MaxLoggedRequests/4, srv.ActionCount("get_user_groups"), "every request is counted")
	gateway := log[len(log)-2]
	assert.Equal(t, "get_users", gateway.Action)
	assert.Equal(t, "fault: HTTP 504, applied after 0s: ok", gateway.Outcome, "an outcome set later reaches the right entry")
}
