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

func TestGetUsers(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_users.json"))

	users, err := c.GetUsers(context.Background())
	require.NoError(t, err)
	assertRequest(t, rec.last(t), http.MethodGet, "action=get_users&hash=82d6b87d8d0b3ca3a91506adfc42751d")

	require.Len(t, users, 5)
	assert.Equal(t, User{
		ID: "3993", FirstName: "John", LastName: "Smith", Name: "John Smith", Title: "CEO", Rate: ptr(25.0),
		Avatar: "https://acme.worksection.com/images/avatar/3993.png", Group: "Management", Role: RoleOwner,
		Email: "john.smith@acme.com", Phone: "+1 555 0100", Phone2: "+1 555 0101", Phone3: "+1 555 0102",
		Phone4: "+1 555 0103", Address: "1 Main St, Springfield", Address2: "Suite 100", DateAdded: "2021-03-04 09:15",
	}, users[0])
	assert.Equal(t, User{
		ID: "3994", FirstName: "Kate", LastName: "Greenway", Name: "Kate Greenway", Rate: ptr(11.5),
		Avatar: "https://acme.worksection.com/images/avatar/3994.png", Group: "Development", Department: "Backend",
		Role: RoleAccountAdmin, Email: "kate.greenway@acme.com", DateAdded: "2022-07-19 14:02",
	}, users[1])
	assert.Equal(t, User{
		ID: "3995", FirstName: "Олег", LastName: "Коваль", Name: "Олег Коваль", Title: "Designer", Group: "Design",
		Role: RoleUser, Email: "oleg@acme.com", Services: Services{Chats: StringMap{"WhatsApp": "+380 44 000 0000"}},
	}, users[2])
	assert.Nil(t, users[3].Rate, `rate "" is nil`)
	assert.Equal(t, RoleGuest, users[3].Role)
	assert.Equal(t, Services{}, users[3].Services, "services [] is empty")
	assert.Equal(t, Role("Observer"), users[4].Role, "unknown roles are kept")
}

func TestAddUser(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodPost, adminURL, 200, fixture(t, "add_user.json"))

	u, err := c.AddUser(context.Background(), AddUserParams{
		Email: "kate+test@ws.com", FirstName: "Kate Ann", LastName: "O'Neil", Title: "QA",
		Group: "R&D", Department: "Tést~dept", Role: "User",
	})
	require.NoError(t, err)
	assertRequest(t, rec.last(t), http.MethodPost,
		"action=add_user&email=kate%2Btest%40ws.com&first_name=Kate+Ann&last_name=O%27Neil&title=QA&group=R%26D&department=T%C3%A9st%7Edept&role=user&hash=055875930a53675bd04460b7835232eb")
	assert.Equal(t, &User{
		ID: "4001", FirstName: "Kate Ann", LastName: "O'Neil", Name: "Kate Ann O'Neil", Title: "QA",
		Avatar: "https://acme.worksection.com/images/avatar/default.png", Group: "R&D", Role: RoleUser,
		Email: "kate+test@ws.com",
	}, u)
}
