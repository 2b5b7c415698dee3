package worksection

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DayKind is what a member's day in the schedule is.
type DayKind string

// The kinds of day. DayUnset appears only in updates: it clears a day.
const (
	DayVacation  DayKind = "vacation"
	DaySickLeave DayKind = "sick-leave"
	DayWorkday   DayKind = "workday"
	DayUnset     DayKind = "unset"
)

// ScheduleQuery selects schedules: Users are emails or user ids (empty: all
// members); Start and End bound the days, inclusive (zero: unbounded).
type ScheduleQuery struct {
	Users      []string
	Start, End time.Time
}

// UserSchedule is one member's schedule. Days are sorted by date.
type UserSchedule struct {
	UserID                         ID
	Email, Name, Group, Department string
	Days                           []ScheduleDay
}

// ScheduleDay is one marked day; Date is at midnight UTC.
type ScheduleDay struct {
	Date time.Time `json:"date"`
	Kind DayKind   `json:"kind"`
}

// ScheduleChange sets one day of one member: User is an email or a user id.
type ScheduleChange struct {
	User string
	Date time.Time
	Kind DayKind
}

// ScheduleUpdate is what update_users_schedule reports, parsed from its
// message ("Days added: 2, days updated: 1"); Message is kept verbatim.
type ScheduleUpdate struct {
	Added   int    `json:"added"`
	Updated int    `json:"updated"`
	Message string `json:"message"`
}

// scheduleParams is get_users_schedule's query.
type scheduleParams struct {
	Users     string `url:"users,omitempty"`
	DateStart string `url:"datestart,omitempty"`
	DateEnd   string `url:"dateend,omitempty"`
}

// requestDate is how the API takes dates: DD.MM.YYYY.
const requestDate = "02.01.2006"

// Validate reports what GetUsersSchedule would refuse before sending.
func (q ScheduleQuery) Validate() error {
	const action = "get_users_schedule"
	if err := checkText(action, q); err != nil {
		return err
	}
	for _, u := range q.Users {
		if err := checkMemberRef(action, "Users", u); err != nil {
			return err
		}
	}
	if !q.Start.IsZero() && !q.End.IsZero() && q.End.Before(q.Start) {
		return &ValidationError{Action: action, Field: "End", Reason: "before Start"}
	}
	return nil
}

// GetUsersSchedule returns members' schedules sorted by user id (action get_users_schedule).
func (c *Client) GetUsersSchedule(ctx context.Context, q ScheduleQuery) ([]UserSchedule, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	p := scheduleParams{Users: strings.Join(q.Users, ",")}
	if !q.Start.IsZero() {
		p.DateStart = q.Start.Format(requestDate)
	}
	if !q.End.IsZero() {
		p.DateEnd = q.End.Format(requestDate)
	}
	var raw json.RawMessage
	if _, err := c.do(ctx, "get_users_schedule", p, jsonData{&raw}, nil); err != nil {
		return nil, err
	}
	out, err := decodeSchedules(raw)
	if err != nil {
		return nil, &ResponseError{Action: "get_users_schedule", HTTPStatus: 200, Err: err}
	}
	return out, nil
}

type scheduleWire struct {
	ID         ID              `json:"id"`
	Email      string          `json:"email"`
	Name       string          `json:"name"`
	Group      string          `json:"group"`
	Department string          `json:"department"`
	Schedule   json.RawMessage `json:"schedule"`
}

// decodeSchedules reads the object keyed by user id (PHP's [] when empty).
func decodeSchedules(raw json.RawMessage) ([]UserSchedule, error) {
	var byID map[string]scheduleWire
	if !isEmptyArray(raw) && len(bytes.TrimSpace(raw)) > 0 && string(bytes.TrimSpace(raw)) != "null" {
		if err := json.Unmarshal(raw, &byID); err != nil {
			return nil, fmt.Errorf("schedules: want an object keyed by user id")
		}
	}
	out := make([]UserSchedule, 0, len(byID))
	for key, w := range byID {
		s := UserSchedule{UserID: cmp.Or(w.ID, ID(key)), Email: w.Email, Name: w.Name, Group: w.Group, Department: w.Department}
		var days map[string]string
		if !isEmptyArray(w.Schedule) && len(w.Schedule) > 0 && string(w.Schedule) != "null" {
			if err := json.Unmarshal(w.Schedule, &days); err != nil {
				return nil, fmt.Errorf("schedule of user %s: want an object of dates", s.UserID)
			}
		}
		for d, kind := range days {
			date, err := time.Parse(time.DateOnly, d)
			if err != nil {
				return nil, fmt.Errorf("schedule of user %s: a date is not YYYY-MM-DD", s.UserID)
			}
			s.Days = append(s.Days, ScheduleDay{Date: date, Kind: DayKind(kind)})
		}
		slices.SortFunc(s.Days, func(a, b ScheduleDay) int { return a.Date.Compare(b.Date) })
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b UserSchedule) int { return compareIDs(a.UserID, b.UserID) })
	return out, nil
}

// compareIDs orders numeric ids by value, then others as text.
func compareIDs(a, b ID) int {
	x, errA := strconv.ParseUint(string(a), 10, 64)
	y, errB := strconv.ParseUint(string(b), 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return cmp.Compare(a, b)
}

// updateParams is update_users_schedule's query: data is JSON.
type updateParams struct {
	Data rawJSON `url:"data"`
}

// validateScheduleChanges reports what UpdateUsersSchedule would refuse.
func validateScheduleChanges(changes []ScheduleChange) error {
	const action = "update_users_schedule"
	if len(changes) == 0 {
		return &ValidationError{Action: action, Field: "changes", Reason: "at least one change is required"}
	}
	seen := map[string]DayKind{}
	for i, ch := range changes {
		field := fmt.Sprintf("changes[%d]", i)
		if err := checkText(action, ch); err != nil {
			return err
		}
		if err := checkMemberRef(action, field+".User", ch.User); err != nil {
			return err
		}
		if ch.Date.IsZero() {
			return &ValidationError{Action: action, Field: field + ".Date", Reason: "required"}
		}
		switch ch.Kind {
		case DayVacation, DaySickLeave, DayWorkday, DayUnset:
		default:
			return &ValidationError{Action: action, Field: field + ".Kind", Reason: "want vacation, sick-leave, workday or unset"}
		}
		key := strings.ToLower(ch.User) + "\x00" + ch.Date.Format(time.DateOnly)
		if k, dup := seen[key]; dup && k != ch.Kind {
			return &ValidationError{Action: action, Field: field, Reason: "sets a day already set to another kind in this call"}
		}
		seen[key] = ch.Kind
	}
	return nil
}

// scheduleJSON renders changes as {"<user>":{"DD.MM.YYYY":"<kind>"}}, users
// and days in the order first given.
func scheduleJSON(changes []ScheduleChange) rawJSON {
	var users []string
	days := map[string][]string{}
	for _, ch := range changes {
		if _, ok := days[ch.User]; !ok {
			users = append(users, ch.User)
		}
		days[ch.User] = append(days[ch.User], quote(ch.Date.Format(requestDate))+":"+quote(string(ch.Kind)))
	}
	for i, u := range users {
		users[i] = quote(u) + ":{" + strings.Join(days[u], ",") + "}"
	}
	return rawJSON("{" + strings.Join(users, ",") + "}")
}

func quote(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}

var (
	addedRe   = regexp.MustCompile(`(?i)added:\s*(\d+)`)
	updatedRe = regexp.MustCompile(`(?i)updated:\s*(\d+)`)
)

// UpdateUsersSchedule sets days of members' schedules (action
// update_users_schedule); setting a day twice is harmless, so it is retried.
func (c *Client) UpdateUsersSchedule(ctx context.Context, changes []ScheduleChange) (*ScheduleUpdate, error) {
	if err := validateScheduleChanges(changes); err != nil {
		return nil, err
	}
	env, err := c.do(ctx, "update_users_schedule", updateParams{Data: scheduleJSON(changes)}, nil, nil)
	if err != nil {
		return nil, err
	}
	u := &ScheduleUpdate{Message: env.Message}
	if m := addedRe.FindStringSubmatch(env.Message); m != nil {
		u.Added, _ = strconv.Atoi(m[1])
	}
	if m := updatedRe.FindStringSubmatch(env.Message); m != nil {
		u.Updated, _ = strconv.Atoi(m[1])
	}
	return u, nil
}

// checkMemberRef accepts a member's email or a user id of digits.
func checkMemberRef(action, field, ref string) error {
	if ref != "" && strings.Trim(ref, "0123456789") == "" {
		return nil
	}
	if err := checkEmail(action, field, ref); err != nil {
		return &ValidationError{Action: action, Field: field, Reason: "want an email or a user id: " + err.(*ValidationError).Reason}
	}
	return nil
}
