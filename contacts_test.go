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

func TestGetContacts(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_contacts.json"))

	contacts, err := c.GetContacts(context.Background())
	require.NoError(t, err)
	assertRequest(t, rec.last(t), http.MethodGet, "action=get_contacts&hash=c7a5ebebbcadfe707ea322c2661f5e16")
	assert.Equal(t, []Contact{
		{ID: "5606", FirstName: "Brian", LastName: "Dragonfly", Name: "Brian Dragonfly", Title: "Sales manager",
			Group: "Clients", Email: "brian@dragonfly.example", Phone: "+44 20 0000 0000", Phone2: "+44 20 0000 0001",
			Phone3: "+44 7700 000000", Phone4: "+44 20 0000 0002", Address: "10 Downing Lane, London", Address2: "Floor 2"},
		{ID: "5607", FirstName: "Steve", LastName: "Powerhold", Name: "Steve Powerhold", Group: "DEFAULT", Phone: "+1 555 0199"},
	}, contacts)
}

func TestAddContact(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodPost, adminURL, 200, fixture(t, "add_contact.json"))

	ct, err := c.AddContact(context.Background(), AddContactParams{
		Email: "zoe@muller.example", Name: "Zoë Müller", Title: "Partner", Group: "Clients", Phone: "+49 30 000000",
	})
	require.NoError(t, err)
	assertRequest(t, rec.last(t), http.MethodPost,
		"action=add_contact&email=zoe%40muller.example&name=Zo%C3%AB+M%C3%BCller&title=Partner&group=Clients&phone=%2B49+30+000000&hash=90f649df9868cb04ea225cef50a80744")
	assert.Equal(t, &Contact{ID: "5608", FirstName: "Zoë", LastName: "Müller", Name: "Zoë Müller", Title: "Partner",
		Group: "Clients", Email: "zoe@muller.example", Phone: "+49 30 000000"}, ct)
}

func TestGetContactGroups(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_contact_groups.json"))

	groups, err := c.GetContactGroups(context.Background())
	require.NoError(t, err)
	assertRequest(t, rec.last(t), http.MethodGet, "action=get_contact_groups&hash=50f165bed922511e6608897612058bb2")
	assert.Equal(t, []ContactGroup{
		{ID: "1", Title: "USERS", Type: ContactGroupPreset},
		{ID: "2", Title: "DEFAULT", Type: ContactGroupPreset},
		{ID: "3", Title: "TEAM_ONLY", Type: ContactGroupPreset},
		{ID: "4", Title: "HIDDEN", Type: ContactGroupPreset},
		{ID: "4178", Title: "Clients", Type: ContactGroupFolder},
	}, groups)
}

func TestAddContactGroup(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodPost, adminURL, 200, fixture(t, "add_contact_group.json"))

	g, err := c.AddContactGroup(context.Background(), AddContactGroupParams{Title: "Partners"})
	require.NoError(t, err)
	assertRequest(t, rec.last(t), http.MethodPost, "action=add_contact_group&title=Partners&hash=8f258bad7d314b055e27ebc4f4278052")
	assert.Equal(t, &ContactGroup{ID: "4179", Title: "Partners", Type: ContactGroupFolder}, g)
}
