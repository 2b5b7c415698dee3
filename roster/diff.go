package roster

import (
	"context"
	"errors"
	"fmt"
	"strings"

	ws "github.com/worksection-go/worksection"
)

// Diff compares the desired roster with the account's members and teams.
// It makes no calls. Rows with no email, an invalid email, an unknown role
// (or one that cannot be invited), or an email listed before are refused
// whole (Problems); the first row for an email wins. A project id that is
// not digits refuses only that project step (a Problem with Project set):
// the person is still planned.
//
// Diff cannot see project membership, so AddToProjects lists everyone the
// source puts on each project; Load drops those already there.
func Diff(desired []Person, users []ws.User, teams []ws.UserGroup) Plan {
	members := make(map[string]ws.User, len(users))
	for _, u := range users {
		members[emailKey(u.Email)] = u
	}
	d := differ{members: members, teams: teams, seen: map[string]int{}, projects: map[ws.ID]int{}, plan: Plan{
		CreateTeams: []string{}, Invite: []Person{}, AddToProjects: []ProjectChange{}, Members: []Person{}, Differs: []Drift{},
		Unmanaged: []ws.User{}, Problems: []Problem{}, // empty, not null, in JSON
	}}
	for i, person := range desired {
		d.add(i+1, person)
	}
	for _, u := range users {
		if _, listed := d.seen[emailKey(u.Email)]; !listed {
			d.plan.Unmanaged = append(d.plan.Unmanaged, u)
		}
	}
	return d.plan
}

type differ struct {
	plan     Plan
	members  map[string]ws.User
	teams    []ws.UserGroup
	seen     map[string]int // email key -> first row
	projects map[ws.ID]int  // project -> index in plan.AddToProjects
}

func (d *differ) add(row int, p Person) {
	p.Email = strings.TrimSpace(p.Email)
	if p.Role != "" {
		p.Role = ws.ParseRole(string(p.Role))
	}
	key := emailKey(p.Email)
	user, member := d.members[key]
	reason := refusal(p, member)
	first, dup := d.seen[key]
	if reason == "" && dup {
		reason = duplicate("row", first)
	} else {
		first = 0
	}
	if reason != "" {
		d.plan.Problems = append(d.plan.Problems, Problem{Row: row, Email: p.Email, Name: p.Name(), Reason: reason, dupOf: first})
		return
	}
	d.seen[key] = row
	p.Team = strings.TrimSpace(p.Team)
	if p.Team != "" {
		if title, ok := d.team(p.Team); ok {
			p.Team = title
		} else {
			d.plan.CreateTeams = append(d.plan.CreateTeams, p.Team)
		}
	}
	if member {
		d.plan.Members = append(d.plan.Members, p)
		d.drift(p, user)
	} else {
		d.plan.Invite = append(d.plan.Invite, p)
	}
	for _, id := range p.Projects {
		if !digits(string(id)) {
			d.plan.Problems = append(d.plan.Problems, Problem{Row: row, Email: p.Email, Name: p.Name(), Project: id,
				Reason: fmt.Sprintf("project %q: not a project id (want digits); the person is still invited", string(id))})
			continue
		}
		i, ok := d.projects[id]
		if !ok {
			i = len(d.plan.AddToProjects)
			d.projects[id] = i
			d.plan.AddToProjects = append(d.plan.AddToProjects, ProjectChange{ProjectID: id})
		}
		c := &d.plan.AddToProjects[i]
		c.Emails = append(c.Emails, p.Email)
		c.rows = append(c.rows, row)
	}
}

// drift lists where member u differs from the source's row p: a team or
// role the row gives (empty means "leave it") that the account does not
// have. Team titles compare as team does.
func (d *differ) drift(p Person, u ws.User) {
	if p.Team != "" && !strings.EqualFold(p.Team, u.Group) {
		d.plan.Differs = append(d.plan.Differs, Drift{Email: u.Email, Name: u.Name, Field: "team", Source: p.Team, Account: u.Group})
	}
	if p.Role != "" && p.Role != u.Role {
		d.plan.Differs = append(d.plan.Differs, Drift{Email: u.Email, Name: u.Name, Field: "role", Source: string(p.Role), Account: string(u.Role)})
	}
}

// team returns the account's (or the plan's) spelling of a team title.
// Titles are compared with Unicode case folding, as the server's
// case-insensitive collation compares team names.
func (d *differ) team(title string) (string, bool) {
	for _, g := range d.teams {
		if strings.EqualFold(g.Title, title) {
			return g.Title, true
		}
	}
	for _, t := range d.plan.CreateTeams {
		if strings.EqualFold(t, title) {
			return t, true
		}
	}
	return "", false
}

func duplicate(where string, n int) string { return fmt.Sprintf("duplicate of %s %d", where, n) }

// refusal says why a row cannot be planned, or "" if it can.
func refusal(p Person, member bool) string {
	switch {
	case p.Email == "":
		return "no email"
	case ws.AddUserParams{Email: p.Email}.Validate() != nil:
		return fmt.Sprintf("invalid email %q", p.Email)
	case p.Role != "" && !knownRole(p.Role):
		return fmt.Sprintf("unknown role %q (want user, guest or reader)", string(p.Role))
	case !member && p.Role != "" && p.Role != ws.RoleUser && p.Role != ws.RoleGuest && p.Role != ws.RoleReader:
		return fmt.Sprintf("role %q cannot be invited (want user, guest or reader)", string(p.Role))
	}
	return ""
}

func knownRole(r ws.Role) bool {
	switch r {
	case ws.RoleOwner, ws.RoleAccountAdmin, ws.RoleTeamAdmin, ws.RoleDepartmentAdmin, ws.RoleUser, ws.RoleGuest, ws.RoleReader:
		return true
	}
	return false
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Load reads the account (one get_users, one get_user_groups, and one
// get_project read per project the source names) and plans the changes.
func Load(ctx context.Context, c *ws.Client, desired []Person) (Plan, error) {
	if c == nil {
		return Plan{}, errors.New("roster: Load needs a client")
	}
	users, err := c.GetUsers(ctx)
	if err != nil {
		return Plan{}, fmt.Errorf("roster: reading members: %w", err)
	}
	teams, err := c.GetUserGroups(ctx)
	if err != nil {
		return Plan{}, fmt.Errorf("roster: reading teams: %w", err)
	}
	p := Diff(desired, users, teams)
	if err := dropProjectMembers(ctx, c, &p); err != nil {
		return Plan{}, err
	}
	return p, nil
}
