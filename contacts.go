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

// Contact folder types.
const (
	ContactGroupPreset = "preset" // created by default: USERS, DEFAULT, TEAM_ONLY, HIDDEN
	ContactGroupFolder = "folder" // created by a user
)

// ContactGroup is a contact folder. Preset folders arrive with numeric ids
// and custom ones with string ids; both decode into ID.
type ContactGroup struct {
	ID    ID     `json:"id"`
	Title string `json:"title"`
	Type  string `json:"type"` // ContactGroupPreset or ContactGroupFolder
}

// AddContactParams describe a contact. Email and Name are required; no
// invitation is sent.
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
	if err := checkEmail("add_contact", "email", p.Email); err != nil {
		return err
	}
	return checkRequired("add_contact", "name", p.Name)
}

// Validate reports what AddContactGroup would refuse before sending.
func (p AddContactGroupParams) Validate() error {
	return checkRequired("add_contact_group", "title", p.Title)
}

// GetContacts lists the account's contacts (action get_contacts).
func (c *Client) GetContacts(ctx context.Context) ([]Contact, error) {
	return getList(ctx, c, "get_contacts", itself[Contact])
}

// AddContact creates a contact (action add_contact). Like AddUser, it reads
// the contacts back before resending after a failure that may have reached
// the server, so one call never creates two contacts.
func (c *Client) AddContact(ctx context.Context, p AddContactParams) (*Contact, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var ct Contact
	err := c.call(ctx, "add_contact", p, &ct, func(ctx context.Context) (bool, error) {
		contacts, err := c.GetContacts(ctx)
		for _, existing := range contacts {
			if strings.EqualFold(existing.Email, p.Email) {
				ct = existing
				return true, nil
			}
		}
		return false, err
	})
	if err != nil {
		return nil, err
	}
	return &ct, nil
}

// GetContactGroups lists the contact folders (action get_contact_groups).
func (c *Client) GetContactGroups(ctx context.Context) ([]ContactGroup, error) {
	return getList(ctx, c, "get_contact_groups", itself[ContactGroup])
}

// AddContactGroup creates a contact folder (action add_contact_group). If a
// folder with the title exists, the API returns it instead.
func (c *Client) AddContactGroup(ctx context.Context, p AddContactGroupParams) (*ContactGroup, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var g ContactGroup
	if err := c.call(ctx, "add_contact_group", p, &g, nil); err != nil {
		return nil, err
	}
	return &g, nil
}
