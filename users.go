package worksection

import (
	"context"
	"fmt"
	"strings"
)

// Role is a member's role in the account. The API documents lowercase
// values but answers with capitalised ones ("Account admin"); decoding maps
// any case to these constants and keeps unknown values as sent.
type Role string

// The documented roles.
const (
	RoleOwner           Role = "owner"
	RoleAccountAdmin    Role = "account admin"
	RoleTeamAdmin       Role = "team admin"
	RoleDepartmentAdmin Role = "department admin"
	RoleUser            Role = "user"
	RoleGuest           Role = "guest"
	RoleReader          Role = "reader"
)

// ParseRole maps s to a Role constant ignoring case and surrounding space;
// an unknown role is returned as given.
func ParseRole(s string) Role {
	t := strings.TrimSpace(s)
	for _, r := range []Role{RoleOwner, RoleAccountAdmin, RoleTeamAdmin, RoleDepartmentAdmin, RoleUser, RoleGuest, RoleReader} {
		if strings.EqualFold(t, string(r)) {
			return r
		}
	}
	return Role(s)
}

// UnmarshalJSON decodes a role string (or number) case-insensitively.
func (r *Role) UnmarshalJSON(b []byte) error {
	s, ok, err := scalar(b)
	if err != nil {
		return fmt.Errorf("worksection: role: %w", err)
	}
	if ok {
		*r = ParseRole(s)
	}
	return nil
}

// User is an account member, as get_users, add_user and me return it.
// Optional fields the API omits are left empty.
type User struct {
	ID         ID       `json:"id"`
	FirstName  string   `json:"first_name"`
	LastName   string   `json:"last_name"`
	Name       string   `json:"name"`  // first and last name
	Title      string   `json:"title"` // position
	Rate       *float64 `json:"rate,omitempty"`
	Avatar     string   `json:"avatar"` // avatar image URL
	Group      string   `json:"group"`  // team name
	Department string   `json:"department"`
	Role       Role     `json:"role"`
	Email      string   `json:"email"`
	Phone      string   `json:"phone,omitempty"`  // main
	Phone2     string   `json:"phone2,omitempty"` // office
	Phone3     string   `json:"phone3,omitempty"` // mobile
	Phone4     string   `json:"phone4,omitempty"` // home
	Address    string   `json:"address,omitempty"`
	Address2   string   `json:"address2,omitempty"`
	URL        string   `json:"url,omitempty"`
	Services   Services `json:"services,omitzero"`
	Contacts   string   `json:"contacts,omitempty"`
	// DateAdded is when the member joined, "YYYY-MM-DD HH:MM" in the account's
	// time zone; admin API only (date_added, or the misspelling data_added).
	DateAdded string `json:"date_added,omitempty"`
}

// userWire is a user as the API sends it: rate as a number, a numeric
// string or "", and data_added; its fields shadow User's of the same key.
type userWire struct {
	plainUser
	Rate      number `json:"rate"`
	DataAdded string `json:"data_added"`
}

type plainUser User // User without its UnmarshalJSON

func (w *userWire) record() (User, error) {
	u := User(w.plainUser)
	u.Rate = w.Rate.v
	if u.DateAdded == "" {
		u.DateAdded = w.DataAdded
	}
	return u, requireID(u.ID)
}

// UnmarshalJSON decodes a user as the API sends it: rate as a number or
// numeric string ("" is nil), roles in any case, services as an object or
// []. A user needs an id.
func (u *User) UnmarshalJSON(b []byte) error { return unmarshalRecord[userWire, User](b, u, "user") }

// AddUserParams are the fields of an invitation. Email is required; Role
// may be RoleUser, RoleGuest or RoleReader (the API's default is user).
type AddUserParams struct {
	Email      string `url:"email"`
	FirstName  string `url:"first_name,omitempty"`
	LastName   string `url:"last_name,omitempty"`
	Title      string `url:"title,omitempty"`
	Group      string `url:"group,omitempty"` // team name; your own team if empty
	Department string `url:"department,omitempty"`
	Role       Role   `url:"role,omitempty"`
}

// Validate reports what AddUser would refuse before sending: Email must be
// exactly one address and Role, if set, user, guest or reader (any case).
func (p AddUserParams) Validate() error {
	const action = "add_user"
	if err := checkText(action, p); err != nil {
		return err
	}
	if err := checkEmail(action, "Email", p.Email); err != nil {
		return err
	}
	if r := ParseRole(string(p.Role)); r != "" && r != RoleUser && r != RoleGuest && r != RoleReader {
		return &ValidationError{Action: action, Field: "Role", Reason: "want user, guest or reader"}
	}
	return nil
}

// GetUsers lists every member of the account (action get_users).
func (c *Client) GetUsers(ctx context.Context) ([]User, error) {
	return getList[userWire, User](ctx, c, "get_users")
}

// AddUser invites a person (action add_user) and returns the new member.
// An account holds one member per email, so after a failure that may have
// reached the server AddUser resends, and on a refused duplicate (or a last
// failure) reads the member with the email back (ASCII case only, as the
// server). It never invites twice; an unconfirmed failure is ErrMaybeApplied.
func (c *Client) AddUser(ctx context.Context, p AddUserParams) (*User, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p.Role = ParseRole(string(p.Role))
	sameEmail := func(u User) bool { return SameEmail(u.Email, p.Email) }
	return create[userWire](ctx, c, "add_user", "member", p, c.GetUsers, sameEmail, sameEmail)
}
