package cli

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

// users get shows one member as one object; none is exit 1.
func TestUsersGet(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)

	r := h.run("users", "get", "Kate.Greenway@acme.example")
	require.Equal(t, 0, r.code, r.stderr)
	var u ws.User
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &u), "one object, not a list: %s", r.stdout)
	assert.Equal(t, shaped(t, *findUser(srv.Users(), "kate.greenway@acme.example")), u)

	r = h.run("users", "get", "--email", "oleg.koval@acme.example", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, []string{"ID,NAME,EMAIL,ROLE,TEAM,DEPARTMENT,TITLE", "3995,Олег Коваль,oleg.koval@acme.example,team admin,Development,Backend,Team lead"}, lines(r.stdout))

	r = h.run("users", "get", "nobody@x.example")
	oneErrorLine(t, r, "nobody@x.example is not a member of the account")
	assert.Empty(t, r.stdout)
	oneErrorLine(t, h.run("users", "get"), "--email is required")
}
