// Command import-webasyst carries a Webasyst Teamwork team over to
// Worksection with the roster package: every teammate with an email is
// invited (roster.FromWebasyst: first and last name, job title, first
// Webasyst group as the Worksection team, created if missing, as a user).
// The worksection command does the same with `sync plan --from webasyst`.
//
// It is a dry run by default and prints the plan; -apply invites. People
// already in Worksection (by email, ignoring ASCII case) are left as they
// are, so running it twice changes nothing the second time. Teammates
// without an email are reported.
//
// Webasyst: WEBASYST_URL and WEBASYST_TOKEN (a token with the tasks scope).
// Worksection: WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY. Either
// service falls back to its built-in fake when neither of its variables is
// set.
//
//	go run ./examples/import-webasyst          # the plan
//	go run ./examples/import-webasyst -apply   # do it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/examples/internal/exampleenv"
	"github.com/worksection-go/worksection/roster"
	"github.com/worksection-go/worksection/webasyst"
	"github.com/worksection-go/worksection/webasyst/webasysttest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
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
	// A built-in fake stands in only when both sides are fake: never the
	// fake team invited into a real account, nor a real team into a fake.
	err := roster.CheckSides(
		roster.Side{Name: "the Webasyst team", Fake: getenv("WEBASYST_URL") == "" && getenv("WEBASYST_TOKEN") == "",
			Vars: []string{"WEBASYST_URL", "WEBASYST_TOKEN"}},
		roster.Side{Name: "the Worksection account", Fake: getenv("WORKSECTION_ACCOUNT_URL") == "" && getenv("WORKSECTION_API_KEY") == "",
			Vars: []string{"WORKSECTION_ACCOUNT_URL", "WORKSECTION_API_KEY"}})
	if err != nil {
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
	base, tok := getenv("WEBASYST_URL"), getenv("WEBASYST_TOKEN")
	switch {
	case base != "" && tok != "":
		c, err := webasyst.NewClient(base, tok)
		return c, func() {}, err
	case base != "" || tok != "":
		return nil, nil, errors.New("set both WEBASYST_URL and WEBASYST_TOKEN, or neither to use the built-in Webasyst fake")
	}
	srv := webasysttest.NewServer()
	fmt.Fprintf(stderr, "WEBASYST_URL and WEBASYST_TOKEN are not set: using the built-in Webasyst fake at %s\n", srv.URL)
	return srv.Client(), srv.Close, nil
}

// importTeam plans the import and, with apply, carries it out.
func importTeam(ctx context.Context, source *webasyst.Client, dest *ws.Client, apply bool, out io.Writer) error {
	team, err := source.TeamList(ctx)
	if err != nil {
		return fmt.Errorf("reading the Webasyst team: %w", err)
	}
	plan, err := roster.FromWebasyst(team).Load(ctx, dest)
	if err != nil {
		return err
	}
	printPlan(out, plan)
	if !apply {
		fmt.Fprintln(out, "Dry run. Run with -apply to invite.")
		return nil
	}
	report, err := roster.Apply(ctx, dest, plan, roster.ApplyOptions{})
	if err != nil {
		return err
	}
	for _, o := range report.Failed {
		fmt.Fprintf(out, "failed: %s %s: %s\n", o.Action, o.Target, o.Reason)
	}
	fmt.Fprintf(out, "%d done, %d failed, %d skipped\n", len(report.Done), len(report.Failed), len(report.Skipped))
	if n := len(report.Failed) + len(report.Skipped); n > 0 {
		return fmt.Errorf("%d step(s) did not complete", n)
	}
	return nil
}

func printPlan(out io.Writer, p roster.Plan) {
	table := [][]string{{"EMAIL", "NAME", "TITLE", "TEAM", "ACTION"}}
	newTeam := map[string]bool{}
	for _, t := range p.CreateTeams {
		newTeam[t] = true
	}
	for _, in := range p.Invite {
		team := exampleenv.Dash(in.Team)
		if newTeam[in.Team] {
			team += " (new)"
		}
		table = append(table, []string{in.Email, in.Name(), exampleenv.Dash(in.Title), team, "invite"})
	}
	for _, m := range p.Members {
		table = append(table, []string{m.Email, m.Name(), exampleenv.Dash(m.Title), "-", "skip: already a member"})
	}
	var noEmail []string
	for _, pr := range p.Problems {
		table = append(table, []string{exampleenv.Dash(pr.Email), pr.Name, "-", "-", "skip: " + pr.Reason})
		if pr.Email == "" {
			noEmail = append(noEmail, pr.Name)
		}
	}
	exampleenv.Table(out, table)
	fmt.Fprintf(out, "\n%d to invite, %d teams to create, %d already members, %d skipped\n",
		len(p.Invite), len(p.CreateTeams), len(p.Members), len(p.Problems))
	if len(noEmail) > 0 {
		fmt.Fprintf(out, "Teammates without an email (invite them by hand): %s\n", strings.Join(noEmail, ", "))
	}
}
