package worksection

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected queries and hashes below were computed outside this package
// (md5 of query+key), so they check the signer rather than echo it.

func TestGetUserGroups(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_user_groups.json"))

	groups, err := c.GetUserGroups(context.Background())
	require.NoError(t, err)
	assertRequest(t, rec.last(t), http.MethodGet, "action=get_user_groups&hash=4b43b8a4af1a1796c0e504375cb4e367")
	assert.Equal(t, []UserGroup{
		{ID: "2977", Title: "Development", Type: "company"},
		{ID: "2978", Title: "Management", Type: "company"},
		{ID: "2979", Title: "Clients", Type: "company", Client: true},
	}, groups)
}

func TestAddUserGroup(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodPost, adminURL, 200, fixture(t, "add_user_group.json"))

	g, err := c.AddUserGroup(context.Background(), AddUserGroupParams{Title: "Acme Client Team", Client: true})
	require.NoError(t, err)
	assertRequest(t, rec.last(t), http.MethodPost,
		"action=add_user_group&title=Acme+Client+Team&client=1&hash=c051eb078b44efe4840c4cef8d35cf11")
	assert.Equal(t, &UserGroup{ID: "2980", Title: "Acme Client Team", Type: "company", Client: true}, g)
}
