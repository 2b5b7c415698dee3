package worksection_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestDroppedInviteReturnsTheUser(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	srv.Inject("add_user", 1, worksectiontest.DropAfterApply())
	u, err := srv.Client(fastRetry).AddUser(context.Background(), ws.AddUserParams{Email: "ada@example.com", FirstName: "Ada"})
	require.NoError(t, err)
	assert.Equal(t, "ada@example.com", u.Email)
	assert.Equal(t, "Ada", u.FirstName)
	assert.Equal(t, 2, srv.ActionCount("add_user"), "sent again: the server refuses a duplicate member")
	assert.Equal(t, "User already exists", srv.Requests()[1].Outcome)
	assert.Equal(t, 1, srv.ActionCount("get_users"), "read back once, after the refused duplicate")
	n := 0
	for _, x := range srv.Users() {
		if x.Email == "ada@example.com" {
			n++
		}
	}
	assert.Equal(t, 1, n)
}

// 6. AddUser compares emails by ASCII case only: after a fault, an invite
// for "\u212Aate..." (KELVIN SIGN) is not confused with Kate's.
func TestTrustAddUserMatchesEmailsByASCIICaseOnly(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	const kelvin = "\u212Aate.greenway@acme.example"
	srv.Inject("add_user", 1, worksectiontest.DropAfterApply())
	u, err := srv.Client(fastRetry).AddUser(context.Background(), ws.AddUserParams{Email: kelvin})
	require.NoError(t, err)
	assert.Equal(t, kelvin, u.Email, "not Kate")
	assert.Equal(t, 1, countUsers(srv, kelvin))
}
