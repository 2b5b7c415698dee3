package worksection

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// The expected queries and hashes below were computed outside this package
// (md5 of query+key), so they check the signer rather than echo it.

func assertRequest(t *testing.T, req *http.Request, method, rawQuery string) {
	t.Helper()
	assert.Equal(t, method, req.Method)
	assert.Equal(t, "acme.worksection.com", req.URL.Host)
	assert.Equal(t, "/api/admin/v2/", req.URL.Path)
	assert.Equal(t, rawQuery, req.URL.RawQuery)
	assert.Equal(t, "worksection-go/"+Version, req.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", req.Header.Get("Accept"))
	assert.Empty(t, req.Header.Get("Authorization"))
	if req.Body != nil && req.Body != http.NoBody {
		n, _ := req.Body.Read(make([]byte, 1))
		assert.Zero(t, n, "body must be empty")
	}
}

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

func TestSubscribeAndUnsubscribe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		call  func(*Client) error
		query string
	}{
		{"subscribe", func(c *Client) error {
			return c.Subscribe(context.Background(), SubscribeParams{TaskID: "1234", Email: "john.smith@acme.com"})
		}, "action=subscribe&id_task=1234&email_user=john.smith%40acme.com&hash=89c3a33200697426dbedf914c96f4737"},
		{"unsubscribe", func(c *Client) error {
			return c.Unsubscribe(context.Background(), SubscribeParams{TaskID: "1234", Email: "john.smith@acme.com"})
		}, "action=unsubscribe&id_task=1234&email_user=john.smith%40acme.com&hash=aedcc754b9818bcbf75329649f7d8486"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := respond(mt, http.MethodPost, adminURL, 200, fixture(t, "subscribe.json"))
			require.NoError(t, tc.call(c))
			assertRequest(t, rec.last(t), http.MethodPost, tc.query)
		})
	}
}

func TestMe(t *testing.T) {
	t.Parallel()
	want := &User{ID: "3994", FirstName: "Kate", LastName: "Greenway", Name: "Kate Greenway",
		Avatar: "https://acme.worksection.com/images/avatar/3994.png", Group: "Development", Department: "Backend",
		Role: RoleAccountAdmin, Email: "kate.greenway@acme.com"}
	for _, tc := range []struct {
		fixture string
		want    func() *User
	}{
		{"me_object.json", func() *User { return want }},
		{"me_array.json", func() *User { u := *want; u.Rate, u.Phone = ptr(11.0), "+1 555 0110"; return &u }},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			mt := newTransport(t)
			c, err := NewClient(testAccount, WithAccessToken(testToken), WithHTTPClient(&http.Client{Transport: mt}), WithRetry(RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			rec := respond(mt, http.MethodGet, userURL, 200, fixture(t, tc.fixture))

			u, err := c.Me(context.Background())
			require.NoError(t, err)
			req := rec.last(t)
			assert.Equal(t, http.MethodGet, req.Method)
			assert.Equal(t, "/api/oauth2", req.URL.Path)
			assert.Equal(t, "action=me", req.URL.RawQuery)
			assert.Equal(t, "Bearer "+testToken, req.Header.Get("Authorization"))
			assert.Equal(t, tc.want(), u)
		})
	}
}

func TestMeEmptyArray(t *testing.T) {
	t.Parallel()
	mt := newTransport(t)
	c, err := NewClient(testAccount, WithAccessToken(testToken), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	respond(mt, http.MethodGet, userURL, 200, `{"status":"ok","data":[]}`)
	_, err = c.Me(context.Background())
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), "want one object")
}

func TestUserAPIPathForAdminActions(t *testing.T) {
	t.Parallel()
	mt := newTransport(t)
	c, err := NewClient(testAccount, WithAccessToken(testToken), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	rec := respond(mt, http.MethodPost, userURL, 200, fixture(t, "add_contact_group.json"))
	_, err = c.AddContactGroup(context.Background(), AddContactGroupParams{Title: "Partners"})
	require.NoError(t, err)
	req := rec.last(t)
	assert.Equal(t, "action=add_contact_group&title=Partners", req.URL.RawQuery, "no hash with a token")
	assert.Equal(t, "Bearer "+testToken, req.Header.Get("Authorization"))
}

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
