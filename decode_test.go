package worksection

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/worksection-go/worksection/internal/wire"
	"github.com/worksection-go/worksection/internal/wiretest"
)

// The reference decoders: the tolerant rules written with encoding/json
// (what the SDK used before its scanner). The scanner must accept and
// refuse the same records with the same values.

type refFloat struct{ v *float64 }

func (f *refFloat) UnmarshalJSON(b []byte) error {
	v, err := wire.Float(b)
	f.v = v
	return err
}

type refStringMap map[string]string

func (m *refStringMap) UnmarshalJSON(b []byte) error {
	if wire.EmptyArray(b) {
		*m = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw == nil {
		*m = nil
		return nil
	}
	out := make(refStringMap, len(raw))
	for k, v := range raw {
		out[k] = wire.Text(v)
	}
	*m = out
	return nil
}

type refServices struct {
	Chats   refStringMap `json:"chats"`
	Socials refStringMap `json:"socials"`
}

func (s *refServices) UnmarshalJSON(b []byte) error {
	if wire.EmptyArray(b) {
		*s = refServices{}
		return nil
	}
	type plain refServices
	return json.Unmarshal(b, (*plain)(s))
}

func (s refServices) get() Services {
	return Services{Chats: StringMap(s.Chats), Socials: StringMap(s.Socials)}
}

type refUser struct {
	ID         ID          `json:"id"`
	FirstName  string      `json:"first_name"`
	LastName   string      `json:"last_name"`
	Name       string      `json:"name"`
	Title      string      `json:"title"`
	Rate       refFloat    `json:"rate"`
	Avatar     string      `json:"avatar"`
	Group      string      `json:"group"`
	Department string      `json:"department"`
	Role       Role        `json:"role"`
	Email      string      `json:"email"`
	Phone      string      `json:"phone"`
	Phone2     string      `json:"phone2"`
	Phone3     string      `json:"phone3"`
	Phone4     string      `json:"phone4"`
	Address    string      `json:"address"`
	Address2   string      `json:"address2"`
	URL        string      `json:"url"`
	Services   refServices `json:"services"`
	Contacts   string      `json:"contacts"`
	DateAdded  string      `json:"date_added"`
	DataAdded  string      `json:"data_added"`
}

func (w *refUser) get() User {
	u := User{ID: w.ID, FirstName: w.FirstName, LastName: w.LastName, Name: w.Name, Title: w.Title, Rate: w.Rate.v,
		Avatar: w.Avatar, Group: w.Group, Department: w.Department, Role: w.Role, Email: w.Email,
		Phone: w.Phone, Phone2: w.Phone2, Phone3: w.Phone3, Phone4: w.Phone4, Address: w.Address, Address2: w.Address2,
		URL: w.URL, Services: w.Services.get(), Contacts: w.Contacts, DateAdded: w.DateAdded}
	if u.DateAdded == "" {
		u.DateAdded = w.DataAdded
	}
	return u
}

type refUserGroup struct {
	ID     ID              `json:"id"`
	Title  string          `json:"title"`
	Type   string          `json:"type"`
	Client json.RawMessage `json:"client"`
}

func (g *refUserGroup) get() (UserGroup, error) {
	var client bool
	switch s := strings.Trim(strings.TrimSpace(string(g.Client)), `"`); s {
	case "", "null", "0", "false":
	case "1", "true":
		client = true
	default:
		return UserGroup{}, fmt.Errorf("client: want a boolean")
	}
	return UserGroup{ID: g.ID, Title: g.Title, Type: g.Type, Client: client}, nil
}

type refContact struct {
	ID        ID          `json:"id"`
	FirstName string      `json:"first_name"`
	LastName  string      `json:"last_name"`
	Name      string      `json:"name"`
	Title     string      `json:"title"`
	Group     string      `json:"group"`
	Email     string      `json:"email"`
	Phone     string      `json:"phone"`
	Phone2    string      `json:"phone2"`
	Phone3    string      `json:"phone3"`
	Phone4    string      `json:"phone4"`
	Address   string      `json:"address"`
	Address2  string      `json:"address2"`
	URL       string      `json:"url"`
	Services  refServices `json:"services"`
	Contacts  string      `json:"contacts"`
	DateAdded string      `json:"date_added"`
}

func (c *refContact) get() Contact {
	return Contact{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Name: c.Name, Title: c.Title, Group: c.Group,
		Email: c.Email, Phone: c.Phone, Phone2: c.Phone2, Phone3: c.Phone3, Phone4: c.Phone4, Address: c.Address,
		Address2: c.Address2, URL: c.URL, Services: c.Services.get(), Contacts: c.Contacts, DateAdded: c.DateAdded}
}

type refContactGroup struct {
	ID    ID     `json:"id"`
	Title string `json:"title"`
	Type  string `json:"type"`
}

// refRecord decodes one element with encoding/json; null is an error.
func refRecord(raw json.RawMessage) (user User, group UserGroup, contact Contact, folder ContactGroup, err error) {
	if string(raw) == "null" {
		return user, group, contact, folder, fmt.Errorf("null")
	}
	var u refUser
	var g refUserGroup
	var c refContact
	var f refContactGroup
	for _, e := range []error{json.Unmarshal(raw, &u), json.Unmarshal(raw, &g), json.Unmarshal(raw, &c), json.Unmarshal(raw, &f), hasID(raw)} {
		if e != nil {
			return user, group, contact, folder, e
		}
	}
	group, err = g.get()
	return u.get(), group, c.get(), ContactGroup(f), err
}

// hasID refuses an object without an id (key matched as encoding/json
// matches keys) or with a null, empty or blank one.
func hasID(raw json.RawMessage) error {
	var r struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	var s string
	switch {
	case r.ID == nil || string(r.ID) == "null":
		return fmt.Errorf("no id")
	case json.Unmarshal(r.ID, &s) == nil && strings.TrimSpace(s) == "":
		return fmt.Errorf("blank id")
	}
	return nil
}

// decoded is what one decode path produced for the four record types.
type decoded struct {
	ok                              bool
	users                           []User
	groups                          []UserGroup
	contacts                        []Contact
	folders                         []ContactGroup
	usersErr, groupsErr, contErr, f error
}

// FuzzRecordsAgainstEncodingJSON decodes ok envelopes into the four record
// types three ways: the list path (whole and streamed) and the object path
// on each element. All must accept and refuse the same bodies as the
// encoding/json reference, with the same values.
func FuzzRecordsAgainstEncodingJSON(f *testing.F) {
	for _, s := range []string{fixtureUsers, `{"id":"1","rate":"","role":"TEAM ADMIN","data_added":"x","date_added":""}`,
		`{"id":2,"client":"1","services":[]}`, `{"ID":"1","ſervices":{"chats":[],"socials":{"a":[1,"b"]}}}`,
		`{"id":1.5e300,"rate":"1e3"}`, `{"rate":[]}`, `{"client":"yes"}`, `{"services":null,"name":null}`,
		`{"services":{"chats":{"a":"1"}},"services":{"socials":{}}}`, `null`, `[]`, `{"id":"\ud800x\u00e9"}`} {
		f.Add([]byte(`{"status":"ok","data":[` + s + `]}`))
		f.Add([]byte(`{"status":"ok","data":{"1":` + s + `,"2":{}}}`))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := wire.DecodeEnvelope(body)
		if err != nil || !env.OK {
			return // envelopes are fuzzed against encoding/json in package wire
		}
		elems, isList := wiretest.Elements(env.Data)
		want := decoded{ok: isList}
		for _, e := range elems {
			u, g, c, fo, err := refRecord(e)
			if err != nil {
				want.ok = false
				break
			}
			want.users, want.groups, want.contacts, want.folders =
				append(want.users, u), append(want.groups, g), append(want.contacts, c), append(want.folders, fo)
		}
		for name, got := range map[string]decoded{
			"list": decodeLists(body, false), "streamed list": decodeLists(body, true), "objects": decodeObjects(elems, isList),
		} {
			require.Equal(t, want.ok, got.ok, "%s path on %q: %v %v %v %v", name, body, got.usersErr, got.groupsErr, got.contErr, got.f)
			if want.ok {
				require.Equal(t, normalize(want.users), normalize(got.users), "%s path on %q", name, body)
				require.Equal(t, want.groups, got.groups, "%s path on %q", name, body)
				require.Equal(t, want.contacts, got.contacts, "%s path on %q", name, body)
				require.Equal(t, want.folders, got.folders, "%s path on %q", name, body)
			}
		}
	})
}

func decodeLists(body []byte, stream bool) decoded {
	decode := func(out any) error {
		if stream {
			_, _, err := wire.DecodeReader(iotest.HalfReader(bytes.NewReader(body)), 1<<20, int64(len(body)), out)
			return err
		}
		_, err := wire.Decode(body, out)
		return err
	}
	users := &wire.List[userWire, User]{Rec: userRecord, Conv: (*userWire).user}
	groups := &wire.List[UserGroup, UserGroup]{Rec: userGroupRecord, Conv: itself[UserGroup]}
	contacts := &wire.List[Contact, Contact]{Rec: contactRecord, Conv: itself[Contact]}
	folders := &wire.List[ContactGroup, ContactGroup]{Rec: contactGroupRecord, Conv: itself[ContactGroup]}
	d := decoded{usersErr: decode(users), groupsErr: decode(groups), contErr: decode(contacts), f: decode(folders)}
	d.ok = d.usersErr == nil && d.groupsErr == nil && d.contErr == nil && d.f == nil
	if d.usersErr != nil || d.groupsErr != nil || d.contErr != nil || d.f != nil {
		// All four record types take the same shapes, so they fail together.
		d.ok = false
	}
	d.users, d.groups, d.contacts, d.folders = nilIfEmpty(users.Items), nilIfEmpty(groups.Items), nilIfEmpty(contacts.Items), nilIfEmpty(folders.Items)
	return d
}

func decodeObjects(elems []json.RawMessage, isList bool) decoded {
	d := decoded{ok: isList}
	for _, e := range elems {
		body := []byte(`{"status":"ok","data":` + string(e) + `}`)
		u, g, c, f := newOne(userRecord, (*userWire).user), newOne(userGroupRecord, itself[UserGroup]),
			newOne(contactRecord, itself[Contact]), newOne(contactGroupRecord, itself[ContactGroup])
		for _, out := range []any{u, g, c, f} {
			if _, err := wire.Decode(body, out); err != nil {
				d.ok = false
			}
		}
		if len(e) > 0 && e[0] == '[' {
			// An array is not a record in a list; an object result takes a one-element array.
			d.ok = false
		}
		d.users, d.groups, d.contacts, d.folders = append(d.users, u.Item), append(d.groups, g.Item),
			append(d.contacts, c.Item), append(d.folders, f.Item)
	}
	return d
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// normalize makes NaN rates comparable.
func normalize(users []User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		rate := "nil"
		if u.Rate != nil {
			rate = fmt.Sprint(*u.Rate)
			if math.IsNaN(*u.Rate) {
				rate = "NaN"
			}
		}
		u.Rate = nil
		out[i] = fmt.Sprintf("%#v rate=%s", u, rate)
	}
	return out
}

func TestRecordShapes(t *testing.T) {
	t.Parallel()
	var users []User
	require.NoError(t, json.Unmarshal([]byte(`[{"id":7,"rate":" 12.5 ","role":"account ADMIN","services":[],"data_added":"2024-01-02 10:00"},`+
		`{"ID":"8","rate":"","ROLE":"Observer","services":{"chats":{"WhatsApp":"+1","n":5},"socials":[]}}]`), &users))
	require.Len(t, users, 2)
	require.Equal(t, ID("7"), users[0].ID)
	require.Equal(t, 12.5, *users[0].Rate)
	require.Equal(t, RoleAccountAdmin, users[0].Role)
	require.Equal(t, "2024-01-02 10:00", users[0].DateAdded)
	require.Nil(t, users[1].Rate)
	require.Equal(t, Role("Observer"), users[1].Role)
	require.Equal(t, StringMap{"WhatsApp": "+1", "n": "5"}, users[1].Services.Chats)

	var groups []UserGroup
	require.NoError(t, json.Unmarshal([]byte(`[{"id":1,"client":0},{"id":"2","client":"1"},{"id":"3","client":true}]`), &groups))
	require.Equal(t, []bool{false, true, true}, []bool{groups[0].Client, groups[1].Client, groups[2].Client})

	var folders []ContactGroup
	require.NoError(t, json.Unmarshal([]byte(`[{"id":1,"title":"USERS","type":"preset"}]`), &folders))
	require.Equal(t, ContactGroup{ID: "1", Title: "USERS", Type: ContactGroupPreset}, folders[0])

	for _, bad := range []string{`{"id":{}}`, `{}`, `{"name":"no id"}`, `{"id":"1","rate":"lots"}`, `{"role":[]}`, `{"name":5}`, `{"services":"x"}`, `{"services":[1]}`, `[]`} {
		var u User
		err := json.Unmarshal([]byte(bad), &u)
		require.Error(t, err, bad)
		require.True(t, strings.HasPrefix(err.Error(), "worksection: user: "), err.Error())
	}
}

// TestDecodeErrorsNeverEchoSecrets: a server that echoes the client's
// credential inside data of the wrong shape gets an error that does not
// repeat it, anywhere in the errors.Unwrap chain.
func TestDecodeErrorsNeverEchoSecrets(t *testing.T) {
	t.Parallel()
	shapes := []string{`{"id":{"a":"SECRET"}}`, `{"id":["SECRET"]}`, `{"rate":{"t":"SECRET"}}`, `{"rate":"SECRET"}`,
		`{"rate":["SECRET"]}`, `{"role":{"SECRET":1}}`, `{"role":["SECRET"]}`, `{"name":["SECRET"]}`, `{"services":"SECRET"}`,
		`{"services":["SECRET"]}`, `"SECRET"`, `["SECRET"]`, `{"id":SECRET}`, `{"id":"SECRET\u00"}`}
	for _, shape := range shapes {
		t.Run(shape, func(t *testing.T) {
			t.Parallel()
			admin, mt := newMockClient(t)
			item := strings.ReplaceAll(shape, "SECRET", testKey)
			respond(mt, http.MethodGet, adminURL, 200, `{"status":"ok","data":[`+item+`]}`)
			_, err := admin.GetUsers(context.Background())
			requireNoSecret(t, err, testKey)
			respond(mt, http.MethodPost, adminURL, 200, `{"status":"ok","data":`+item+`}`)
			_, err = admin.AddUser(context.Background(), AddUserParams{Email: "a@b.co"})
			requireNoSecret(t, err, testKey)

			user, mt := newTokenClient(t)
			item = strings.ReplaceAll(shape, "SECRET", testToken)
			for _, data := range []string{item, "[" + item + "]", "[" + item + "," + item + "]"} {
				respond(mt, http.MethodGet, userURL, 200, `{"status":"ok","data":`+data+`}`)
				_, err = user.Me(context.Background())
				requireNoSecret(t, err, testToken)
			}
		})
	}
}

func requireNoSecret(t *testing.T, err error, secret string) {
	t.Helper()
	require.Error(t, err)
	eachError(err, func(e error) {
		require.NotContains(t, e.Error(), secret, "%T", e)
		require.NotContains(t, e.Error(), secret[4:16], "%T", e)
	})
}

// eachError calls fn on err and every error its Unwrap methods reach.
func eachError(err error, fn func(error)) {
	if err == nil {
		return
	}
	fn(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		eachError(u.Unwrap(), fn)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			eachError(e, fn)
		}
	}
}

func TestMeTakesAnObjectOrOneElementArray(t *testing.T) {
	t.Parallel()
	c, mt := newTokenClient(t)
	for _, data := range []string{`{"id":"5","role":"Owner"}`, `[{"id":5,"role":"owner"}]`} {
		respond(mt, http.MethodGet, userURL, 200, `{"status":"ok","data":`+data+`}`)
		u, err := c.Me(context.Background())
		require.NoError(t, err, data)
		require.Equal(t, &User{ID: "5", Role: RoleOwner}, u, data)
	}
	for _, data := range []string{`[]`, `null`, `[{"id":"5"},{"id":"6"}]`, `[null]`, `"x"`} {
		respond(mt, http.MethodGet, userURL, 200, `{"status":"ok","data":`+data+`}`)
		_, err := c.Me(context.Background())
		var re *ResponseError
		require.ErrorAs(t, err, &re, data)
		require.ErrorContains(t, err, "decoding data", data)
	}
	admin, _ := newMockClient(t)
	_, err := admin.Me(context.Background())
	require.ErrorIs(t, err, ErrInvalidInput, "me needs an access token")
}

func newTokenClient(t *testing.T) (*Client, *httpmock.MockTransport) {
	mt := newTransport(t)
	c, err := NewClient(testAccount, WithAccessToken(testToken), WithHTTPClient(&http.Client{Transport: mt}),
		WithRateLimit(rate.Inf, 0), WithRetry(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return c, mt
}
