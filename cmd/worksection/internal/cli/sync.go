package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/roster"
)

func (a *app) syncCmd() *cobra.Command {
	var from string
	var allowEmpty bool
	var maxInvites int
	plan := &cobra.Command{
		Use:   "plan --from people.csv|-|webasyst [--max-invites N] [--allow-empty]",
		Short: "Show what sync apply would change; exit 0 if nothing, 2 if there are changes",
		Long: `Compare a roster with the account and print the plan: teams to create, people to
invite, members to add to projects, members whose team or role differ from the
roster ("differs") and members the roster does not list ("unmanaged"), both
reported only: the API cannot change or remove users; and rows refused with
their line.

The CSV file (or standard input, with --from -) has a header row naming the
columns email, first_name, last_name, title, team, department, role (user, guest
or reader) and projects (project ids, space-, comma- or semicolon-separated), in
any order; other columns are ignored. Cells are separated by commas, semicolons
or tabs, as the header line shows. UTF-8 (with or without a byte order mark) and
UTF-16 with a byte order mark are read; other bytes are refused, naming the line.
A row is read against the header cell by cell: missing cells at its end are
empty, and cells beyond the header must be empty, else the row is refused.

A roster that names nobody (a header-only CSV, an empty Webasyst team) is an
error unless --allow-empty. --max-invites makes plan exit 1 when sync apply
would refuse the plan for inviting more people than that.

Each row has one outcome. A row with no email, an invalid email or role, or an
email listed before is refused whole. A project the row names that cannot be
used (an id that is not digits, or one the account does not have) refuses only
that project step: the person is still invited. Each refusal is listed once,
with its line, by plan, apply and their JSON alike.

Exit status: 0 nothing to do, 2 changes to make, 1 a row or project step was
refused (the plan is still printed) or an error.`,
		Example: `  worksection sync plan --from webasyst   # exit 1: the fake team has a row with no email
  worksection sync plan --from examples/people.csv --max-invites 20   # exit 2: the plan has changes
  printf 'email;team\nann@new.example;Sales\n' | worksection sync plan --from -   # exit 2`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkMaxInvites(maxInvites); err != nil {
				return err
			}
			src, err := a.source(cmd.Context(), from, allowEmpty)
			if err != nil {
				return err
			}
			_, p, err := a.load(cmd.Context(), src)
			if err != nil {
				return err
			}
			if err := a.emit(planView(p)); err != nil {
				return err
			}
			if len(p.Problems) > 0 {
				return fmt.Errorf("the roster has %s (%s); fix the source and plan again", refusedCount(p.Problems), firstTrouble(roster.Report{}, p))
			}
			if err := tooManyInvites(p, maxInvites); err != nil {
				return fmt.Errorf("sync apply would refuse this plan: %w", err)
			}
			if p.HasChanges() {
				return exitCode(2)
			}
			return nil
		},
	}
	apply := &cobra.Command{
		Use:   "apply --from people.csv|-|webasyst [--max-invites N] [--allow-empty] [--yes] [--dry-run]",
		Short: "Make the changes sync plan shows; safe to run again",
		Long: `Read the account again, then create the missing teams, invite the people who are
not members, and add members to their projects. A failed step does not stop the
others. Running it again (after a failure or an interruption) does only what is
left, so nobody is invited twice.

Rows and project steps are refused as sync plan shows (see "sync plan --help").

The API cannot remove a member, so on a terminal it shows the plan and asks
"Apply these changes to <account host>? [y/N]"; --yes skips the question and
is needed when standard input is not a terminal. --dry-run prints the
requests it would send and sends nothing.

Exit status: 0 when everything was applied, 1 when a step failed, a row or
project step was refused, the question was not answered y, or on error.`,
		Example: `  worksection sync apply --from webasyst --dry-run
  worksection sync apply --from webasyst --yes   # exit 1: the fake team has a row with no email
  worksection sync apply --from examples/people.csv --max-invites 500 --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == fromStdin && !a.yes && !a.dryRun {
				return errors.New("--from - reads the roster from standard input, so the changes cannot be confirmed there: pass --yes")
			}
			if err := a.mayApply(maxInvites); err != nil {
				return err
			}
			src, err := a.source(cmd.Context(), from, allowEmpty)
			if err != nil {
				return err
			}
			return a.sync(cmd.Context(), src, maxInvites)
		},
	}
	for _, c := range []*cobra.Command{plan, apply} {
		c.Flags().StringVar(&from, "from", "", "a CSV file, - for CSV on standard input, or \"webasyst\" for the Webasyst team at "+envWebasystURL+" (token in "+envWebasystTok+")")
		_ = c.MarkFlagRequired("from")
		_ = c.RegisterFlagCompletionFunc("from", completeFrom)
		c.Flags().BoolVar(&allowEmpty, "allow-empty", false, "accept a roster that names nobody (a header-only CSV, an empty Webasyst team)")
	}
	plan.Flags().IntVar(&maxInvites, "max-invites", roster.DefaultMaxInvites, "exit 1 if the plan invites more people than this (sync apply would refuse it)")
	apply.Flags().IntVar(&maxInvites, "max-invites", roster.DefaultMaxInvites, "refuse a plan inviting more people than this")
	a.addYes(apply)
	a.addDryRun(apply)
	return group("sync", "Sync the account's members with a roster (CSV or Webasyst)", plan, apply)
}

// load connects and plans src against the account.
func (a *app) load(ctx context.Context, src roster.Source) (*ws.Client, roster.Plan, error) {
	c, err := a.connect(ctx)
	if err != nil {
		return nil, roster.Plan{}, err
	}
	p, err := src.Load(ctx, c)
	return c, p, err
}

// sync loads and applies a roster, then prints what happened.
func (a *app) sync(ctx context.Context, src roster.Source, maxInvites int) error {
	c, p, err := a.load(ctx, src)
	if err != nil {
		return err
	}
	if err := tooManyInvites(p, maxInvites); err != nil {
		return err
	}
	if a.dryRun {
		return a.printRequests(planRequests(p))
	}
	if err := a.confirm(ctx, p); err != nil {
		return err
	}
	progress, done := a.progress(len(p.CreateTeams) + len(p.Invite) + len(p.AddToProjects))
	r, err := roster.Apply(ctx, c, p, roster.ApplyOptions{MaxInvites: maxInvites, Progress: progress})
	done()
	res := applyResult{Report: r, Members: emailsOf(p.Members), Problems: p.Problems}
	if emitErr := a.emit(applyView(res)); err == nil {
		err = emitErr
	}
	switch {
	case errors.Is(err, context.Canceled):
		a.notice("run it again to finish: it does only what is left")
		return err // exit 130, "interrupted"
	case err != nil:
		return err
	}
	if n := len(r.Failed) + len(r.Skipped) + len(p.Problems); n > 0 {
		return fmt.Errorf("not everything was applied: %d failed, %d skipped, %s (%s)", len(r.Failed), len(r.Skipped),
			refusedCount(p.Problems), firstTrouble(r, p))
	}
	return nil
}

// tooManyInvites refuses, before anything is sent or asked, a plan that
// invites more people than --max-invites (roster.Apply would refuse it).
func tooManyInvites(p roster.Plan, maxInvites int) error {
	if len(p.Invite) <= maxInvites {
		return nil
	}
	return &userError{msg: fmt.Sprintf("the plan invites %d people, more than --max-invites %d (pass --max-invites %d to allow it)",
		len(p.Invite), maxInvites, len(p.Invite)), err: roster.ErrTooManyInvites}
}

// firstTrouble names the first failure, skip or refused row, for the
// error line; the output lists them all.
func firstTrouble(r roster.Report, p roster.Plan) string {
	for _, list := range [][]roster.Outcome{r.Failed, r.Interrupted, r.Skipped} {
		if len(list) > 0 {
			return fmt.Sprintf("first: %s %s: %s", list[0].Action, list[0].Target, list[0].Reason)
		}
	}
	return fmt.Sprintf("first: %s: %s", p.Problems[0].Where(), problemDetail(p.Problems[0]))
}

// applyResult is what sync apply and users invite print.
type applyResult struct {
	roster.Report
	Members  []string         `json:"members"` // already members: left as they are
	Problems []roster.Problem `json:"problems"`
}

func emailsOf(people []roster.Person) []string {
	out := make([]string, len(people))
	for i, p := range people {
		out[i] = p.Email
	}
	return out
}

func applyView(r applyResult) view {
	v := view{cols: cols("action", "target", "status", "detail"), data: r, status: "status"}
	for _, list := range [][]roster.Outcome{r.Done, r.Failed, r.Interrupted, r.Skipped} {
		for _, o := range list {
			v.rows = append(v.rows, []string{string(o.Action), o.Target, string(o.Status), outcomeDetail(o)})
		}
	}
	for _, pr := range r.Problems {
		v.rows = append(v.rows, []string{refuseAction(pr), pr.Where(), "refused", problemDetail(pr)})
	}
	v.footer = fmt.Sprintf("Applied: %d done, %d failed, %d skipped; %s, %s.", len(r.Done), len(r.Failed), len(r.Skipped),
		count(len(r.Members), "already a member", "already members"), refusedCount(r.Problems))
	if len(v.rows) == 0 {
		v.footer = fmt.Sprintf("Nothing to do: %s.", count(len(r.Members), "already a member", "already members"))
	}
	return v
}

func outcomeDetail(o roster.Outcome) string {
	parts := []string{}
	if len(o.Emails) > 0 {
		parts = append(parts, strings.Join(o.Emails, ", "))
	}
	if o.Reason != "" {
		parts = append(parts, o.Reason)
	}
	return strings.Join(parts, ": ")
}

func problemDetail(p roster.Problem) string {
	who := p.Email
	if who == "" {
		who = p.Name
	}
	if who == "" || strings.Contains(p.Reason, who) {
		return p.Reason
	}
	return who + ": " + p.Reason
}

func planView(p roster.Plan) view {
	v := view{cols: cols("action", "target", "name", "team", "detail"), data: p, status: "action"}
	for _, t := range p.CreateTeams {
		v.rows = append(v.rows, []string{string(roster.ActionCreateTeam), t, "", "", ""})
	}
	for _, in := range p.Invite {
		role := string(in.Role)
		if role == "" {
			role = "user"
		}
		v.rows = append(v.rows, []string{string(roster.ActionInvite), in.Email, in.Name(), in.Team, "as " + role})
	}
	for _, ch := range p.AddToProjects {
		v.rows = append(v.rows, []string{string(roster.ActionAddToProject), ch.ProjectID.String(), "", "", strings.Join(ch.Emails, ", ")})
	}
	for _, d := range p.Differs {
		v.rows = append(v.rows, []string{"differs", d.Email, d.Name, "", fmt.Sprintf("%s: %q in the roster, %q on the account; the API cannot change it", d.Field, d.Source, d.Account)})
	}
	for _, u := range p.Unmanaged {
		v.rows = append(v.rows, []string{"unmanaged", u.Email, u.Name, u.Group, "not in the roster; left as is"})
	}
	for _, pr := range p.Problems {
		v.rows = append(v.rows, []string{refuseAction(pr), pr.Where(), pr.Name, "", problemDetail(pr)})
	}
	summary := fmt.Sprintf("%s to create, %s to invite, %s to add members to; %s, %d differ, %d unmanaged, %s.",
		count(len(p.CreateTeams), "team", "teams"), count(len(p.Invite), "person", "people"),
		count(len(p.AddToProjects), "project", "projects"), count(len(p.Members), "already a member", "already members"),
		len(p.Differs), len(p.Unmanaged), refusedCount(p.Problems))
	if p.HasChanges() {
		v.footer = "Plan: " + summary + " Run sync apply to make these changes."
	} else {
		v.footer = "Nothing to do: " + summary
	}
	return v
}

// refuseAction names what a Problem refused: the whole row, or one
// project step of it.
func refuseAction(p roster.Problem) string {
	if p.RowRefused() {
		return "refuse row"
	}
	return "refuse project"
}

// refusedCount says "1 row refused" or "2 rows refused, 1 project step refused".
func refusedCount(problems []roster.Problem) string {
	rows := 0
	for _, p := range problems {
		if p.RowRefused() {
			rows++
		}
	}
	steps := len(problems) - rows
	switch {
	case steps == 0:
		return count(rows, "row refused", "rows refused")
	case rows == 0:
		return count(steps, "project step refused", "project steps refused")
	}
	return count(rows, "row refused", "rows refused") + ", " + count(steps, "project step refused", "project steps refused")
}

// count says "1 team" or "2 teams".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
