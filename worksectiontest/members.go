package worksectiontest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	ws "github.com/worksection-go/worksection"
)

// Projects' members and members' schedules: get_project&extra=users,
// add_project_members, delete_project_members, get_users_schedule and
// update_users_schedule.

var errProject = errEnvelope(4, "Project is invalid", "")

func (s *Server) project(id string) *Project {
	for i := range s.projects {
		if string(s.projects[i].ID) == id {
			return &s.projects[i]
		}
	}
	return nil
}

// splitList splits a comma list, trimming each entry and dropping empty ones.
func splitList(v string) []string {
	var out []string
	for e := range strings.SplitSeq(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// wireProject is get_project's data: the documented fields a members
// client meets, users only with extra=users.
// wireProject has every key of the recorded get_project answer, in its
// order; the fake keeps no description, limits or tags.
type wireProject struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Page      string         `json:"page"`
	Status    string         `json:"status"`
	Company   string         `json:"company"`
	UserFrom  wireUserRef    `json:"user_from"`
	UserTo    wireUserRef    `json:"user_to"`
	Text      string         `json:"text"`
	DateAdded string         `json:"date_added"`
	DateStart string         `json:"date_start"`
	DateEnd   string         `json:"date_end"`
	Options   projectOptions `json:"options"`
	MaxTime   int            `json:"max_time"`
	MaxMoney  int            `json:"max_money"`
	Tags      []struct{}     `json:"tags"`            // PHP's [] for an empty id => name map
	Users     *[]wireUserRef `json:"users,omitempty"` // [] if none
}

// projectOptions are a project's switches, as recorded (0 or 1).
type projectOptions struct {
	AllowClose       int `json:"allow_close"`
	AllowGive        int `json:"allow_give"`
	AllowTerm        int `json:"allow_term"`
	AllowLimit       int `json:"allow_limit"`
	RequireTerm      int `json:"require_term"`
	RequireTag       int `json:"require_tag"`
	RequireLimit     int `json:"require_limit"`
	RequireHidden    int `json:"require_hidden"`
	DenyCommentsEdit int `json:"deny_comments_edit"`
	DenyTaskEdit     int `json:"deny_task_edit"`
	DenyTaskDelete   int `json:"deny_task_delete"`
	TimeRequire      int `json:"time_require"`
	TimeToday        int `json:"time_today"`
	TimerOnly        int `json:"timer_only"`
}

// owner is the account owner (the first member) as a reference, or nil.
func (s *Server) owner() *wireUserRef {
	if len(s.users) == 0 {
		return nil
	}
	return &(*s.userRefs([]string{s.users[0].Email}))[0]
}

func (s *Server) getProject(p url.Values) (any, *apiError) {
	if p.Get("id_project") == "" {
		return nil, required("id_project")
	}
	proj := s.project(p.Get("id_project"))
	if proj == nil {
		return nil, errProject
	}
	w := wireProject{ID: string(proj.ID), Name: proj.Name, Page: "/project/" + string(proj.ID) + "/", Status: "active",
		Company: proj.Company, DateAdded: "2024-01-15 10:00", Options: projectOptions{AllowClose: 1, AllowGive: 1}, Tags: []struct{}{}}
	if owner := s.owner(); owner != nil { // the owner created and manages every project and task
		w.UserFrom, w.UserTo = *owner, *owner
	}
	if strings.Contains(p.Get("extra"), "users") {
		w.Users = s.userRefs(proj.Members)
	}
	return w, nil
}

// projectMembers adds or removes account members, named by email, to or
// from a project. Every email must be an account member's, else nothing
// changes and the answer is code 11 "Invalid email" with the offending
// emails (comma-separated) in message_details. Adding a member twice or
// removing a non-member of the project is not an error.
func (s *Server) projectMembers(add bool, p url.Values) *apiError {
	emails := splitList(p.Get("members"))
	switch {
	case p.Get("id_project") == "":
		return required("id_project")
	case len(emails) == 0:
		return required("members")
	}
	proj := s.project(p.Get("id_project"))
	if proj == nil {
		return errProject
	}
	var members, bad []string
	for _, e := range emails {
		if u := s.userByEmail(e); u != nil && validEmail(e) {
			members = append(members, u.Email)
		} else {
			bad = append(bad, e)
		}
	}
	if bad != nil {
		return errEnvelope(11, "Invalid email", strings.Join(bad, ","))
	}
	for _, m := range members {
		at := slices.IndexFunc(proj.Members, func(e string) bool { return sameEmail(e, m) })
		switch {
		case add && at < 0:
			proj.Members = append(proj.Members, m)
		case !add && at >= 0:
			proj.Members = slices.Delete(proj.Members, at, at+1)
		}
	}
	return nil
}

// Day kinds of a schedule; unset only in updates.
const (
	dayVacation  = "vacation"
	daySickLeave = "sick-leave"
	dayWorkday   = "workday"
	dayUnset     = "unset"
)

// memberByRef finds a member by id or email.
func (s *Server) memberByRef(ref string) (*ws.User, *apiError) {
	if u := s.userByID(ref); u != nil {
		return u, nil
	}
	if strings.Contains(ref, "@") {
		if u := s.userByEmail(ref); u != nil {
			return u, nil
		}
		return nil, errEnvelope(11, "Invalid email", ref)
	}
	return nil, errEnvelope(11, "Invalid user", ref)
}

// scheduleDate reads a request date: DD.MM.YYYY, or YYYY-MM-DD where
// allowISO (update_users_schedule accepts both).
func scheduleDate(v string, allowISO bool) (string, *apiError) {
	layouts := []string{"02.01.2006"}
	if allowISO {
		layouts = append(layouts, time.DateOnly)
	}
	for _, l := range layouts {
		if d, err := time.Parse(l, v); err == nil {
			return d.Format(time.DateOnly), nil
		}
	}
	return "", errEnvelope(11, "Invalid date", v)
}

// days is a schedule on the wire: {"YYYY-MM-DD":kind,...} in date order,
// or PHP's [] when empty.
type days map[string]string

// MarshalJSON implements json.Marshaler.
func (d days) MarshalJSON() ([]byte, error) {
	if len(d) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal(map[string]string(d)) // keys sorted: date order
}

type wireSchedule struct {
	ID         string `json:"id"`
	Email      string `json:"email"`
	Name       string `json:"name"`
	Group      string `json:"group"`
	Department string `json:"department"`
	Schedule   days   `json:"schedule"`
}

// byUserID is get_users_schedule's data: an object keyed by user id in the
// account's order (a Go map would sort "10001" before "3993"), or PHP's []
// when empty.
type byUserID []wireSchedule

// MarshalJSON implements json.Marshaler.
func (b byUserID) MarshalJSON() ([]byte, error) {
	if len(b) == 0 {
		return []byte("[]"), nil
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, w := range b {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(w.ID)
		v, err := json.Marshal(w)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// getSchedule answers get_users_schedule: the members named in users (a
// comma list of ids or emails; every member if omitted), each with the
// days marked between datestart and dateend inclusive (either may be
// omitted). A member with no marked days has schedule []. An id or email
// that names no member is code 11 "Invalid user" / "Invalid email"
// (inferred).
func (s *Server) getSchedule(p url.Values) (any, *apiError) {
	from, to := "", "9999-12-31"
	var e *apiError
	if v := p.Get("datestart"); v != "" {
		if from, e = scheduleDate(v, false); e != nil {
			return nil, e
		}
	}
	if v := p.Get("dateend"); v != "" {
		if to, e = scheduleDate(v, false); e != nil {
			return nil, e
		}
	}
	want := map[ws.ID]bool{}
	for _, ref := range splitList(p.Get("users")) {
		u, e := s.memberByRef(ref)
		if e != nil {
			return nil, e
		}
		want[u.ID] = true
	}
	out := byUserID{}
	for _, u := range s.users {
		if len(want) > 0 && !want[u.ID] {
			continue
		}
		d := days{}
		for date, kind := range s.schedules[u.ID] {
			if from <= date && date <= to {
				d[date] = kind
			}
		}
		out = append(out, wireSchedule{ID: string(u.ID), Email: u.Email, Name: u.Name, Group: u.Group,
			Department: u.Department, Schedule: d})
	}
	return out, nil
}

// dayChange is one validated change of update_users_schedule.
type dayChange struct {
	user       ws.ID
	date, kind string
}

// updateSchedule answers update_users_schedule. data is a JSON object keyed
// by member id or email, each an object of date (DD.MM.YYYY or YYYY-MM-DD)
// to vacation, sick-leave, workday or unset. Every change is checked before
// any is applied. Counting, as the message reports it: a kind on a day
// with none is added; a kind on a day that has one (the same or another)
// is updated; unset on a marked day removes it and counts as updated; unset
// on an unmarked day changes nothing and counts as neither.
func (s *Server) updateSchedule(p url.Values) (any, *apiError) {
	changes, e := s.parseScheduleData(p.Get("data"))
	if e != nil {
		return nil, e
	}
	added, updated := 0, 0
	for _, c := range changes {
		m := s.schedules[c.user]
		_, had := m[c.date]
		switch {
		case c.kind == dayUnset && had:
			delete(m, c.date)
			updated++
		case c.kind == dayUnset:
		default:
			if m == nil {
				m = map[string]string{}
				s.schedules[c.user] = m
			}
			m[c.date] = c.kind
			if had {
				updated++
			} else {
				added++
			}
		}
	}
	return answer{data: []any{}, message: fmt.Sprintf("Days added: %d, days updated: %d", added, updated)}, nil
}

// parseScheduleData validates update_users_schedule's data, in a stable
// order (keys sorted) so the first error reported does not vary.
func (s *Server) parseScheduleData(raw string) ([]dayChange, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return nil, required("data")
	}
	if strings.TrimSpace(raw) == "[]" {
		return nil, nil // PHP's empty array
	}
	var byRef map[string]map[string]string
	if err := json.Unmarshal([]byte(raw), &byRef); err != nil {
		return nil, errEnvelope(11, "Invalid data", "data")
	}
	var out []dayChange
	for _, ref := range slices.Sorted(maps.Keys(byRef)) {
		u, e := s.memberByRef(ref)
		if e != nil {
			return nil, e
		}
		for _, d := range slices.Sorted(maps.Keys(byRef[ref])) {
			date, e := scheduleDate(d, true)
			if e != nil {
				return nil, e
			}
			kind := byRef[ref][d]
			if kind != dayVacation && kind != daySickLeave && kind != dayWorkday && kind != dayUnset {
				return nil, errEnvelope(11, "Invalid value", kind)
			}
			out = append(out, dayChange{user: u.ID, date: date, kind: kind})
		}
	}
	return out, nil
}
