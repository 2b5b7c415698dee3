package worksectiontest

import (
	"encoding/json"
	"strconv"
	"strings"

	ws "github.com/worksection-go/worksection"
)

// The JSON the fake writes, in the recorded key order.

type wireUser struct {
	ID         string   `json:"id"`
	FirstName  string   `json:"first_name"`
	LastName   string   `json:"last_name"`
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	Rate       *float64 `json:"rate,omitempty"`
	Avatar     string   `json:"avatar"`
	Group      string   `json:"group"`
	Department string   `json:"department"`
	Role       string   `json:"role"`
	Email      string   `json:"email"`
	Phone      string   `json:"phone,omitempty"`
	Phone2     string   `json:"phone2,omitempty"`
	Phone3     string   `json:"phone3,omitempty"`
	Phone4     string   `json:"phone4,omitempty"`
	Address    string   `json:"address,omitempty"`
	Address2   string   `json:"address2,omitempty"`
	DateAdded  string   `json:"date_added,omitempty"`
}

// capitalise renders roles as recorded responses do: "Account admin".
func capitalise(r ws.Role) string {
	s := string(r)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func toWireUser(u ws.User, admin bool) wireUser {
	w := wireUser{ID: string(u.ID), FirstName: u.FirstName, LastName: u.LastName, Name: u.Name, Title: u.Title,
		Rate: u.Rate, Avatar: u.Avatar, Group: u.Group, Department: u.Department, Role: capitalise(u.Role),
		Email: u.Email, Phone: u.Phone, Phone2: u.Phone2, Phone3: u.Phone3, Phone4: u.Phone4,
		Address: u.Address, Address2: u.Address2}
	if admin {
		w.DateAdded = u.DateAdded // admin token only
	}
	return w
}

type wireUserGroup struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Type   string `json:"type"`
	Client int    `json:"client"`
}

func toWireUserGroup(g ws.UserGroup) wireUserGroup {
	w := wireUserGroup{ID: string(g.ID), Title: g.Title, Type: g.Type}
	if w.Type == "" {
		w.Type = "company"
	}
	if g.Client {
		w.Client = 1
	}
	return w
}

type wireContact struct {
	ID        string `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Name      string `json:"name"`
	Title     string `json:"title"`
	Group     string `json:"group"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Phone2    string `json:"phone2,omitempty"`
	Phone3    string `json:"phone3,omitempty"`
	Phone4    string `json:"phone4,omitempty"`
	Address   string `json:"address,omitempty"`
	Address2  string `json:"address2,omitempty"`
}

func toWireContact(c ws.Contact) wireContact {
	return wireContact{ID: string(c.ID), FirstName: c.FirstName, LastName: c.LastName, Name: c.Name, Title: c.Title,
		Group: c.Group, Email: c.Email, Phone: c.Phone, Phone2: c.Phone2, Phone3: c.Phone3, Phone4: c.Phone4,
		Address: c.Address, Address2: c.Address2}
}

type wireContactGroup struct {
	ID    any    `json:"id"` // a number for presets, a string for folders, as recorded
	Title string `json:"title"`
	Type  string `json:"type"`
}

func toWireContactGroup(g ws.ContactGroup) wireContactGroup {
	w := wireContactGroup{ID: string(g.ID), Title: g.Title, Type: g.Type}
	if g.Type == ws.ContactGroupPreset {
		if n, err := strconv.Atoi(string(g.ID)); err == nil {
			w.ID = json.Number(strconv.Itoa(n))
		}
	}
	return w
}

// wireUserRef is a member as get_task&extra=subscribers and
// get_project&extra=users list them.
type wireUserRef struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// userRefs lists members by email, in the order given.
func (s *Server) userRefs(emails []string) *[]wireUserRef {
	out := make([]wireUserRef, 0, len(emails))
	for _, e := range emails {
		ref := wireUserRef{Email: e}
		if u := s.userByEmail(e); u != nil {
			ref.ID, ref.Name = string(u.ID), u.Name
		}
		out = append(out, ref)
	}
	return &out
}
