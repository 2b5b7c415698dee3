package worksection

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/worksection-go/worksection/internal/transport"
	"github.com/worksection-go/worksection/internal/wire"
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

var knownRoles = [...]Role{RoleOwner, RoleAccountAdmin, RoleTeamAdmin, RoleDepartmentAdmin, RoleUser, RoleGuest, RoleReader}

// ParseRole maps s to a Role constant ignoring case and surrounding space;
// an unknown role is returned as given.
func ParseRole(s string) Role {
	t := strings.TrimSpace(s)
	for _, r := range knownRoles {
		if strings.EqualFold(t, string(r)) {
			return r
		}
	}
	return Role(s)
}

// UnmarshalJSON decodes a role string case-insensitively.
func (r *Role) UnmarshalJSON(b []byte) error {
	// Known roles map to constants straight from the bytes, without
	// allocating a string.
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		inner := bytes.TrimSpace(b[1 : len(b)-1])
		for _, known := range knownRoles {
			if len(inner) == len(known) && bytes.EqualFold(inner, []byte(known)) {
				*r = known
				return nil
			}
		}
	}
	s, err := wire.Scalar(b)
	if err != nil {
		return fmt.Errorf("worksection: role: %w", err)
	}
	*r = ParseRole(s)
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
	// DateAdded is when the member joined, "YYYY-MM-DD HH:MM" in the
	// account's time zone; admin API only. Read from date_added or the
	// documented misspelling data_added.
	DateAdded string `json:"date_added,omitempty"`
}

// userWire is a user as the API sends it: flat (encoding/json pays for
// every field reached through an embedded struct), with rate as a number
// or numeric string and the documented misspelling data_added.
type userWire struct {
	ID         ID                 `json:"id"`
	FirstName  string             `json:"first_name"`
	LastName   string             `json:"last_name"`
	Name       string             `json:"name"`
	Title      string             `json:"title"`
	Rate       wire.OptionalFloat `json:"rate"`
	Avatar     string             `json:"avatar"`
	Group      string             `json:"group"`
	Department string             `json:"department"`
	Role       Role               `json:"role"`
	Email      string             `json:"email"`
	Phone      string             `json:"phone"`
	Phone2     string             `json:"phone2"`
	Phone3     string             `json:"phone3"`
	Phone4     string             `json:"phone4"`
	Address    string             `json:"address"`
	Address2   string             `json:"address2"`
	URL        string             `json:"url"`
	Services   Services           `json:"services"`
	Contacts   string             `json:"contacts"`
	DateAdded  string             `json:"date_added"`
	DataAdded  string             `json:"data_added"`
}

func (w *userWire) user() User {
	u := User{ID: w.ID, FirstName: w.FirstName, LastName: w.LastName, Name: w.Name, Title: w.Title, Rate: w.Rate.V,
		Avatar: w.Avatar, Group: w.Group, Department: w.Department, Role: w.Role, Email: w.Email,
		Phone: w.Phone, Phone2: w.Phone2, Phone3: w.Phone3, Phone4: w.Phone4, Address: w.Address, Address2: w.Address2,
		URL: w.URL, Services: w.Services, Contacts: w.Contacts, DateAdded: w.DateAdded}
	if u.DateAdded == "" {
		u.DateAdded = w.DataAdded
	}
	return u
}

// UnmarshalJSON reads rate as a number or numeric string ("" is nil) and
// accepts data_added for date_added.
func (u *User) UnmarshalJSON(b []byte) error {
	var w userWire
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("worksection: user: %w", err)
	}
	*u = w.user()
	return nil
}

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
	// Decoding through userWire rather than User.UnmarshalJSON saves a
	// second scan of every record (see BENCHMARKS.md).
	return getList(ctx, c, "get_users", (*userWire).user)
}

// AddUser invites a person to the account (action add_user) and returns
// the new member. An account holds one member per email, so after a
// failure that may have reached the server AddUser sends again; if the
// server then refuses a duplicate, or the last attempt failed that way,
// it reads the members back and returns the one with the email (compared
// ignoring ASCII case only, as the server does). One call never invites
// twice; an error after a failure it could not confirm matches
// ErrMaybeApplied.
func (c *Client) AddUser(ctx context.Context, p AddUserParams) (*User, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p.Role = ParseRole(string(p.Role))
	var w userWire
	var found *User
	err := c.call(ctx, "add_user", p, &w, func(ctx context.Context) (bool, error) {
		users, err := c.GetUsers(ctx)
		if err != nil {
			return false, err
		}
		for i := range users {
			if transport.EqualFoldASCII(users[i].Email, p.Email) {
				found = &users[i]
				return true, nil
			}
		}
		return false, nil
	})
	switch {
	case err != nil:
		return nil, err
	case found != nil:
		return found, nil
	}
	u := w.user()
	return &u, nil
}
