package worksection

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestHMACSigning(t *testing.T) {
	t.Parallel()
	mt := newTransport(t)
	c, err := NewClient(testAccount, WithAPIKey(testKey), WithHMACSigning(), WithHTTPClient(&http.Client{Transport: mt}),
		func(o *options) error { o.now = func() time.Time { return time.Unix(1700000000, 0) }; return nil })
	require.NoError(t, err)
	rec := respond(mt, http.MethodPost, hmacURL, 200, fixture(t, "get_users.json"))
	_, err = c.GetUsers(context.Background())
	require.NoError(t, err)
	req := rec.last(t)
	assert.Equal(t, "action=get_users", req.URL.RawQuery)
	assert.Equal(t, "Admin 1700000000_04098e47b99eacb794e0ac4877898cd650c4dfb6f83121cf5e1c019254614b18", req.Header.Get("Authorization"))
	assert.Equal(t, "application/json; charset=utf-8", req.Header.Get("Content-Type"))
	assert.Zero(t, req.ContentLength, "no parameters: an empty body")
}

// HMAC mode sends the vendor's 2026 shape for every action: POST
// /api/admin/v2?action=<name> with the other parameters in a JSON body,
// ids as numbers.
func TestHMACSendsTheVendorShape(t *testing.T) {
	t.Parallel()
	mt := newTransport(t)
	c, err := NewClient(testAccount, WithAPIKey(testKey), WithHMACSigning(), WithHTTPClient(&http.Client{Transport: mt}),
		WithRateLimit(rate.Inf, 0), WithRetry(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	var bodies []string
	mt.RegisterResponder(http.MethodPost, hmacURL, func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		bodies = append(bodies, req.URL.RawQuery+" "+string(b))
		return httpmock.NewStringResponse(200, `{"status":"ok","data":{"id":"1"}}`), nil
	})
	require.NoError(t, c.Subscribe(context.Background(), SubscribeParams{TaskID: "1201", Email: "a+b@x.example"}))
	_, err = c.AddUserGroup(context.Background(), AddUserGroupParams{Title: "R&D <core>", Client: true})
	require.NoError(t, err)
	assert.Equal(t, []string{
		`action=subscribe {"id_task":1201,"email_user":"a+b@x.example"}`,
		`action=add_user_group {"title":"R&D <core>","client":1}`,
	}, bodies)
}

// The md5 hash of "action=get_users" with testKey, and the HMAC credential
// for get_users at t=1700000000.
const (
	getUsersHash = "82d6b87d8d0b3ca3a91506adfc42751d"
	hmacCred     = "1700000000_04098e47b99eacb794e0ac4877898cd650c4dfb6f83121cf5e1c019254614b18"
)

// cutBody returns part of a body, then fails the read, like a dropped connection.
type cutBody struct{ r io.Reader }

func (b *cutBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func (b *cutBody) Close() error { return nil }

// TestSecretsNeverLeak drives every failure path with a known key, token
// and computed hash, and looks for them in the error (every fmt verb) and
// in the debug log.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	// Each secret echoed as sent, in upper case, JSON-escaped and
	// URL-escaped, as a careless server or proxy might.
	var echo string
	for _, s := range []string{getUsersHash, testKey, testToken, hmacCred} {
		j, _ := json.Marshal(s)
		echo += " " + s + " " + strings.ToUpper(s) + " " + strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`) + " " + url.QueryEscape(s)
	}
	responders := map[string]httpmock.Responder{
		"transport error": httpmock.NewErrorResponder(errors.New("connection reset by peer")),
		"5xx":             httpmock.NewStringResponder(503, "<html>503 for "+echo+"</html>"),
		"html page":       httpmock.NewStringResponder(200, "<!DOCTYPE html><p>"+echo+"</p>"),
		"truncated body": func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Body: &cutBody{strings.NewReader(`{"status":"ok","data":[{"id":"` + echo)}}, nil
		},
		"api error": httpmock.NewStringResponder(200,
			`{"status":"error","status_code":2,"message":"Action hash is missed or invalid: `+echo+`","message_details":"`+echo+`"}`),
		"oauth error": httpmock.NewStringResponder(401, `{"error":"invalid_token","errorDescription":"`+echo+`"}`),
		"timeout": func(req *http.Request) (*http.Response, error) {
			<-req.Context().Done()
			return nil, req.Context().Err()
		},
		"echoed url": func(req *http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(502, "bad gateway for "+req.URL.String()), nil
		},
	}
	type setup struct {
		name        string
		opts        []Option
		method, url string
		secrets     []string // what this client holds or computes
	}
	setups := []setup{
		{"md5", []Option{WithAPIKey(testKey)}, http.MethodGet, adminURL, []string{testKey, getUsersHash}},
		{"hmac", []Option{WithAPIKey(testKey), WithHMACSigning(), func(o *options) error {
			o.now = func() time.Time { return time.Unix(1700000000, 0) }
			return nil
		}}, http.MethodPost, hmacURL, []string{testKey, hmacCred}},
		{"token", []Option{WithAccessToken(testToken)}, http.MethodGet, userURL, []string{testToken}},
	}
	for _, s := range setups {
		for name, responder := range responders {
			t.Run(s.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				mt := newTransport(t)
				mt.RegisterResponder(s.method, s.url, responder)
				var logs bytes.Buffer
				logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				opts := append([]Option{WithHTTPClient(&http.Client{Transport: mt, Timeout: 50 * time.Millisecond}),
					WithLogger(logger), WithRateLimit(rate.Inf, 0), WithRetry(RetryPolicy{MaxAttempts: 2, MaxWait: time.Millisecond})}, s.opts...)
				c, err := NewClient(testAccount, opts...)
				require.NoError(t, err)

				_, err = c.GetUsers(context.Background())
				require.Error(t, err)
				out := logs.String()
				for e := err; e != nil; e = errors.Unwrap(e) { // the whole chain, each link printed every way
					for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
						out += fmt.Sprintf(verb, e)
					}
				}
				assert.NotEmpty(t, logs.String(), "attempts were logged")
				for _, secret := range s.secrets {
					if strings.Contains(strings.ToLower(out), strings.ToLower(secret)) {
						t.Errorf("secret %.6s... leaked", secret) // not the whole output: it holds the secret
					}
				}
			})
		}
	}
}

func TestLoggerRecordsEachAttempt(t *testing.T) {
	t.Parallel()
	mt := newTransport(t)
	mt.RegisterResponder(http.MethodGet, adminURL,
		httpmock.NewStringResponder(503, "down").Then(httpmock.NewStringResponder(200, fixture(t, "get_user_groups.json"))))
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := NewClient(testAccount, WithAPIKey(testKey), WithHTTPClient(&http.Client{Transport: mt}), WithLogger(logger),
		WithRateLimit(rate.Inf, 0), WithRetry(RetryPolicy{MaxAttempts: 3, MaxWait: time.Millisecond}))
	require.NoError(t, err)
	_, err = c.GetUserGroups(context.Background())
	require.NoError(t, err)

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 2, "one record per attempt")
	for i, status := range []string{`"http_status":503`, `"http_status":200`} {
		assert.Contains(t, lines[i], `"level":"DEBUG"`)
		assert.Contains(t, lines[i], `"action":"get_user_groups"`)
		assert.Contains(t, lines[i], fmt.Sprintf(`"attempt":%d`, i+1))
		assert.Contains(t, lines[i], status)
		assert.Contains(t, lines[i], `"duration":`)
		assert.Contains(t, lines[i], `"bytes":`)
		assert.NotContains(t, lines[i], "hash")
		assert.NotContains(t, lines[i], "action=")
	}
}

func TestEachAttemptSignedAfresh(t *testing.T) {
	t.Parallel()
	mt := newTransport(t)
	var auths []string
	n := 0
	mt.RegisterResponder(http.MethodPost, hmacURL, func(req *http.Request) (*http.Response, error) {
		auths = append(auths, req.Header.Get("Authorization"))
		n++
		if n == 1 {
			return httpmock.NewStringResponse(503, "down"), nil
		}
		return httpmock.NewStringResponse(200, fixture(t, "get_users.json")), nil
	})
	clock := int64(1700000000)
	c, err := NewClient(testAccount, WithAPIKey(testKey), WithHMACSigning(), WithHTTPClient(&http.Client{Transport: mt}),
		WithRateLimit(rate.Inf, 0), WithRetry(RetryPolicy{MaxAttempts: 2, MaxWait: time.Millisecond}),
		func(o *options) error { o.now = func() time.Time { clock++; return time.Unix(clock, 0) }; return nil })
	require.NoError(t, err)
	_, err = c.GetUsers(context.Background())
	require.NoError(t, err)
	require.Len(t, auths, 2)
	assert.True(t, strings.HasPrefix(auths[0], "Admin 1700000001_"))
	assert.True(t, strings.HasPrefix(auths[1], "Admin 1700000002_"))
}
