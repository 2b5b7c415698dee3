package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
)

func refsView(refs []ws.UserRef) view {
	if refs == nil {
		refs = []ws.UserRef{}
	}
	return listView([]string{"ID", "EMAIL", "NAME"}, refs, func(r ws.UserRef) []string {
		return []string{r.ID.String(), r.Email, r.Name}
	})
}

// refsCmd is a command listing the members of what its operand names (a
// project, a task), given as the argument or as --operand.
func (a *app) refsCmd(use, short, operand string, get func(*ws.Client, context.Context, ws.ID) ([]ws.UserRef, error)) *cobra.Command {
	var id string
	return argOrFlag(&cobra.Command{
		Use:   use,
		Short: short,
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			refs, err := get(c, ctx, ws.ID(id))
			return refsView(refs), err
		}),
	}, operand, "the "+operand+" id", &id)
}

func (a *app) projectsCmd() *cobra.Command {
	list := a.refsCmd("list PROJECT", "List a project's members", "project", (*ws.Client).GetProjectMembers)
	change := func(add bool) *cobra.Command {
		var emails []string
		var project string
		use, short, call := "add", "Add account members to a project", (*ws.Client).AddProjectMembers
		if !add {
			use, short, call = "remove", "Remove members from a project", (*ws.Client).DeleteProjectMembers
		}
		c := argOrFlag(&cobra.Command{
			Use:   use + " PROJECT --email EMAIL [--email EMAIL...]",
			Short: short,
			RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
				p := ws.ProjectMembersParams{ProjectID: ws.ID(project), Emails: emails}
				if err := call(c, ctx, p); err != nil {
					return view{}, err
				}
				refs, err := c.GetProjectMembers(ctx, p.ProjectID)
				return refsView(refs), err
			}),
		}, "project", "the project id", &project)
		c.Flags().StringSliceVar(&emails, "email", nil, "member email (repeat or comma-separate for several)")
		return required(c, "email")
	}
	members := group("members", "List, add and remove a project's members", list, change(true), change(false))
	return group("projects", "Project members", members)
}

func (a *app) taskCmd() *cobra.Command {
	subs := a.refsCmd("subscribers TASK", "List a task's subscribers", "task", (*ws.Client).GetTaskSubscribers)
	return group("task", "Task subscribers (see also subscribe, unsubscribe)", subs)
}

// dateFlag is a day given as YYYY-MM-DD or DD.MM.YYYY.
type dateFlag time.Time

func (d *dateFlag) String() string {
	if time.Time(*d).IsZero() {
		return ""
	}
	return time.Time(*d).Format(time.DateOnly)
}

func (d *dateFlag) Set(s string) error {
	for _, layout := range []string{time.DateOnly, "02.01.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			*d = dateFlag(t)
			return nil
		}
	}
	return fmt.Errorf("%q is not a date; want YYYY-MM-DD or DD.MM.YYYY", s)
}

func (d *dateFlag) Type() string { return "date" }

// The JSON forms of schedules, in the snake_case of the tool's other output
// (the SDK's schedule types have no JSON tags), with dates as YYYY-MM-DD.
type (
	userSchedule struct {
		UserID     ws.ID         `json:"user_id"`
		Email      string        `json:"email"`
		Name       string        `json:"name"`
		Group      string        `json:"group"`
		Department string        `json:"department"`
		Days       []scheduleDay `json:"days"`
	}
	scheduleDay struct {
		Date string `json:"date"`
		Kind string `json:"kind"`
	}
	scheduleUpdate struct {
		Added   int    `json:"added"`
		Updated int    `json:"updated"`
		Message string `json:"message"`
	}
)

var dayKinds = []string{string(ws.DayVacation), string(ws.DaySickLeave), string(ws.DayWorkday), string(ws.DayUnset)}

func (a *app) scheduleCmd() *cobra.Command {
	var q ws.ScheduleQuery
	var from, to dateFlag
	get := &cobra.Command{
		Use:   "get [--users EMAIL|ID,...] [--from DATE --to DATE]",
		Short: "Show members' vacations, sick leave and extra workdays",
		Args:  noArgs,
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			q.Start, q.End = time.Time(from), time.Time(to)
			sched, err := c.GetUsersSchedule(ctx, q)
			return scheduleView(sched), err
		}),
	}
	get.Flags().StringSliceVar(&q.Users, "users", nil, "emails or user ids (default: everyone)")
	get.Flags().Var(&from, "from", "first day, YYYY-MM-DD")
	get.Flags().Var(&to, "to", "last day, YYYY-MM-DD (inclusive)")

	var user, kind string
	var date dateFlag
	set := &cobra.Command{
		Use:   "set --user EMAIL|ID --date DATE --kind " + strings.Join(dayKinds, "|"),
		Short: "Mark a day of a member's schedule",
		Args:  noArgs,
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			up, err := c.UpdateUsersSchedule(ctx, []ws.ScheduleChange{{User: user, Date: time.Time(date), Kind: ws.DayKind(kind)}})
			if err != nil {
				return view{}, err
			}
			return view{header: []string{"ADDED", "UPDATED", "MESSAGE"}, data: scheduleUpdate(*up),
				rows: [][]string{{strconv.Itoa(up.Added), strconv.Itoa(up.Updated), up.Message}}}, nil
		}),
	}
	set.Flags().StringVar(&user, "user", "", "the member's email or user id")
	set.Flags().Var(&date, "date", "the day, YYYY-MM-DD")
	set.Flags().StringVar(&kind, "kind", "", strings.Join(dayKinds, ", "))
	_ = set.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(dayKinds, cobra.ShellCompDirectiveNoFileComp))
	return group("schedule", "Members' schedules: vacations, sick leave, workdays", get, required(set, "user", "date", "kind"))
}

// scheduleView lists one row a marked day; its JSON is one object a member,
// with the days inside.
func scheduleView(sched []ws.UserSchedule) view {
	v := view{header: []string{"USER", "EMAIL", "NAME", "DATE", "KIND"}}
	out := make([]userSchedule, 0, len(sched))
	for _, s := range sched {
		us := userSchedule{UserID: s.UserID, Email: s.Email, Name: s.Name, Group: s.Group, Department: s.Department, Days: []scheduleDay{}}
		for _, d := range s.Days {
			day := scheduleDay{Date: d.Date.Format(time.DateOnly), Kind: string(d.Kind)}
			us.Days = append(us.Days, day)
			v.rows = append(v.rows, []string{s.UserID.String(), s.Email, s.Name, day.Date, day.Kind})
		}
		out = append(out, us)
	}
	v.data = out
	return v
}
