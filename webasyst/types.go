package webasyst

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// Teammate is one colleague with access to Teamwork, as tasks.team.getList
// returns them. The token owner is not in the list.
type Teammate struct {
	Contact     Contact     `json:"contact"`
	ContactInfo ContactInfo `json:"contact_info"`
	Status      *Status     `json:"status"`   // today's calendar status; nil when none
	LastLog     *LastLog    `json:"last_log"` // latest task action; nil when none
	Groups      Groups      `json:"groups"`
	Counts      Counts      `json:"counts"`
	Sort        int64       `json:"sort"`       // 0..n-1, most recently active first
	InviteLink  *string     `json:"inviteLink"` // set for invited users who have not joined yet
}

// Contact is a person's short card.
type Contact struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	PhotoURL string `json:"photo_url"`
	IsMe     bool   `json:"is_me"`
}

// ContactInfo is a person's full card. Empty scalar fields are nil.
type ContactInfo struct {
	Name          string    `json:"name"`
	Title         *string   `json:"title"`
	FirstName     *string   `json:"firstname"`
	MiddleName    *string   `json:"middlename"`
	LastName      *string   `json:"lastname"`
	JobTitle      *string   `json:"jobtitle"`
	Company       *string   `json:"company"`
	Email         []Labeled `json:"email"`
	Phone         []Labeled `json:"phone"`  // display-formatted, e.g. "+7 (912) 345-67-89"
	Gender        *string   `json:"gender"` // "m", "f" or nil
	IM            []Labeled `json:"im"`
	Address       []Labeled `json:"address"` // one-line formatted addresses
	URL           []Labeled `json:"url"`
	Birthday      *string   `json:"birthday"` // "YYYY-MM-DD"
	Locale        *string   `json:"locale"`
	Timezone      *string   `json:"timezone"`
	SocialNetwork []Labeled `json:"socialnetwork"`
	About         *string   `json:"about"`
	LargePhotoURL string    `json:"large_photo_url"`
}

// PrimaryEmail returns the first email address, or "" if there is none.
func (c ContactInfo) PrimaryEmail() string {
	for _, e := range c.Email {
		if e.Value != "" {
			return e.Value
		}
	}
	return ""
}

// Labeled is a value with the label the user gave it ("work", "mobile", or "").
type Labeled struct {
	Ext   string `json:"ext"`
	Value string `json:"value"`
}

// Status is a calendar status such as a vacation.
type Status struct {
	Name      string `json:"name"`
	BgColor   string `json:"bg_color"`
	FontColor string `json:"font_color"`
}

// LastLog is a person's latest action on a task.
type LastLog struct {
	ID                int64             `json:"id"`
	ProjectID         *int64            `json:"project_id"`
	TaskID            int64             `json:"task_id"`
	Contact           Contact           `json:"contact"`
	Text              string            `json:"text"`
	TextStripped      string            `json:"text_stripped"`
	CreateDatetime    time.Time         `json:"create_datetime"` // RFC 3339, UTC
	BeforeStatusID    *int64            `json:"before_status_id"`
	AfterStatusID     *int64            `json:"after_status_id"` // 0 new, -1 done, positive custom
	Action            string            `json:"action"`          // create, add, comment, forward, return, edit or ""
	AssignedContact   *Contact          `json:"assigned_contact"`
	StatusChanged     bool              `json:"status_changed"`
	AssignmentChanged bool              `json:"assignment_changed"`
	Attachments       []json.RawMessage `json:"attachments"`
	Params            json.RawMessage   `json:"params"`
	TaskNumber        *int64            `json:"task_number"`
	TaskName          *string           `json:"task_name"`
}

// Counts are the tasks assigned to a person.
type Counts struct {
	Total          int64 `json:"total"`
	Closed         int64 `json:"closed"`
	Active         int64 `json:"active"`
	ActivePriority int64 `json:"active_priority"` // open with priority >= 2, also counted in Active
}

// Groups are a person's groups in the server's order (by name).
type Groups []Group

// Group is a user group: its id and name.
type Group struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// errGroups says what UnmarshalJSON accepts.
func errGroups() error {
	return &fieldError{field: "groups", want: "an object of group id to name, [] or null"}
}

// UnmarshalJSON accepts the server's object of id to name, kept in its
// order, PHP's [] for none, null, and a list of {"id","name"} (what
// json.Marshal writes for Groups).
func (g *Groups) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*g = nil
		return nil
	case len(b) > 0 && b[0] == '[':
		var list []Group
		if json.Unmarshal(b, &list) != nil {
			return errGroups()
		}
		*g = nil
		if len(list) > 0 {
			*g = list
		}
		return nil
	case len(b) > 0 && b[0] == '{':
		return g.decodeObject(b)
	}
	return errGroups()
}

// decodeObject reads {"<id>":"<name>",...} token by token: a Go map would
// lose the server's order.
func (g *Groups) decodeObject(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return errGroups()
	}
	var list Groups
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return errGroups()
		}
		var name string
		if err := dec.Decode(&name); err != nil {
			return errGroups()
		}
		id, err := strconv.ParseInt(key.(string), 10, 64)
		if err != nil {
			return &fieldError{field: "groups", want: "numeric group ids as keys"}
		}
		list = append(list, Group{ID: id, Name: name})
	}
	*g = list
	return nil
}

// Names returns the group names in the server's order.
func (g Groups) Names() []string {
	names := make([]string, len(g))
	for i, gr := range g {
		names[i] = gr.Name
	}
	return names
}

// First returns the first group's name in the server's order, or "" when
// there are none.
func (g Groups) First() string {
	if len(g) == 0 {
		return ""
	}
	return g[0].Name
}
