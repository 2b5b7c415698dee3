package worksection

import (
	"context"
	"strings"
)

// Contact is an entry of the account's address book. Optional fields the
// API omits (even Email) are left empty.
type Contact struct {
	ID        ID       `json:"id"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	Name      string   `json:"name"`  // first and last name
	Title     string   `json:"title"` // position
	Group     string   `json:"group"` // folder name
	Email     string   `json:"email,omitempty"`
	Phone     string   `json:"phone,omitempty"`  // main
	Phone2    string   `json:"phone2,omitempty"` // office
	Phone3    string   `json:"phone3,omitempty"` // mobile
	Phone4    string   `json:"phone4,omitempty"` // home
	Address   string   `json:"address,omitempty"`
	Address2  string   `json:"address2,omitempty"`
	URL       string   `json:"url,omitempty"`
	Services  Services `json:"services,omitzero"`
	Contacts  string   `json:"contacts,omitempty"`
	DateAdded string   `json:"date_added,omitempty"` // "YYYY-MM-DD HH:MM"
}

// contactWire is a contact as the API sends it.
type contactWire Contact

func (w *contactWire) record() (Contact, error) { return Contact(*w), requireID(w.ID) }

// UnmarshalJSON decodes a contact as the API sends it: ids as strings or
// numbers, services as an object or []. A contact needs an id.
func (c *Contact) UnmarshalJSON(b []byte) error {
	return unmarshalRecord[contactWire, Contact](b, c, "contact")
}

// Contact folder types.
const (
	ContactGroupPreset = "preset" // created by default: USERS, DEFAULT, TEAM_ONLY, HIDDEN
	ContactGroupFolder = "folder" // created by a user
)

// ContactGroup is a contact folder; preset folders' numeric ids decode too.
type ContactGroup struct {
	ID    ID     `json:"id"`
	Title string `json:"title"`
	Type  string `json:"type"` // ContactGroupPreset or ContactGroupFolder
}

// contactGroupWire is a contact folder as the API sends it.
type contactGroupWire ContactGroup

func (w *contactGroupWire) record() (ContactGroup, error) { return ContactGroup(*w), requireID(w.ID) }

// UnmarshalJSON decodes a contact folder; its id may be a number.
func (g *ContactGroup) UnmarshalJSON(b []byte) error {
	return unmarshalRecord[contactGroupWire, ContactGroup](b, g, "contact folder")
}

// AddContactParams describe a contact: Email and Name required, no invitation sent.
type AddContactParams struct {
	Email    string `url:"email"`
	Name     string `url:"name"` // first and last name
	Title    string `url:"title,omitempty"`
	Group    string `url:"group,omitempty"` // folder name
	Phone    string `url:"phone,omitempty"`
	Phone2   string `url:"phone2,omitempty"`
	Phone3   string `url:"phone3,omitempty"`
	Phone4   string `url:"phone4,omitempty"`
	Address  string `url:"address,omitempty"`
	Address2 string `url:"address2,omitempty"`
}

// AddContactGroupParams describe a contact folder. Title is required.
type AddContactGroupParams struct {
	Title string `url:"title"`
}

// Validate reports what AddContact would refuse before sending: exactly one
// email address and a name.
func (p AddContactParams) Validate() error {
	const action = "add_contact"
	if err := checkText(action, p); err != nil {
		return err
	}
	if err := checkEmail(action, "Email", p.Email); err != nil {
		return err
	}
	return checkRequired(action, "Name", p.Name)
}

// Validate reports what AddContactGroup would refuse before sending.
func (p AddContactGroupParams) Validate() error {
	if err := checkText("add_contact_group", p); err != nil {
		return err
	}
	return checkRequired("add_contact_group", "Title", p.Title)
}

// GetContacts lists the account's contacts (action get_contacts).
func (c *Client) GetContacts(ctx context.Context) ([]Contact, error) {
	return getList[contactWire, Contact](ctx, c, "get_contacts")
}

// AddContact creates a contact (action add_contact). Contacts may share an
// email, so after a failure that may have reached the server it is never
// resent: it returns a contact read back matching every field sent (maybe
// an identical older one), else ErrMaybeApplied: it may still appear.
func (c *Client) AddContact(ctx context.Context, p AddContactParams) (*Contact, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return create[contactWire](ctx, c, "add_contact", "contact", p, c.GetContacts, p.matches,
		func(ct Contact) bool { return SameEmail(ct.Email, p.Email) })
}

// GetContactGroups lists the contact folders (action get_contact_groups).
func (c *Client) GetContactGroups(ctx context.Context) ([]ContactGroup, error) {
	return getList[contactGroupWire, ContactGroup](ctx, c, "get_contact_groups")
}

// AddContactGroup creates a contact folder (action add_contact_group). If a
// folder with the title exists, the API returns it instead.
func (c *Client) AddContactGroup(ctx context.Context, p AddContactGroupParams) (*ContactGroup, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return getOne[contactGroupWire, ContactGroup](ctx, c, "add_contact_group", p, nil)
}

// matches reports whether ct holds every field p sends (emails by ASCII case,
// text trimmed); an empty field (Group: the default folder) is not compared.
func (p AddContactParams) matches(ct Contact) bool {
	same := func(sent, got string) bool { return sent == "" || strings.TrimSpace(sent) == strings.TrimSpace(got) }
	return SameEmail(p.Email, ct.Email) && strings.TrimSpace(p.Name) == strings.TrimSpace(ct.Name) &&
		same(p.Title, ct.Title) && same(p.Group, ct.Group) && same(p.Phone, ct.Phone) && same(p.Phone2, ct.Phone2) &&
		same(p.Phone3, ct.Phone3) && same(p.Phone4, ct.Phone4) && same(p.Address, ct.Address) && same(p.Address2, ct.Address2)
}
