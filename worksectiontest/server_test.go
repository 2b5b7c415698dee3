package worksectiontest

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const docKey = "7776461cd931e7b1c8e9632ff8e979ce"

type envelope struct {
	Status         string          `json:"status"`
	StatusCode     int             `json:"status_code"`
	Message        string          `json:"message"`
	MessageDetails string          `json:"message_details"`
	Data           json.RawMessage `json:"data"`
}

// raw sends a hand-built request, bypassing the SDK, and decodes the
// envelope.
func raw(t *testing.T, method, url string, header http.Header, body string) (int, envelope) {
	t.Helper()
	status, b := rawBytes(t, method, url, header, body)
	var env envelope
	require.NoError(t, json.Unmarshal(b, &env), "body %q", b)
	return status, env
}

// rawBytes sends a hand-built request and returns the body as received.
func rawBytes(t *testing.T, method, url string, header http.Header, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestDocumentedWorkedExample(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	// The FAQ's final URL, verbatim.
	status, env := raw(t, "GET", srv.URL+"/api/admin/v2/?action=get_tasks&id_project=26&hash=ec3ab2c28f21b4a07424f8ed688d6644", nil, "")
	assert.Equal(t, 200, status)
	assert.Equal(t, "ok", env.Status)
	assert.Contains(t, string(env.Data), `"Launch the website"`)
}

func TestHashRejected(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	for _, q := range []string{
		"action=get_users", // missing
		"action=get_users&hash=00000000000000000000000000000000",     // wrong
		"action=get_users&hash=82d6b87d8d0b3ca3a91506adfc42751d&x=1", // not last
		"action=get_users&x=1&hash=82d6b87d8d0b3ca3a91506adfc42751d", // covers different bytes
	} {
		status, env := raw(t, "GET", srv.URL+"/api/admin/v2/?"+q, nil, "")
		assert.Equal(t, 200, status, q)
		assert.Equal(t, envelope{Status: "error", StatusCode: 2, Message: "Action hash is missed or invalid"}, env, q)
	}
	status, env := raw(t, "GET", srv.URL+"/api/admin/v2/?action=get_users&hash=82d6b87d8d0b3ca3a91506adfc42751d", nil, "")
	assert.Equal(t, 200, status)
	assert.Equal(t, "ok", env.Status)
}

func TestHMACHeader(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	srv := NewServer(WithAPIKey(docKey), WithClock(func() time.Time { return now }))
	defer srv.Close()
	// The research notes' vector for get_users at t=1700000000.
	good := http.Header{"Authorization": {"Admin 1700000000_04098e47b99eacb794e0ac4877898cd650c4dfb6f83121cf5e1c019254614b18"},
		"Content-Type": {"application/json; charset=utf-8"}}
	_, env := raw(t, "POST", srv.URL+"/api/admin/v2?action=get_users", good, "")
	assert.Equal(t, "ok", env.Status, env.Message)
	assert.Equal(t, AuthHMAC, srv.Requests()[0].Auth)

	// Signed for another action.
	_, env = raw(t, "POST", srv.URL+"/api/admin/v2?action=get_contacts", good, "")
	assert.Equal(t, 2, env.StatusCode)

	later := NewServer(WithAPIKey(docKey), WithClock(func() time.Time { return now.Add(10 * time.Minute) }))
	defer later.Close()
	_, env = raw(t, "POST", later.URL+"/api/admin/v2?action=get_users", good, "")
	assert.Equal(t, 2, env.StatusCode, "stale timestamp")
}

func TestJSONBodyParams(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	_, env := hmacCall(t, srv, "add_user_group", `{"title":"From JSON","client":1}`)
	require.Equal(t, "ok", env.Status, env.Message)
	assert.JSONEq(t, `{"id":"10001","title":"From JSON","type":"company","client":1}`, string(env.Data))

	// JSON true/false for client are PHP's 1/0.
	_, env = hmacCall(t, srv, "add_user_group", `{"title":"Bool client","client":true}`)
	require.Equal(t, "ok", env.Status, env.Message)
	assert.JSONEq(t, `{"id":"10002","title":"Bool client","type":"company","client":1}`, string(env.Data))
	_, env = hmacCall(t, srv, "add_user_group", `{"title":"Bool staff","client":false}`)
	require.Equal(t, "ok", env.Status, env.Message)
	assert.JSONEq(t, `{"id":"10003","title":"Bool staff","type":"company","client":0}`, string(env.Data))
}

func TestBearer(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	tok := srv.NewAccessToken("kate.greenway@acme.example")
	status, env := raw(t, "GET", srv.URL+"/api/oauth2?action=me", http.Header{"Authorization": {"Bearer " + tok}}, "")
	assert.Equal(t, 200, status)
	assert.JSONEq(t, `{"id":"3994","first_name":"Kate","last_name":"Greenway","name":"Kate Greenway","title":"CTO",
		"avatar":"https://acme.worksection.com/images/avatar/3994.png","group":"Development","department":"","role":"Account admin",
		"email":"kate.greenway@acme.example"}`, string(env.Data), "an object without rate, as the Postman recording shows")

	status, env = raw(t, "GET", srv.URL+"/api/oauth2?action=me&access_token="+tok, nil, "")
	assert.Equal(t, 200, status, "token as a query parameter")

	status, env = raw(t, "GET", srv.URL+"/api/oauth2?action=me", nil, "")
	assert.Equal(t, 401, status)

	srv.ExpireAccessToken(tok)
	status, env = raw(t, "GET", srv.URL+"/api/oauth2?action=me", http.Header{"Authorization": {"Bearer " + tok}}, "")
	assert.Equal(t, 401, status)
	assert.Equal(t, "Access token is expired", env.Message)

	for _, r := range srv.Requests() {
		assert.NotContains(t, fmt.Sprint(r), tok, "tokens are not logged")
	}
}

func hmacHex(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// hmacCall sends action in the vendor's 2026 shape: POST
// /api/admin/v2?action=<name>, params in a JSON body, Admin header.
func hmacCall(t *testing.T, srv *Server, action, body string) (int, envelope) {
	t.Helper()
	return raw(t, "POST", srv.URL+"/api/admin/v2?action="+action, hmacHeader(srv, action), body)
}

func hmacHeader(srv *Server, action string) http.Header {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	return http.Header{"Authorization": {"Admin " + ts + "_" + hmacHex(srv.APIKey, action+":"+ts)},
		"Content-Type": {"application/json; charset=utf-8"}}
}

// md5Call sends query (written PHP-encoded by hand) signed with its md5.
func md5Call(t *testing.T, srv *Server, query string) (int, envelope) {
	t.Helper()
	return raw(t, "POST", srv.URL+"/api/admin/v2/?"+query+"&hash="+md5hex(query+srv.APIKey), nil, "")
}

func TestActionErrors(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	call := func(q string) envelope {
		_, env := raw(t, "POST", srv.URL+"/api/admin/v2/?"+q+"&hash="+md5hex(q+docKey), nil, "")
		return env
	}
	for q, want := range map[string]envelope{
		"action=nope":     {Status: "error", Message: "Action is invalid"},
		"action=add_user": {Status: "error", StatusCode: 10, Message: "Field is required", MessageDetails: "email"},
		"action=add_user&email=a%40x.com%2Cb%40y.com":                       {Status: "error", StatusCode: 11, Message: "Invalid email", MessageDetails: "a@x.com,b@y.com"},
		"action=add_user&email=kate.greenway%40acme.example":                {Status: "error", StatusCode: 11, Message: "User already exists", MessageDetails: "kate.greenway@acme.example"},
		"action=add_user_group":                                             {Status: "error", StatusCode: 10, Message: "Field is required", MessageDetails: "title"},
		"action=add_contact_group":                                          {Status: "error", StatusCode: 10, Message: "Field is required", MessageDetails: "title"},
		"action=add_contact&email=a%40x.com":                                {Status: "error", StatusCode: 10, Message: "Field is required", MessageDetails: "name"},
		"action=subscribe&id_task=999&email_user=john.smith%40acme.example": {Status: "error", StatusCode: 5, Message: "Task is invalid"},
		"action=unsubscribe&id_task=1201&email_user=a%40x.com%2Cb%40y.com":  {Status: "error", StatusCode: 11, Message: "Invalid email", MessageDetails: "a@x.com,b@y.com"},
	} {
		assert.Equal(t, want, call(q), q)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	url := srv.URL + "/api/admin/v2/?action=get_users&hash=82d6b87d8d0b3ca3a91506adfc42751d"
	get := func() (*http.Response, []byte, error) {
		resp, err := http.Get(url)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}

	srv.Inject("get_users", 1, ServerError(503))
	resp, _, err := get()
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode)

	srv.Inject("get_users", 1, TooManyRequests(3*time.Second))
	resp, _, err = get()
	require.NoError(t, err)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "3", resp.Header.Get("Retry-After"))

	srv.Inject("*", 1, HTMLPage())
	resp, body, err := get()
	require.NoError(t, err)
	assert.Equal(t, 502, resp.StatusCode)
	assert.True(t, bytes.HasPrefix(body, []byte("<html>")))

	srv.Inject("get_users", 1, TruncatedBody())
	_, _, err = get()
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)

	srv.Inject("get_users", 1, DropAfterApply())
	_, _, err = get()
	assert.Error(t, err)

	srv.Inject("get_users", 1, Delay(50*time.Millisecond))
	start := time.Now()
	resp, _, err = get()
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)

	resp, _, err = get()
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode, "faults are used up")

	var outcomes []string
	for _, r := range srv.Requests() {
		outcomes = append(outcomes, r.Outcome)
		assert.NotContains(t, fmt.Sprintf("%+v", r), "82d6b87d", "hashes are not logged")
	}
	assert.Equal(t, []string{"fault: HTTP 503", "fault: HTTP 429, Retry-After 3s", "fault: HTML page", "ok", "ok", "ok", "ok"}, outcomes)
}

func TestDropAfterApplyApplies(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	srv.Inject("add_user_group", 1, DropAfterApply())
	q := "action=add_user_group&title=Dropped"
	_, err := http.Post(srv.URL+"/api/admin/v2/?"+q+"&hash="+md5hex(q+docKey), "", nil)
	require.Error(t, err)
	titles := []string{}
	for _, g := range srv.UserGroups() {
		titles = append(titles, g.Title)
	}
	assert.Contains(t, titles, "Dropped")
}

func TestRateLimitSwitch(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(1700000000)
	srv := NewServer(WithAPIKey(docKey), WithRateLimit(time.Second), WithClock(func() time.Time { return time.Unix(now.Load(), 0) }))
	defer srv.Close()
	url := srv.URL + "/api/admin/v2/?action=get_users&hash=82d6b87d8d0b3ca3a91506adfc42751d"
	_, env := raw(t, "GET", url, nil, "")
	assert.Equal(t, "ok", env.Status)
	_, env = raw(t, "GET", url, nil, "")
	assert.Equal(t, envelope{Status: "error", Message: "Too many requests"}, env)
	now.Add(1)
	_, env = raw(t, "GET", url, nil, "")
	assert.Equal(t, "ok", env.Status)
}
