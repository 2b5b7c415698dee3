package worksectiontest

import (
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
	if action == "" {
		return nil, errActionMissing
	}
	if s.actions == nil {
		s.actions = s.handlers()
	}
	h, ok := s.actions[action]
	if !ok {
		return nil, errActionInvalid
	}
	return h(p, tokenEmail)
}

// handler runs one action with s.mu held; tokenEmail is "" on the admin API.
type handler func(p url.Values, tokenEmail string) (any, *apiError)

// handlers are the actions the fake serves.
func (s *Server) handlers() map[string]handler {
	titled := func(create func(title string, p url.Values) any) handler {
		return func(p url.Values, _ string) (any, *apiError) {
			if text(p, "title") == "" {
				return nil, required("title")
			}
			return create(text(p, "title"), p), nil
		}
	}
	params := func(f func(url.Values) (any, *apiError)) handler {
		return func(p url.Values, _ string) (any, *apiError) { return f(p) }
	}
	done := func(f func(url.Values) *apiError) handler {
		return func(p url.Values, _ string) (any, *apiError) { return nil, f(p) }
	}
	return map[string]handler{
		"get_users": func(_ url.Values, tokenEmail string) (any, *apiError) {
			return render(s.users, func(u ws.User) wireUser { return toWireUser(u, tokenEmail == "") }), nil
		},
		"add_user":        func(p url.Values, tokenEmail string) (any, *apiError) { return s.addUser(p, tokenEmail == "") },
		"get_user_groups": func(url.Values, string) (any, *apiError) { return render(s.userGroups, toWireUserGroup), nil },
		"add_user_group": titled(func(title string, p url.Values) any {
			return toWireUserGroup(s.userGroup(title, p.Get("client") == "1"))
		}),
		"get_contacts":       func(url.Values, string) (any, *apiError) { return render(s.contacts, toWireContact), nil },
		"add_contact":        params(s.addContact),
		"get_contact_groups": func(url.Values, string) (any, *apiError) { return render(s.contactGroups, toWireContactGroup), nil },
		"add_contact_group": titled(func(title string, _ url.Values) any {
			return toWireContactGroup(s.contactGroup(title))
		}),
		"subscribe":              done(func(p url.Values) *apiError { return s.subscription(true, p) }),
		"unsubscribe":            done(func(p url.Values) *apiError { return s.subscription(false, p) }),
		"me":                     func(_ url.Values, tokenEmail string) (any, *apiError) { return s.me(tokenEmail) },
		"get_task":               params(s.getTask),
		"get_tasks":              params(s.getTasks),
		"get_project":            params(s.getProject),
		"add_project_members":    done(func(p url.Values) *apiError { return s.projectMembers(true, p) }),
		"delete_project_members": done(func(p url.Values) *apiError { return s.projectMembers(false, p) }),
		"get_users_schedule":     params(s.getSchedule),
		"update_users_schedule":  params(s.updateSchedule),
	}
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
