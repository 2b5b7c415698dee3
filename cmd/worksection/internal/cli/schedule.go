package cli

import (
	"context"
	"errors"
	"fmt"

	"strings"
	"time"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
)

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
	return errors.New("is not a date: want YYYY-MM-DD or DD.MM.YYYY")
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
		Example: `  worksection schedule get --from 2026-12-01 --to 2026-12-31 -o table
  worksection schedule get --users kate.greenway@acme.example`,
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			if err := checkRange(from, to); err != nil {
				return view{}, err
			}
			q.Start, q.End = time.Time(from), time.Time(to)
			sched, err := c.GetUsersSchedule(ctx, q)
			return scheduleView(sched), err
		}),
	}
	get.Flags().StringSliceVar(&q.Users, "users", nil, "emails or user ids (default: everyone)")
	get.Flags().Var(&from, "from", "first day, YYYY-MM-DD")
	get.Flags().Var(&to, "to", "last day, YYYY-MM-DD (inclusive)")

	set := a.scheduleSetCmd()
	return group("schedule", "Members' schedules: vacations, sick leave, workdays", get, set)
}

// scheduleView lists one row a marked day; its JSON is one object a member,
// with the days inside.
func scheduleView(sched []ws.UserSchedule) view {
	v := view{cols: cols("user_id:USER", "email", "name", "date", "kind")}
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

func updatesView(ups []scheduleUpdate) view {
	return listView(cols("added", "updated", "message"), ups, nil)
}

// maxScheduleDays bounds a --from/--to range: a year and a day covers any
// real absence, and a typo in the year is refused rather than sent.
const maxScheduleDays = 367

// checkRange refuses --to before --from.
func checkRange(from, to dateFlag) error {
	if !time.Time(from).IsZero() && !time.Time(to).IsZero() && time.Time(to).Before(time.Time(from)) {
		return fmt.Errorf("--to is before --from (%s < %s)", to.String(), from.String())
	}
	return nil
}

func (a *app) scheduleSetCmd() *cobra.Command {
	var user, kind string
	var date, from, to dateFlag
	var changes []ws.ScheduleChange
	set := &cobra.Command{
		Use:   "set --user EMAIL|ID (--date DATE | --from DATE --to DATE) --kind " + strings.Join(dayKinds, "|"),
		Short: "Mark a day, or a range of days, of a member's schedule (one request)",
		Long: `Mark a member's day (--date) or every day from --from to --to inclusive (up to
367 days) as vacation, sick-leave or workday, or clear it with unset. A range is
sent as one request.`,
		Example: `  worksection schedule set --user kate.greenway@acme.example --date 2026-12-24 --kind vacation
  worksection schedule set --user kate.greenway@acme.example --from 2026-12-28 --to 2027-01-08 --kind vacation
  worksection schedule set --user kate.greenway@acme.example --from 2026-12-28 --to 2026-12-31 --kind unset --dry-run`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if changes, err = scheduleChanges(cmd, user, ws.DayKind(kind), date, from, to); err != nil {
				return err
			}
			return a.write(func() []request { return []request{scheduleRequest(changes)} }, func(ctx context.Context, c *ws.Client) (view, error) {
				up, err := c.UpdateUsersSchedule(ctx, changes)
				if err != nil {
					return view{}, err
				}
				return oneView(updatesView, scheduleUpdate(*up)), nil
			})(cmd, args)
		},
	}
	set.Flags().StringVar(&user, "user", "", "the member's email or user id")
	set.Flags().Var(&date, "date", "one day, YYYY-MM-DD")
	set.Flags().Var(&from, "from", "the first day of a range, YYYY-MM-DD (with --to)")
	set.Flags().Var(&to, "to", "the last day of a range, YYYY-MM-DD (inclusive)")
	set.Flags().StringVar(&kind, "kind", "", strings.Join(dayKinds, ", "))
	a.addDryRun(set)
	_ = set.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(dayKinds, cobra.ShellCompDirectiveNoFileComp))
	return required(set, "user", "kind")
}

// scheduleChanges checks schedule set's flags and lists the days to mark.
func scheduleChanges(cmd *cobra.Command, user string, kind ws.DayKind, date, from, to dateFlag) ([]ws.ScheduleChange, error) {
	if strings.TrimSpace(user) == "" {
		return nil, errors.New("--user is required")
	}
	switch kind {
	case ws.DayVacation, ws.DaySickLeave, ws.DayWorkday, ws.DayUnset:
	default:
		return nil, fmt.Errorf("--kind: want vacation, sick-leave, workday or unset, not %q", string(kind))
	}
	first, last := time.Time(from), time.Time(to)
	switch {
	case cmd.Flags().Changed("date") && (cmd.Flags().Changed("from") || cmd.Flags().Changed("to")):
		return nil, errors.New("--date marks one day, --from and --to a range: give one or the other")
	case cmd.Flags().Changed("date"):
		first, last = time.Time(date), time.Time(date)
	case !cmd.Flags().Changed("from") && !cmd.Flags().Changed("to"):
		return nil, errors.New("--date or --from and --to is required: the day or days to mark")
	case !cmd.Flags().Changed("to"):
		return nil, errors.New("--to is required with --from (the last day, inclusive)")
	case !cmd.Flags().Changed("from"):
		return nil, errors.New("--from is required with --to (the first day)")
	}
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	var changes []ws.ScheduleChange
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		if len(changes) == maxScheduleDays {
			return nil, fmt.Errorf("--from %s --to %s is more than %d days: mark a long absence in parts", from.String(), to.String(), maxScheduleDays)
		}
		changes = append(changes, ws.ScheduleChange{User: user, Date: d, Kind: kind})
	}
	return changes, nil
}
