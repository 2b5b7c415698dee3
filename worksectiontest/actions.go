package worksectiontest

import (
	"encoding/json"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	ws "github.com/worksection-go/worksection"
)

// dispatch runs one action against the state. tokenEmail is the member a
// bearer token belongs to ("" on the admin API).
func (s *Server) dispatch(action string, p url.Values, tokenEmail string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	admin := tokenEmail == ""
	switch action {
	case "":
		return nil, errActionMissing
	case "get_users":
		return render(s.users, func(u ws.User) wireUser { return toWireUser(u, admin) }), nil
	case "add_user":
		return s.addUser(p, admin)
	case "get_user_groups":
		return render(s.userGroups, toWireUserGroup), nil
	case "add_user_group":
		if text(p, "title") == "" {
			return nil, required("title")
		}
		return toWireUserGroup(s.userGroup(text(p, "title"), p.Get("client") == "1")), nil
	case "get_contacts":
		return render(s.contacts, toWireContact), nil
	case "add_contact":
		return s.addContact(p)
	case "get_contact_groups":
		return render(s.contactGroups, toWireContactGroup), nil
	case "add_contact_group":
		if text(p, "title") == "" {
			return nil, required("title")
		}
		return toWireContactGroup(s.contactGroup(text(p, "title"))), nil
	case "subscribe", "unsubscribe":
		return nil, s.subscription(action == "subscribe", p)
	case "me":
		return s.me(tokenEmail)
	case "get_task":
		return s.getTask(p)
	case "get_tasks":
		return s.getTasks(p)
	case "get_project":
		return s.getProject(p)
	case "add_project_members", "delete_project_members":
		return nil, s.projectMembers(action == "add_project_members", p)
	case "get_users_schedule":
		return s.getSchedule(p)
	case "update_users_schedule":
		return s.updateSchedule(p)
	}
	return nil, errActionInvalid
}

// text is a stored text parameter. The one whitespace rule: every stored
// text field (names, titles, team and folder names, department, phones,
// addresses) is trimmed of surrounding whitespace, and a blank required
// field is missing. Emails are identifiers, checked as sent.
func text(p url.Values, key string) string { return strings.TrimSpace(p.Get(key)) }

// sameEmail compares emails (and names of teams and folders) by ASCII case
// only, as the PHP server does; never by Unicode folding, under which the
// Kelvin sign would match a "k".
func sameEmail(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// render converts records to their wire form.
func render[T, W any](items []T, wire func(T) W) []W {
	out := make([]W, len(items))
	for i, item := range items {
		out[i] = wire(item)
	}
	return out
}

// validEmail accepts exactly one bare address.
func validEmail(email string) bool {
	if strings.ContainsAny(email, ",; ") {
		return false
	}
	a, err := mail.ParseAddress(email)
	return err == nil && a.Address == email
}

func (s *Server) newID() ws.ID {
	s.nextID++
	return ws.ID(strconv.Itoa(s.nextID))
}

// addUser invites a member. Inferred (undocumented) behaviour: a member's
// email gives code 11 "User already exists"; an unknown team is created.
func (s *Server) addUser(p url.Values, admin bool) (any, *apiError) {
	email := p.Get("email")
	if email == "" {
		return nil, required("email")
	}
	if !validEmail(email) {
		return nil, errEnvelope(11, "Invalid email", email)
	}
	role := ws.RoleUser
	if r := p.Get("role"); r != "" {
		role = ws.ParseRole(r)
		if role != ws.RoleUser && role != ws.RoleGuest && role != ws.RoleReader {
			return nil, errEnvelope(11, "Invalid role", r)
		}
	}
	if s.userByEmail(email) != nil {
		return nil, errEnvelope(11, "User already exists", email)
	}
	group := text(p, "group")
	if group == "" && len(s.users) > 0 {
		group = s.users[0].Group // "your own team"
	}
	if group != "" {
		s.userGroup(group, false)
	}
	id := s.newID()
	rate := s.defaultRate
	u := ws.User{ID: id, FirstName: text(p, "first_name"), LastName: text(p, "last_name"), Title: text(p, "title"),
		Group: group, Department: text(p, "department"), Role: role, Email: email, Rate: &rate,
		Avatar: "https://acme.worksection.com/images/avatar/default.png", DateAdded: s.clock().Format("2006-01-02 15:04")}
	if u.FirstName == "" && u.LastName == "" {
		u.FirstName, u.LastName = namesFromEmail(email)
	}
	u.Name = fullName(u.FirstName, u.LastName)
	s.users = append(s.users, u)
	return toWireUser(u, admin), nil
}

// namesFromEmail names a member invited by email alone, as the recorded
// server does (kate.greenway@ws.com: "kate", "greenway"): the local part
// split at its first dot, as written; without a dot, the whole local part
// is the first name and the last name is empty.
func namesFromEmail(email string) (first, last string) {
	local, _, _ := strings.Cut(email, "@")
	first, last, _ = strings.Cut(local, ".")
	return first, last
}

// userByEmail finds a member by email ignoring ASCII case only, as the
// PHP server does: "\u212Aate@x" (KELVIN SIGN) is not "kate@x".
func (s *Server) userByEmail(email string) *ws.User {
	for i := range s.users {
		if sameEmail(s.users[i].Email, email) {
			return &s.users[i]
		}
	}
	return nil
}

func (s *Server) userByID(id string) *ws.User {
	for i := range s.users {
		if string(s.users[i].ID) == id {
			return &s.users[i]
		}
	}
	return nil
}

// userGroup returns the team with title, creating it if there is none.
func (s *Server) userGroup(title string, client bool) ws.UserGroup {
	for _, g := range s.userGroups {
		if sameEmail(g.Title, title) {
			return g
		}
	}
	g := ws.UserGroup{ID: s.newID(), Title: title, Type: "company", Client: client}
	s.userGroups = append(s.userGroups, g)
	return g
}

// addContact creates a contact; duplicates are allowed, as in the address
// book of the web app. An unknown folder is created.
func (s *Server) addContact(p url.Values) (any, *apiError) {
	email, name := p.Get("email"), text(p, "name")
	switch {
	case email == "":
		return nil, required("email")
	case name == "":
		return nil, required("name")
	case !validEmail(email):
		return nil, errEnvelope(11, "Invalid email", email)
	}
	first, last, _ := strings.Cut(name, " ")
	c := ws.Contact{ID: s.newID(), FirstName: first, LastName: strings.TrimSpace(last), Name: name, Title: text(p, "title"),
		Group: text(p, "group"), Email: email, Phone: text(p, "phone"), Phone2: text(p, "phone2"), Phone3: text(p, "phone3"),
		Phone4: text(p, "phone4"), Address: text(p, "address"), Address2: text(p, "address2")}
	if c.Group == "" {
		c.Group = "DEFAULT"
	}
	s.contactGroup(c.Group)
	s.contacts = append(s.contacts, c)
	return toWireContact(c), nil
}

// contactGroup returns the folder with title, creating it if there is none.
func (s *Server) contactGroup(title string) ws.ContactGroup {
	for _, g := range s.contactGroups {
		if sameEmail(g.Title, title) {
			return g
		}
	}
	g := ws.ContactGroup{ID: s.newID(), Title: title, Type: ws.ContactGroupFolder}
	s.contactGroups = append(s.contactGroups, g)
	return g
}

func (s *Server) task(id string) *Task {
	for i := range s.tasks {
		if string(s.tasks[i].ID) == id {
			return &s.tasks[i]
		}
	}
	return nil
}

// subscription (un)subscribes a member. Subscribing twice and
// unsubscribing a non-subscriber are not errors; a non-member's email is
// "Invalid email" (inferred).
func (s *Server) subscription(subscribe bool, p url.Values) *apiError {
	id, email := p.Get("id_task"), p.Get("email_user")
	switch {
	case id == "":
		return required("id_task")
	case email == "":
		return required("email_user")
	case !validEmail(email):
		return errEnvelope(11, "Invalid email", email)
	}
	t := s.task(id)
	if t == nil {
		return errEnvelope(5, "Task is invalid", "")
	}
	u := s.userByEmail(email)
	if u == nil {
		return errEnvelope(11, "Invalid email", email)
	}
	at := -1
	for i, e := range t.Subscribers {
		if sameEmail(e, u.Email) {
			at = i
		}
	}
	switch {
	case subscribe && at < 0:
		t.Subscribers = append(t.Subscribers, u.Email)
	case !subscribe && at >= 0:
		t.Subscribers = append(t.Subscribers[:at], t.Subscribers[at+1:]...)
	}
	return nil
}

// me answers with the token's member as an object, as the official
// Postman recording shows (the FAQ's one-element array with WithMeAsArray).
// The admin API refuses it unless WithMeOnAdminAPI.
func (s *Server) me(tokenEmail string) (any, *apiError) {
	var u *ws.User
	switch {
	case tokenEmail != "":
		u = s.userByEmail(tokenEmail)
	case !s.meOnAdmin:
		return nil, errEnvelope(0, "Action is invalid", "method available only for access token")
	case len(s.users) > 0:
		u = &s.users[0]
	}
	if u == nil {
		return nil, &apiError{httpStatus: http.StatusUnauthorized, message: "Access token is invalid"}
	}
	w := toWireUser(*u, false)
	w.Rate = nil // the recorded me carries no rate
	if s.meAsArray {
		return []wireUser{w}, nil
	}
	return w, nil
}

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
