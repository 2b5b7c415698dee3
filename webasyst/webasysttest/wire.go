package webasysttest

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/worksection-go/worksection/webasyst"
)

// The wire types spell the server's JSON on their own, in the server's key
// order, so that a wrong tag in the client's types shows up as a test
// failure instead of being copied by the fake.

type wireTeammate struct {
	Contact     wireContact     `json:"contact"`
	ContactInfo wireContactInfo `json:"contact_info"`
	Status      *wireStatus     `json:"status"`
	LastLog     *wireLog        `json:"last_log"`
	Groups      wireGroups      `json:"groups"`
	Counts      wireCounts      `json:"counts"`
	Sort        int64           `json:"sort"`
	InviteLink  *string         `json:"inviteLink"`
}

type wireContact struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	PhotoURL string `json:"photo_url"`
	IsMe     bool   `json:"is_me"`
}

type wireContactInfo struct {
	Name          string        `json:"name"`
	Title         *string       `json:"title"`
	FirstName     *string       `json:"firstname"`
	MiddleName    *string       `json:"middlename"`
	LastName      *string       `json:"lastname"`
	JobTitle      *string       `json:"jobtitle"`
	Company       *string       `json:"company"`
	Email         []wireLabeled `json:"email"`
	Phone         []wireLabeled `json:"phone"`
	Gender        *string       `json:"gender"`
	IM            []wireLabeled `json:"im"`
	Address       []wireLabeled `json:"address"`
	URL           []wireLabeled `json:"url"`
	Birthday      *string       `json:"birthday"`
	Locale        *string       `json:"locale"`
	Timezone      *string       `json:"timezone"`
	SocialNetwork []wireLabeled `json:"socialnetwork"`
	About         *string       `json:"about"`
	LargePhotoURL string        `json:"large_photo_url"`
}

type wireLabeled struct {
	Ext   string `json:"ext"`
	Value string `json:"value"`
}

type wireStatus struct {
	Name      string `json:"name"`
	BgColor   string `json:"bg_color"`
	FontColor string `json:"font_color"`
}

type wireLog struct {
	ID                int64             `json:"id"`
	ProjectID         *int64            `json:"project_id"`
	TaskID            int64             `json:"task_id"`
	Contact           wireContact       `json:"contact"`
	Text              string            `json:"text"`
	TextStripped      string            `json:"text_stripped"`
	CreateDatetime    string            `json:"create_datetime"`
	BeforeStatusID    *int64            `json:"before_status_id"`
	AfterStatusID     *int64            `json:"after_status_id"`
	Action            string            `json:"action"`
	AssignedContact   *wireContact      `json:"assigned_contact"`
	StatusChanged     bool              `json:"status_changed"`
	AssignmentChanged bool              `json:"assignment_changed"`
	Attachments       []json.RawMessage `json:"attachments"`
	Params            json.RawMessage   `json:"params"`
	TaskNumber        *int64            `json:"task_number"`
	TaskName          *string           `json:"task_name"`
}

type wireCounts struct {
	Total          int64 `json:"total"`
	Closed         int64 `json:"closed"`
	Active         int64 `json:"active"`
	ActivePriority int64 `json:"active_priority"`
}

// wireGroups is PHP's encoding of an id => name array: an object in the
// array's order, or [] when empty.
type wireGroups []webasyst.Group

func (g wireGroups) MarshalJSON() ([]byte, error) {
	if len(g) == 0 {
		return []byte("[]"), nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, gr := range g {
		if i > 0 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(gr.Name)
		if err != nil {
			return nil, err
		}
		b.WriteString(`"` + strconv.FormatInt(gr.ID, 10) + `":`)
		b.Write(name)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// phpTime is PHP's date('Y-m-d\TH:i:sP') in UTC, as Teamwork sends it.
const phpTime = "2006-01-02T15:04:05-07:00"

func toWire(tm webasyst.Teammate) wireTeammate {
	w := wireTeammate{Contact: contactToWire(tm.Contact), ContactInfo: infoToWire(tm.ContactInfo),
		Groups: wireGroups(tm.Groups), Counts: wireCounts(tm.Counts), Sort: tm.Sort, InviteLink: tm.InviteLink}
	if s := tm.Status; s != nil {
		w.Status = &wireStatus{Name: s.Name, BgColor: s.BgColor, FontColor: s.FontColor}
	}
	if l := tm.LastLog; l != nil {
		w.LastLog = &wireLog{ID: l.ID, ProjectID: l.ProjectID, TaskID: l.TaskID, Contact: contactToWire(l.Contact),
			Text: l.Text, TextStripped: l.TextStripped, CreateDatetime: l.CreateDatetime.UTC().Format(phpTime),
			BeforeStatusID: l.BeforeStatusID, AfterStatusID: l.AfterStatusID, Action: l.Action,
			StatusChanged: l.StatusChanged, AssignmentChanged: l.AssignmentChanged,
			Attachments: orEmpty(l.Attachments), Params: l.Params, TaskNumber: l.TaskNumber, TaskName: l.TaskName}
		if l.AssignedContact != nil {
			c := contactToWire(*l.AssignedContact)
			w.LastLog.AssignedContact = &c
		}
		if w.LastLog.Params == nil {
			w.LastLog.Params = json.RawMessage(`[]`)
		}
	}
	return w
}

func contactToWire(c webasyst.Contact) wireContact {
	return wireContact{ID: c.ID, Name: c.Name, PhotoURL: c.PhotoURL, IsMe: c.IsMe}
}

func infoToWire(c webasyst.ContactInfo) wireContactInfo {
	return wireContactInfo{Name: c.Name, Title: null(c.Title), FirstName: null(c.FirstName),
		MiddleName: null(c.MiddleName), LastName: null(c.LastName), JobTitle: null(c.JobTitle),
		Company: null(c.Company), Email: labeled(c.Email), Phone: labeled(c.Phone), Gender: null(c.Gender),
		IM: labeled(c.IM), Address: labeled(c.Address), URL: labeled(c.URL), Birthday: null(c.Birthday),
		Locale: null(c.Locale), Timezone: null(c.Timezone), SocialNetwork: labeled(c.SocialNetwork),
		About: null(c.About), LargePhotoURL: c.LargePhotoURL}
}

// null is the server's `?: null`: an empty string is sent as null.
func null(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}

// labeled is never null on the wire: PHP sends [] for none.
func labeled(in []webasyst.Labeled) []wireLabeled {
	out := make([]wireLabeled, len(in))
	for i, l := range in {
		out[i] = wireLabeled{Ext: l.Ext, Value: l.Value}
	}
	return out
}

func orEmpty(in []json.RawMessage) []json.RawMessage {
	if in == nil {
		return []json.RawMessage{}
	}
	return in
}
