package worksection

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected queries and hashes were computed outside Go (PHP-style
// urlencode, md5 of query+key).

func TestProjectMembers(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodPost, adminURL, 200, `{"status":"ok"}`)
	require.NoError(t, c.AddProjectMembers(context.Background(), ProjectMembersParams{ProjectID: "26", Emails: []string{"a@x.example", "b@x.example"}}))
	assert.Equal(t, "action=add_project_members&id_project=26&members=a%40x.example%2Cb%40x.example&hash=06c2a81a1d61eb04b5fe7dd693787000", rec.last(t).URL.RawQuery)
	require.NoError(t, c.DeleteProjectMembers(context.Background(), ProjectMembersParams{ProjectID: "26", Emails: []string{"a@x.example"}}))
	assert.Equal(t, "action=delete_project_members&id_project=26&members=a%40x.example&hash=5ca1024855e52003b1dc97650e11cb7a", rec.last(t).URL.RawQuery)

	respond(mt, http.MethodPost, adminURL, 200, fixture(t, "error_member_invalid_email.json"))
	err := c.AddProjectMembers(context.Background(), ProjectMembersParams{ProjectID: "26", Emails: []string{"stranger@example.com"}})
	assert.ErrorIs(t, err, ErrInvalidEmail)
	assert.Contains(t, err.Error(), "stranger@example.com")

	rec = respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_project_users.json"))
	members, err := c.GetProjectMembers(context.Background(), "26")
	require.NoError(t, err)
	assert.Equal(t, "action=get_project&id_project=26&extra=users&hash=a63c02836c196db4a83df88f74f04b8b", rec.last(t).URL.RawQuery)
	assert.Equal(t, []UserRef{{ID: "3993", Email: "john.smith@acme.example", Name: "John Smith"},
		{ID: "3994", Email: "kate.greenway@acme.example", Name: "Kate Greenway"}}, members)

	respond(mt, http.MethodGet, adminURL, 200, fixture(t, "error_project_invalid.json"))
	_, err = c.GetProjectMembers(context.Background(), "99")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestGetTaskSubscribers(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_task_subscribers.json"))
	subs, err := c.GetTaskSubscribers(context.Background(), "1201")
	require.NoError(t, err)
	assert.Equal(t, "action=get_task&id_task=1201&extra=subscribers&hash=8e3bd206f3f71495f79723af8f83c5da", rec.last(t).URL.RawQuery)
	assert.Equal(t, []UserRef{{ID: "3998", Email: "yuki.tanaka@acme.example", Name: "Yuki Tanaka"}}, subs)

	respond(mt, http.MethodGet, adminURL, 200, fixture(t, "error_task_invalid.json"))
	_, err = c.GetTaskSubscribers(context.Background(), "404")
	assert.ErrorIs(t, err, ErrNotFound)
}
