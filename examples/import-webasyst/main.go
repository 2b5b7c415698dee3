// Command import-webasyst carries a Webasyst Teamwork team over to
// Worksection: every teammate with an email is invited with their first
// and last name, job title and first Webasyst group as the Worksection
// team (created if missing), as a user.
//
// It is a dry run by default and prints the plan; -apply invites. People
// already in Worksection (by email, ignoring case) are skipped, so running
// it twice changes nothing the second time. Teammates without an email are
// reported.
//
// Webasyst: WEBASYST_URL and WEBASYST_TOKEN (a token with the tasks scope).
// Worksection: WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY. Either
// service falls back to its built-in fake when its variables are not set.
//
//	go run ./examples/import-webasyst          # the plan
//	go run ./examples/import-webasyst -apply   # do it
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/examples/internal/exampleenv"
	"github.com/worksection-go/worksection/webasyst"
	"github.com/worksection-go/worksection/webasyst/webasysttest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "import-webasyst:", err)
		os.Exit(1)
	}
}

// run connects to both services (or their fakes) and imports.
func run(ctx context.Context, args []string, getenv exampleenv.Getenv, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import-webasyst", flag.ContinueOnError)
	fs.SetOutput(stderr)
	apply := fs.Bool("apply", false, "invite; without it, only print the plan")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dest, doneWS, err := exampleenv.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer doneWS()
	source, doneWA, err := connectWebasyst(getenv, stderr)
	if err != nil {
		return err
	}
	defer doneWA()
	return importTeam(ctx, source, dest, *apply, stdout)
}

func connectWebasyst(getenv exampleenv.Getenv, stderr io.Writer) (*webasyst.Client, func(), error) {
	if base, tok := getenv("WEBASYST_URL"), getenv("WEBASYST_TOKEN"); base != "" && tok != "" {
		c, err := webasyst.NewClient(base, tok)
		return c, func() {}, err
	}
	srv := webasysttest.NewServer()
	fmt.Fprintf(stderr, "WEBASYST_URL and WEBASYST_TOKEN are not set: using the built-in Webasyst fake at %s\n", srv.URL)
	return srv.Client(), srv.Close, nil
}

// Plan actions.
const (
	actInvite  = "invite"
	actMember  = "skip: already a member"
	actNoEmail = "skip: no email"
	actInvalid = "skip: invalid email"
	actTwice   = "skip: listed twice"
)

type planRow struct {
	params  ws.AddUserParams
	name    string
	action  string
	newTeam bool
	note    string
}

// importTeam plans the import and, with apply, carries it out.
func importTeam(ctx context.Context, source *webasyst.Client, dest *ws.Client, apply bool, out io.Writer) error {
	team, err := source.TeamList(ctx)
	if err != nil {
		return fmt.Errorf("reading the Webasyst team: %w", err)
	}
	users, err := dest.GetUsers(ctx)
	if err != nil {
		return fmt.Errorf("reading Worksection users: %w", err)
	}
	groups, err := dest.GetUserGroups(ctx)
	if err != nil {
		return fmt.Errorf("reading Worksection teams: %w", err)
	}
	members := map[string]bool{}
	for _, u := range users {
		members[strings.ToLower(u.Email)] = true
	}
	teams := map[string]bool{}
	for _, g := range groups {
		teams[strings.ToLower(g.Title)] = true
	}

	rows := plan(team, members, teams)
	printPlan(out, rows)
	if !apply {
		printSummary(out, rows, "Dry run: ", "to invite", "to create")
		fmt.Fprintln(out, "Run with -apply to invite.")
		return nil
	}

	failed := 0
	for i := range rows {
		r := &rows[i]
		if r.action != actInvite {
			continue
		}
		if r.newTeam && !teams[strings.ToLower(r.params.Group)] {
			if _, err := dest.AddUserGroup(ctx, ws.AddUserGroupParams{Title: r.params.Group}); err != nil {
				r.action, r.note = "failed", fmt.Sprintf("creating team %q: %v", r.params.Group, err)
				failed++
				continue
			}
			teams[strings.ToLower(r.params.Group)] = true
		}
		if _, err := dest.AddUser(ctx, r.params); err != nil {
			if ctx.Err() != nil {
				return err
			}
			r.action, r.note = "failed", err.Error()
			failed++
			continue
		}
		fmt.Fprintf(out, "invited %s <%s>\n", r.name, r.params.Email)
	}
	printSummary(out, rows, "", "invited", "created")
	for _, r := range rows {
		if r.action == "failed" {
			fmt.Fprintf(out, "failed: %s <%s>: %s\n", r.name, r.params.Email, r.note)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d invitation(s) failed", failed)
	}
	return nil
}

// plan decides what happens to each teammate.
func plan(team []webasyst.Teammate, members, teams map[string]bool) []planRow {
	seen := map[string]bool{}
	planned := map[string]bool{} // teams this plan creates
	rows := make([]planRow, 0, len(team))
	for _, tm := range team {
		info := tm.ContactInfo
		first, last := deref(info.FirstName), deref(info.LastName)
		if first == "" && last == "" {
			first = tm.Contact.Name
		}
		r := planRow{name: tm.Contact.Name, params: ws.AddUserParams{Email: info.PrimaryEmail(), FirstName: first,
			LastName: last, Title: deref(info.JobTitle), Group: tm.Groups.First(), Role: ws.RoleUser}}
		key := strings.ToLower(r.params.Email)
		switch {
		case r.params.Email == "":
			r.action = actNoEmail
		case r.params.Validate() != nil:
			r.action = actInvalid
		case members[key]:
			r.action = actMember
		case seen[key]:
			r.action = actTwice
		default:
			r.action = actInvite
			team := strings.ToLower(r.params.Group)
			if r.params.Group != "" && !teams[team] && !planned[team] {
				r.newTeam, planned[team] = true, true
			}
		}
		seen[key] = true
		rows = append(rows, r)
	}
	return rows
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func printPlan(out io.Writer, rows []planRow) {
	table := [][]string{{"NAME", "EMAIL", "TITLE", "TEAM", "ACTION"}}
	for _, r := range rows {
		team := r.params.Group
		switch {
		case r.action != actInvite:
			team = "-"
		case team == "":
			team = "(your team)"
		case r.newTeam:
			team += " (new)"
		}
		table = append(table, []string{r.name, exampleenv.Dash(r.params.Email), exampleenv.Dash(r.params.Title), team, r.action})
	}
	exampleenv.Table(out, table)
	fmt.Fprintln(out)
}

func printSummary(out io.Writer, rows []planRow, prefix, inviteVerb, teamVerb string) {
	count := map[string]int{}
	teamsNew := 0
	var noEmail []string
	for _, r := range rows {
		count[r.action]++
		if r.newTeam && r.action == actInvite {
			teamsNew++
		}
		if r.action == actNoEmail {
			noEmail = append(noEmail, r.name)
		}
	}
	fmt.Fprintf(out, "%s%d %s, %d teams %s, %d already members, %d without email, %d skipped otherwise, %d failed\n",
		prefix, count[actInvite], inviteVerb, teamsNew, teamVerb, count[actMember], count[actNoEmail],
		count[actInvalid]+count[actTwice], count["failed"])
	if len(noEmail) > 0 {
		fmt.Fprintf(out, "Teammates without an email (invite them by hand): %s\n", strings.Join(noEmail, ", "))
	}
}
