package worksection

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, fixture string
		status        int
		call          func(*Client) error
		want          APIError
		text          string
		is            error
	}{
		{"email required", "error_email_required.json", 200,
			func(c *Client) error { _, err := c.GetUsers(context.Background()); return err },
			APIError{Action: "get_users", Code: 10, Message: "Field is required", Details: "email", HTTPStatus: 200},
			"worksection: get_users: Field is required (code 10, email)", nil},
		{"title required", "error_title_required.json", 200,
			func(c *Client) error {
				_, err := c.AddUserGroup(context.Background(), AddUserGroupParams{Title: "x"})
				return err
			},
			APIError{Action: "add_user_group", Code: 10, Message: "Field is required", Details: "title", HTTPStatus: 200},
			"worksection: add_user_group: Field is required (code 10, title)", nil},
		{"invalid email", "error_invalid_email.json", 200,
			func(c *Client) error {
				return c.Subscribe(context.Background(), SubscribeParams{TaskID: "1", Email: "a@x.com"})
			},
			APIError{Action: "subscribe", Code: 11, Message: "Invalid email", Details: "a@x.com,b@y.com", HTTPStatus: 200},
			"worksection: subscribe: Invalid email (code 11, a@x.com,b@y.com)", nil},
		{"bad hash", "error_hash.json", 200,
			func(c *Client) error { _, err := c.GetContacts(context.Background()); return err },
			APIError{Action: "get_contacts", Code: 2, Message: "Action hash is missed or invalid", HTTPStatus: 200},
			"worksection: get_contacts: Action hash is missed or invalid (code 2)", ErrUnauthorized},
		{"task invalid", "error_task_invalid.json", 200,
			func(c *Client) error {
				return c.Unsubscribe(context.Background(), SubscribeParams{TaskID: "99", Email: "a@x.com"})
			},
			APIError{Action: "unsubscribe", Code: 5, Message: "Task is invalid", HTTPStatus: 200},
			"worksection: unsubscribe: Task is invalid (code 5)", nil},
		{"too many requests", "error_too_many_requests.json", 200,
			func(c *Client) error { _, err := c.GetContactGroups(context.Background()); return err },
			APIError{Action: "get_contact_groups", Message: "Too many requests", HTTPStatus: 200},
			"worksection: get_contact_groups: Too many requests", ErrRateLimited},
		{"action invalid", "error_action_invalid.json", 200,
			func(c *Client) error { _, err := c.GetUserGroups(context.Background()); return err },
			APIError{Action: "get_user_groups", Message: "Action is invalid", HTTPStatus: 200},
			"worksection: get_user_groups: Action is invalid", nil},
		{"expired token", "error_token_expired.json", 401,
			func(c *Client) error { _, err := c.GetUsers(context.Background()); return err },
			APIError{Action: "get_users", Message: "Access token is expired", HTTPStatus: 401},
			"worksection: get_users: Access token is expired (HTTP 401)", ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			body := fixture(t, tc.fixture)
			mt.RegisterResponder(http.MethodGet, adminURL, httpmock.NewStringResponder(tc.status, body))
			mt.RegisterResponder(http.MethodPost, adminURL, httpmock.NewStringResponder(tc.status, body))

			err := tc.call(c)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			got := *ae
			got.matched = nil // the classification, checked below through errors.Is
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.text, err.Error())
			for _, sentinel := range []error{ErrUnauthorized, ErrRateLimited, ErrInvalidInput} {
				assert.Equal(t, sentinel == tc.is, errors.Is(err, sentinel), "errors.Is(err, %v)", sentinel)
			}
		})
	}
}

func TestCodesAreNotMeanings(t *testing.T) {
	t.Parallel()
	// Code 2 is reused upstream; only the hash message means unauthorized.
	assert.False(t, errors.Is(&APIError{Code: 2, Message: "Project is closed"}, ErrUnauthorized))
	assert.True(t, errors.Is(&APIError{Code: 2, Message: "Action hash is missed or invalid"}, ErrUnauthorized))
	assert.False(t, errors.Is(&APIError{Message: "Too many tasks (10000 max)"}, ErrRateLimited))
}

func TestResponseErrors(t *testing.T) {
	t.Parallel()
	long := `{"status":"ok","data":[` + strings.Repeat(`{"id":"1"},`, 20)
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		want    string
		is      error
		excerpt string
	}{
		{"html 502", 502, fixture(t, "error_html.html"), "HTTP 502: Bad Gateway", nil, "<html>"},
		{"html 200", 200, "<!DOCTYPE html><p>maintenance</p>", "not a JSON envelope", nil, "<!DOCTYPE html>"},
		{"empty", 200, "", "not a JSON envelope", nil, ""},
		{"truncated", 200, long, "unexpected end of JSON input", nil, `{"status":"ok"`},
		{"no status", 200, `{"data":[]}`, `status ""`, nil, `{"data":[]}`},
		{"429 plain", 429, "slow down", "HTTP 429", ErrRateLimited, "slow down"},
		{"401 plain", 401, "Unauthorized", "HTTP 401", ErrUnauthorized, "Unauthorized"},
		{"wrong data type", 200, `{"status":"ok","data":{"id":"1"}}`, "decoding data", nil, ""},
		{"wrong field type", 200, `{"status":"ok","data":[{"id":{}}]}`, "decoding data", nil, ""},
		{"bad rate", 200, `{"status":"ok","data":[{"id":"1","rate":"lots"}]}`, "want a number or numeric string", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, adminURL, httpmock.NewStringResponder(tc.status, tc.body))

			_, err := c.GetUsers(context.Background())
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, "get_users", re.Action)
			assert.Contains(t, err.Error(), "worksection: get_users: HTTP")
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, re.Excerpt, tc.excerpt)
			assert.LessOrEqual(t, len(re.Excerpt), 200)
			assert.NotContains(t, err.Error(), "hash=", "never the request URL")
			assert.NotContains(t, err.Error(), "acme.worksection.com/api")
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
		})
	}
}

// Sentinels are decided from the server's words before masking: with a
// one-letter API key, "Task is invalid" is shown as masked text, and still
// matches ErrNotFound.
func TestSentinelsAreDecidedBeforeMasking(t *testing.T) {
	t.Parallel()
	for msg, sentinel := range map[string]error{
		"Task is invalid":         ErrNotFound,
		"Project is invalid":      ErrNotFound,
		"Invalid email":           ErrInvalidEmail,
		"Too many requests":       ErrRateLimited,
		"Access token is invalid": ErrUnauthorized,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = fmt.Fprintf(w, `{"status":"error","status_code":4,"message":%q,"message_details":"k k"}`, msg)
		}))
		c, err := NewClient(srv.URL, WithAPIKey("k"), WithRateLimit(rate.Inf, 0), WithRetry(RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		_, err = c.GetTaskSubscribers(context.Background(), "1")
		srv.Close()
		require.ErrorIs(t, err, sentinel, msg)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.NotContains(t, apiErr.Details, "k", "what is shown stays masked")
		for _, other := range []error{ErrNotFound, ErrInvalidEmail, ErrRateLimited, ErrUnauthorized} {
			if other != sentinel {
				assert.NotErrorIs(t, err, other, msg)
			}
		}
	}
	hand := &APIError{Message: "Task is invalid"}
	assert.ErrorIs(t, hand, ErrNotFound, "an APIError built by hand is classified from its fields")
}
