package webasyst

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testBase  = "https://team.example.com/wa"
	testToken = "b936356100e3883cabf59abed991d03d"
	endpoint  = testBase + "/api.php/tasks.team.getList"
)

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

func newMockClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request %s %s", req.Method, req.URL.Path)
		return nil, errors.New("no responder")
	})
	c, err := NewClient(testBase, testToken, append([]Option{WithHTTPClient(&http.Client{Transport: mt})}, opts...)...)
	require.NoError(t, err)
	return c, mt
}

func ptr[T any](v T) *T { return &v }

func TestTeamListDecodesEveryField(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var got *http.Request
	mt.RegisterResponder(http.MethodGet, endpoint, func(req *http.Request) (*http.Response, error) {
		got = req
		return httpmock.NewStringResponse(200, fixture(t, "team.json")), nil
	})

	team, err := c.TeamList(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.Empty(t, got.URL.RawQuery, "no format=xml, no token in the URL")

	ann := Contact{ID: 5, Name: "Ann Lee", PhotoURL: "https://example.com/wa-data/public/contacts/05/00/5/5.96x96@2x.jpg"}
	require.Len(t, team, 2)
	assert.Equal(t, Teammate{
		Contact: ann,
		ContactInfo: ContactInfo{Name: "Ann Lee", FirstName: ptr("Ann"), LastName: ptr("Lee"), JobTitle: ptr("Dev"),
			Email: []Labeled{{"work", "ann@example.com"}}, Phone: []Labeled{{"mobile", "+15550001"}}, Gender: ptr("f"),
			IM: []Labeled{}, Address: []Labeled{{"work", "1 Main St"}}, URL: []Labeled{}, Birthday: ptr("1990-02-03"),
			Locale: ptr("en_US"), Timezone: ptr("Europe/Berlin"), SocialNetwork: []Labeled{},
			LargePhotoURL: "https://example.com/wa-data/public/contacts/05/00/5/5.512x512@2x.jpg"},
		Status: &Status{Name: "Vacation", BgColor: "#ff0000", FontColor: "#ffffff"},
		LastLog: &LastLog{ID: 991, ProjectID: ptr(int64(2)), TaskID: 77, Contact: ann, Text: "Done <b>it</b>",
			TextStripped: "Done it", CreateDatetime: time.Date(2024, 5, 6, 10, 14, 15, 0, time.UTC),
			BeforeStatusID: ptr(int64(0)), AfterStatusID: ptr(int64(-1)), Attachments: []json.RawMessage{},
			Params: json.RawMessage(`[]`), TaskNumber: ptr(int64(12)), TaskName: ptr("Fix bug")},
		Groups: Groups{{3, "Developers"}, {1, "Administrators"}},
		Counts: Counts{Total: 7, Closed: 4, Active: 3, ActivePriority: 1},
	}, normalizeTime(team[0]))
	assert.Equal(t, "ann@example.com", team[0].ContactInfo.PrimaryEmail())
	assert.Equal(t, "Developers", team[0].Groups.First(), "the order the server sent, not sorted")

	bob := team[1]
	assert.Equal(t, Contact{ID: 9, Name: "Bob", PhotoURL: "https://example.com/wa-content/img/userpic.svg"}, bob.Contact)
	assert.Nil(t, bob.Status)
	assert.Nil(t, bob.LastLog)
	assert.Nil(t, bob.ContactInfo.LastName)
	assert.Empty(t, bob.Groups, "[] means no groups")
	assert.Equal(t, "", bob.Groups.First())
	assert.Equal(t, "", bob.ContactInfo.PrimaryEmail())
	assert.Equal(t, int64(1), bob.Sort)
	assert.Equal(t, ptr("https://example.com/link.php/abc/"), bob.InviteLink)
}

// normalizeTime makes the decoded time comparable with a UTC literal.
func normalizeTime(tm Teammate) Teammate {
	if tm.LastLog != nil {
		l := *tm.LastLog
		l.CreateDatetime = l.CreateDatetime.UTC()
		tm.LastLog = &l
	}
	return tm
}

func TestTokenInQuery(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, WithTokenInQuery(), WithUserAgent("importer/1.0"))
	var got *http.Request
	mt.RegisterResponder(http.MethodGet, endpoint, func(req *http.Request) (*http.Response, error) {
		got = req
		return httpmock.NewStringResponse(200, fixture(t, "empty.json")), nil
	})
	team, err := c.TeamList(context.Background())
	require.NoError(t, err)
	assert.Empty(t, team)
	assert.NotNil(t, team)
	assert.Equal(t, testToken, got.URL.Query().Get("access_token"))
	assert.Empty(t, got.Header.Get("Authorization"))
	assert.Equal(t, "importer/1.0", got.Header.Get("User-Agent"))
}

func TestErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fixture string
		status  int
		want    APIError
		is      error
		text    string
	}{
		{"error_invalid_token.json", 401, APIError{401, "invalid_token", "Invalid access token"}, ErrUnauthorized,
			"webasyst: invalid_token: Invalid access token (HTTP 401)"},
		{"error_token_required.json", 400, APIError{400, "token_required", "Access token is missing"}, ErrUnauthorized,
			"webasyst: token_required: Access token is missing (HTTP 400)"},
		{"error_access_denied.json", 403, APIError{403, "access_denied", ""}, ErrForbidden, "webasyst: access_denied (HTTP 403)"},
		{"error_payment_required.json", 402, APIError{402, "payment_required", "License not activated"}, ErrPaymentRequired,
			"webasyst: payment_required: License not activated (HTTP 402)"},
		{"error_tasks.json", 200, APIError{200, "error", "SQLSTATE[HY000]: General error"}, nil,
			"webasyst: error: SQLSTATE[HY000]: General error"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, endpoint, httpmock.NewStringResponder(tc.status, fixture(t, tc.fixture)))
			_, err := c.TeamList(context.Background())
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.want, *ae)
			assert.Equal(t, tc.text, err.Error())
			for _, s := range []error{ErrUnauthorized, ErrForbidden, ErrPaymentRequired} {
				assert.Equal(t, s == tc.is, errors.Is(err, s), "%v", s)
			}
			assert.NotContains(t, fmt.Sprintf("%+v", err), testToken)
		})
	}
}

func TestBadResponses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"xml breakage", 500, "", "HTTP 500: Internal Server Error"},
		{"html", 502, "<html><body>Bad gateway</body></html>", "HTTP 502: Bad Gateway"},
		{"truncated", 200, `{"data":[{"contact":{"id":5`, "response is not a JSON object"},
		{"wrong type", 200, `{"data":[{"contact":{"id":"five"}}]}`, "decoding data"},
		{"no data", 200, `{"other":1}`, "no data"},
		{"bad groups", 200, `{"data":[{"groups":7}]}`, "groups"},
		{"bad time", 200, `{"data":[{"last_log":{"create_datetime":"yesterday"}}]}`, "decoding data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, endpoint, httpmock.NewStringResponder(tc.status, tc.body))
			_, err := c.TeamList(context.Background())
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "team.example.com", "never the request URL")
		})
	}
}

func TestSecretsStayOut(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]Option{nil, {WithTokenInQuery()}} {
		c, mt := newMockClient(t, append(opts, WithMaxResponseBytes(64))...)
		mt.RegisterResponder(http.MethodGet, endpoint, httpmock.NewErrorResponder(errors.New("connection reset")))
		_, err := c.TeamList(context.Background())
		require.Error(t, err)
		assert.NotContains(t, err.Error(), testToken)

		mt.RegisterResponder(http.MethodGet, endpoint, httpmock.NewStringResponder(500, "echo "+testToken))
		_, err = c.TeamList(context.Background())
		require.Error(t, err)
		assert.NotContains(t, err.Error(), testToken)

		mt.RegisterResponder(http.MethodGet, endpoint, httpmock.NewStringResponder(200, `{"data":[`+strings.Repeat(" ", 100)+`]}`))
		_, err = c.TeamList(context.Background())
		assert.ErrorContains(t, err, "response body too large")

		for _, verb := range []string{"%v", "%+v", "%#v"} {
			assert.NotContains(t, fmt.Sprintf(verb, c), testToken)
		}
	}
}

func TestNewClient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ base, token, want string }{
		{"https://team.example.com", testToken, ""},
		{"https://team.example.com/sub/dir/", testToken, ""},
		{"http://127.0.0.1:8080", testToken, ""},
		{"http://team.example.com", testToken, "uses http"},
		{"", testToken, "URL is empty"},
		{"https://team.example.com", "", "empty access token"},
	} {
		_, err := NewClient(tc.base, tc.token)
		if tc.want == "" {
			assert.NoError(t, err, tc.base)
		} else {
			assert.ErrorContains(t, err, tc.want, tc.base)
		}
	}
	c, err := NewClient("https://team.example.com/sub/dir/", testToken)
	require.NoError(t, err)
	assert.Equal(t, "https://team.example.com/sub/dir/api.php/tasks.team.getList", c.endpoint)
}

func TestGroups(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Groups{
		`[]`: nil, `null`: nil, `{}`: nil, `{"1":"A"}`: {{1, "A"}},
		`{"5":"QA","3":"Developers","1":"Administrators"}`: {{5, "QA"}, {3, "Developers"}, {1, "Administrators"}},
		`[{"id":2,"name":"B"},{"id":1,"name":"A"}]`:        {{2, "B"}, {1, "A"}}, // what json.Marshal writes
	} {
		var g Groups
		require.NoError(t, json.Unmarshal([]byte(in), &g), in)
		assert.Equal(t, want, g, in)
	}
	for _, in := range []string{`["X","Y"]`, `{"x":"A"}`, `{"1":2}`, `7`, `"A"`} {
		var g Groups
		assert.ErrorContains(t, json.Unmarshal([]byte(in), &g), "groups: want", in)
	}
	g := Groups{{5, "QA"}, {3, "Developers"}, {1, "Administrators"}}
	assert.Equal(t, []string{"QA", "Developers", "Administrators"}, g.Names())
	assert.Equal(t, "QA", g.First())
	assert.Empty(t, Groups(nil).Names())
}

func FuzzDecodeTeam(f *testing.F) {
	for _, s := range []string{`{"data":[]}`, `{"error":"x"}`, `{"error":{},"error_message":1}`, `{"data":[{"groups":[]}]}`, `[`, ``} {
		f.Add([]byte(s))
	}
	f.Add([]byte(fixture(f, "team.json")))
	f.Fuzz(func(t *testing.T, b []byte) {
		team, err := decodeTeam(b)
		if err == nil && team == nil {
			t.Fatal("success with a nil team")
		}
	})
}
