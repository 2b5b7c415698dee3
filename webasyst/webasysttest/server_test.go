package webasysttest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/webasyst"
)

func TestTeamThroughClient(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	team, err := srv.Client().TeamList(context.Background())
	require.NoError(t, err)
	assert.Equal(t, DefaultTeam(), normalize(team))

	team, err = srv.Client(webasyst.WithTokenInQuery()).TeamList(context.Background())
	require.NoError(t, err)
	assert.Len(t, team, 6)
}

// normalize puts decoded times in UTC, as the seed holds them.
func normalize(team []webasyst.Teammate) []webasyst.Teammate {
	for i := range team {
		if l := team[i].LastLog; l != nil {
			l.CreateDatetime = l.CreateDatetime.UTC()
		}
	}
	return team
}

func TestWireShapes(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	get := func(path string, h http.Header) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	bearer := http.Header{"Authorization": {"Bearer " + srv.Token}}

	status, body := get("/api.php/tasks.team.getList", bearer)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, `"groups":[]`, "empty groups are PHP's []")
	assert.Contains(t, body, `"status":null`)
	assert.Contains(t, body, `"last_log":null`)
	assert.Contains(t, body, `"inviteLink":null`)
	assert.Contains(t, body, `"email":[]`)
	// The recorded shapes, spelled by the fake's own wire types.
	assert.True(t, strings.HasPrefix(body, `{"data":[{"contact":{"id":5,"name":"Ann Lee","photo_url":"https:\/\/team.example.com\/`), body[:80])
	assert.Contains(t, body, `"contact_info":{"name":"Ann Lee","title":null,"firstname":"Ann","middlename":null,"lastname":"Lee","jobtitle":"Backend developer","company":null,`)
	assert.Contains(t, body, `"groups":{"1":"Administrators","3":"Developers"}`, "id => name in the server's order")
	assert.Contains(t, body, `"create_datetime":"2024-05-06T10:14:15+00:00"`, "PHP's Y-m-d\\TH:i:sP")
	assert.Contains(t, body, `"attachments":[],"params":[],"task_number":12`)
	assert.Contains(t, body, `"sort":0,"inviteLink":null}`)

	for _, path := range []string{"/api.php/tasks/team.getList", "/api.php?app=tasks&method=team.getList"} {
		status, _ = get(path, bearer)
		assert.Equal(t, 200, status, path)
	}
	status, _ = get("/api.php/tasks.team.getList", http.Header{"Authorization": {srv.Token}})
	assert.Equal(t, 200, status, "a bare token in the header works too")

	status, body = get("/api.php/tasks.team.getList", nil)
	assert.Equal(t, 400, status)
	assert.JSONEq(t, `{"error":"token_required","error_description":"Access token is missing"}`, body)

	status, body = get("/api.php/tasks.team.getList?access_token=wrong", nil)
	assert.Equal(t, 401, status)
	var e map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &e))
	assert.Equal(t, "invalid_token", e["error"])
	assert.Len(t, e["sha256"], 64)

	status, body = get("/api.php/tasks.team.getList?format=xml", bearer)
	assert.Equal(t, 500, status)
	assert.Empty(t, body, "Teamwork's XML output is broken")

	status, _ = get("/api.php/tasks.nope", bearer)
	assert.Equal(t, 404, status)

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api.php/tasks.team.getList", strings.NewReader(""))
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 405, resp.StatusCode)
}

func TestFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		opt  Option
		want error
	}{
		{WithoutLicense(), webasyst.ErrPaymentRequired},
		{WithoutAccess(), webasyst.ErrForbidden},
	} {
		srv := NewServer(tc.opt)
		_, err := srv.Client().TeamList(ctx)
		assert.ErrorIs(t, err, tc.want)
		srv.Close()
	}

	srv := NewServer(WithToken("tok"), WithHeaderDropped())
	defer srv.Close()
	_, err := srv.Client().TeamList(ctx)
	assert.ErrorIs(t, err, webasyst.ErrUnauthorized, "the header was dropped")
	_, err = srv.Client(webasyst.WithTokenInQuery()).TeamList(ctx)
	assert.NoError(t, err, "the query parameter still works")

	srv.FailWithTasksError("Something broke")
	_, err = srv.Client(webasyst.WithTokenInQuery()).TeamList(ctx)
	var ae *webasyst.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, webasyst.APIError{HTTPStatus: 200, Code: "error", Description: "Something broke"}, *ae)
	assert.Equal(t, 3, srv.Requests())
}
