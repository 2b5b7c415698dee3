package roster

import (
	"context"
	"errors"
	"fmt"
	"strings"

	ws "github.com/worksection-go/worksection"
)

// DefaultMaxInvites is the guard rail when ApplyOptions.MaxInvites is 0.
const DefaultMaxInvites = 100

// ErrTooManyInvites is returned by Apply, before any call, for a plan that
// invites more people than ApplyOptions.MaxInvites allows.
var ErrTooManyInvites = errors.New("roster: too many invitations")

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// MaxInvites refuses a plan inviting more people; 0 or less means
	// DefaultMaxInvites. A typo in a source (a wrong file, a whole
	// directory export) should not mail hundreds of strangers.
	MaxInvites int
	// Progress, if set, is called after each step, from Apply's goroutine.
	Progress func(Progress)
}

// Progress is one finished step of Apply.
type Progress struct {
	Done, Total int // steps finished so far, including this one, and in all
	Outcome     Outcome
}

// Action is the kind of a step.
type Action string

// The steps Apply takes, in this order.
const (
	ActionCreateTeam   Action = "create team"
	ActionInvite       Action = "invite"
	ActionAddToProject Action = "add to project"
)

// Status is how a step ended.
type Status string

// Step statuses.
const (
	StatusDone    Status = "done"
	StatusFailed  Status = "failed"
	StatusSkipped Status = "skipped"
	// StatusInterrupted: ctx ended while the step's call was in flight; it
	// may or may not have been applied (a new Load shows which).
	StatusInterrupted Status = "interrupted"
)

// Outcome is how one step ended.
type Outcome struct {
	Action Action   `json:"action"`
	Target string   `json:"target"`           // the team title, the email, or the project id
	Emails []string `json:"emails,omitempty"` // the members added to a project
	Status Status   `json:"status"`
	Reason string   `json:"reason,omitempty"` // why it failed or was skipped
	Err    error    `json:"-"`                // the failure, for errors.Is and errors.As
}

// Report lists every step of an Apply by how it ended, each in the order run.
type Report struct {
	Done    []Outcome `json:"done"`
	Failed  []Outcome `json:"failed"`
	Skipped []Outcome `json:"skipped"`
	// Interrupted holds the step in flight when ctx ended (at most one).
	Interrupted []Outcome `json:"interrupted"`
}

// Apply makes the plan's changes: it creates the teams, invites the people,
// then adds members to projects, one call each (one add_project_members
// per project). A failed step is recorded and the rest go on; people whose
// invitation failed are left out of their projects (skipped). Apply returns
// an error only if it refuses the plan (ErrTooManyInvites) or ctx ends, with
// the steps not taken reported as skipped.
func Apply(ctx context.Context, c *ws.Client, p Plan, opts ApplyOptions) (Report, error) {
	if ctx == nil || c == nil {
		return Report{}, errors.New("roster: Apply needs a context and a client")
	}
	limit := opts.MaxInvites
	if limit <= 0 {
		limit = DefaultMaxInvites
	}
	if len(p.Invite) > limit {
		return Report{}, fmt.Errorf("%w: the plan invites %d people, more than the limit of %d; raise the limit to allow it",
			ErrTooManyInvites, len(p.Invite), limit)
	}
	a := applier{ctx: ctx, c: c, progress: opts.Progress,
		total:       len(p.CreateTeams) + len(p.Invite) + len(p.AddToProjects),
		failedTeams: map[string]bool{}, notInvited: map[string]bool{},
		report: Report{Done: []Outcome{}, Failed: []Outcome{}, Skipped: []Outcome{}, Interrupted: []Outcome{}}}
	for _, t := range p.CreateTeams {
		a.createTeam(t)
	}
	for _, person := range p.Invite {
		a.invite(person)
	}
	for _, ch := range p.AddToProjects {
		a.addToProject(ch)
	}
	return a.report, ctx.Err()
}

type applier struct {
	ctx         context.Context
	c           *ws.Client
	progress    func(Progress)
	total, done int
	report      Report
	failedTeams map[string]bool // lower-cased titles
	notInvited  map[string]bool // email keys
}

func (a *applier) record(o Outcome) {
	switch o.Status {
	case StatusDone:
		a.report.Done = append(a.report.Done, o)
	case StatusFailed:
		a.report.Failed = append(a.report.Failed, o)
	case StatusInterrupted:
		a.report.Interrupted = append(a.report.Interrupted, o)
	default:
		a.report.Skipped = append(a.report.Skipped, o)
	}
	a.done++
	if a.progress != nil {
		a.progress(Progress{Done: a.done, Total: a.total, Outcome: o})
	}
}

// run records the outcome of call, or a skip if ctx has ended.
func (a *applier) run(o Outcome, call func() error) bool {
	if err := a.ctx.Err(); err != nil {
		o.Status, o.Reason, o.Err = StatusSkipped, "not run: "+err.Error(), err
		a.record(o)
		return false
	}
	if err := call(); err != nil {
		o.Status, o.Reason, o.Err = StatusFailed, err.Error(), err
		if a.ctx.Err() != nil { // stopped by the interruption, not refused
			o.Status, o.Reason = StatusInterrupted, "interrupted; it may have been applied: run again to finish"
		}
		a.record(o)
		return false
	}
	o.Status = StatusDone
	a.record(o)
	return true
}

func (a *applier) createTeam(title string) {
	ok := a.run(Outcome{Action: ActionCreateTeam, Target: title}, func() error {
		_, err := a.c.AddUserGroup(a.ctx, ws.AddUserGroupParams{Title: title})
		return err
	})
	if !ok {
		a.failedTeams[strings.ToLower(title)] = true
	}
}

func (a *applier) invite(p Person) {
	o := Outcome{Action: ActionInvite, Target: p.Email}
	if p.Team != "" && a.failedTeams[strings.ToLower(p.Team)] {
		o.Status, o.Reason = StatusSkipped, fmt.Sprintf("team %q was not created", p.Team)
		a.notInvited[emailKey(p.Email)] = true
		a.record(o)
		return
	}
	ok := a.run(o, func() error {
		_, err := a.c.AddUser(a.ctx, ws.AddUserParams{Email: p.Email, FirstName: p.FirstName, LastName: p.LastName,
			Title: p.Title, Group: p.Team, Department: p.Department, Role: p.Role})
		return err
	})
	if !ok {
		a.notInvited[emailKey(p.Email)] = true
	}
}

func (a *applier) addToProject(ch ProjectChange) {
	var emails, left []string
	for _, e := range ch.Emails {
		if a.notInvited[emailKey(e)] {
			left = append(left, e)
		} else {
			emails = append(emails, e)
		}
	}
	o := Outcome{Action: ActionAddToProject, Target: string(ch.ProjectID), Emails: emails}
	if len(left) > 0 {
		if len(emails) > 0 {
			a.total++ // the project is now two outcomes
		}
		a.record(Outcome{Action: ActionAddToProject, Target: string(ch.ProjectID), Emails: left,
			Status: StatusSkipped, Reason: "not invited"})
	}
	if len(emails) == 0 {
		return
	}
	a.run(o, func() error { return addProjectMembers(a.ctx, a.c, ch, emails) })
}
