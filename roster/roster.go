// Package roster keeps a Worksection account's members in line with a list
// of people: it compares the list with the account (Diff, Load), shows what
// would change (Plan), and makes the changes (Apply).
//
// The members API can invite people, create teams and add members to
// projects, but cannot remove or edit users, so a plan only adds; members
// the list does not name are reported as Unmanaged.
//
// Apply is safe to run again after a crash at any point: it holds no state
// of its own, and a new Load sees who was invited already.
package roster

import (
	"strconv"
	"strings"

	ws "github.com/worksection-go/worksection"
)

// Person is one row of the desired roster.
type Person struct {
	Email      string  `json:"email"`
	FirstName  string  `json:"first_name,omitempty"`
	LastName   string  `json:"last_name,omitempty"`
	Title      string  `json:"title,omitempty"`
	Team       string  `json:"team,omitempty"` // empty: the API's default, the admin's own team
	Department string  `json:"department,omitempty"`
	Role       ws.Role `json:"role,omitempty"` // empty: the API's default, user
	Projects   []ws.ID `json:"projects,omitempty"`
}

// Name is the person's first and last name.
func (p Person) Name() string { return strings.TrimSpace(p.FirstName + " " + p.LastName) }

// ProjectChange is one add_project_members call: members to add to a project.
type ProjectChange struct {
	ProjectID ws.ID    `json:"project_id"`
	Emails    []string `json:"emails"`
	rows      []int    // source rows naming the project, parallel to Emails
}

// Plan is what it takes to bring the account to the desired roster.
type Plan struct {
	CreateTeams   []string        `json:"create_teams"`    // teams the source names that the account lacks
	Invite        []Person        `json:"invite"`          // people not yet members
	AddToProjects []ProjectChange `json:"add_to_projects"` // existing and new members missing from a listed project
	Members       []Person        `json:"members"`         // already members: nothing to do
	Differs       []Drift         `json:"differs"`         // members whose team or role differ from the source (the API cannot change them)
	Unmanaged     []ws.User       `json:"unmanaged"`       // members the source does not list (the API cannot remove users)
	Problems      []Problem       `json:"problems"`        // source rows refused
}

// Drift is a member the source names whose team or role on the account
// differs from the source's. The API cannot change a member's team or
// role, so a plan lists it for the admin and Apply leaves it.
type Drift struct {
	Email   string `json:"email"`
	Name    string `json:"name,omitempty"`
	Field   string `json:"field"`   // "team" or "role"
	Source  string `json:"source"`  // what the source says
	Account string `json:"account"` // what the account has
}

// HasChanges reports whether applying the plan would change the account.
func (p Plan) HasChanges() bool {
	return len(p.CreateTeams)+len(p.Invite)+len(p.AddToProjects) > 0
}

// Problem is something the plan refuses: a whole source row (no email,
// an invalid email or role, a duplicate), or, when Project is set, only
// the step adding that row's person to that project (an id that is not
// digits, or a project the server does not know); the person is then
// still invited. Each refusal is one Problem, reported once.
type Problem struct {
	Row     int    `json:"row,omitempty"`  // 1-based position among the people given to Diff; 0 if the row never became one
	Line    int    `json:"line,omitempty"` // line in the source file; 0 when the source has no lines
	Email   string `json:"email,omitempty"`
	Name    string `json:"name,omitempty"`
	Project ws.ID  `json:"project,omitempty"` // set when only this project step is refused
	Reason  string `json:"reason"`
	dupOf   int    // for a duplicate, the row listed first
}

// RowRefused reports whether the whole row was refused, rather than one
// of its project steps.
func (p Problem) RowRefused() bool { return p.Project == "" }

// Where names the row for people: "line 4", or "row 4" without a file.
func (p Problem) Where() string {
	switch {
	case p.Line > 0:
		return "line " + strconv.Itoa(p.Line)
	case p.Row > 0:
		return "row " + strconv.Itoa(p.Row)
	}
	return "source"
}

// emailKey is the root package's ASCII-only email key (see ws.EmailKey).
func emailKey(email string) string { return ws.EmailKey(email) }

// SameEmail reports whether a and b are the same address, ignoring ASCII
// case and surrounding space.
func SameEmail(a, b string) bool { return ws.SameEmail(a, b) }
