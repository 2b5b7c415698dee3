// Command invite invites the people listed in a CSV file to a Worksection
// account, with the roster package: the file is read with roster.ReadCSV,
// compared with the account by Source.Load, and applied by roster.Apply.
// The worksection command does the same with `sync plan` and `sync apply`.
//
// The CSV has a header row naming its columns (email, first_name,
// last_name, title, team, department, role, projects; any order, others
// ignored). Missing teams are created, people already in the account are
// left as they are, and a bad row never stops the rest: it is reported
// with its line. The exit status is 1 if any row was refused or failed.
// Running it again after a failure or a crash does only what is left.
//
//	go run ./examples/invite -dry-run people.csv
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/worksection-go/worksection/examples/internal/exampleenv"
	"github.com/worksection-go/worksection/roster"
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
		fmt.Fprintln(os.Stderr, "invite:", err)
		os.Exit(1)
	}
}

// errRowsFailed says the run finished but some rows were refused or failed.
var errRowsFailed = errors.New("some rows were refused or failed")

func run(ctx context.Context, args []string, getenv exampleenv.Getenv, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "show what would happen; change nothing")
	maxInvites := fs.Int("max-invites", roster.DefaultMaxInvites, "refuse to invite more people than this")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: invite [-dry-run] [-max-invites N] FILE.csv")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := roster.ReadCSV(f)
	if err != nil {
		return err
	}
	c, done, err := exampleenv.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer done()

	plan, err := src.Load(ctx, c)
	if err != nil {
		return err
	}
	for _, p := range plan.Problems {
		fmt.Fprintf(stdout, "%s: refused: %s\n", p.Where(), p.Reason)
	}
	for _, m := range plan.Members {
		fmt.Fprintf(stdout, "%s: already a member\n", m.Email)
	}
	if *dryRun {
		for _, t := range plan.CreateTeams {
			fmt.Fprintf(stdout, "team %s: would create\n", t)
		}
		for _, p := range plan.Invite {
			fmt.Fprintf(stdout, "%s: would invite\n", p.Email)
		}
		fmt.Fprintf(stdout, "\n%d would invite, %d already members, %d refused; %d teams to create\n",
			len(plan.Invite), len(plan.Members), len(plan.Problems), len(plan.CreateTeams))
		return nil
	}
	// Each outcome is printed once, as it happens.
	report, err := roster.Apply(ctx, c, plan, roster.ApplyOptions{MaxInvites: *maxInvites, Progress: func(p roster.Progress) {
		o := p.Outcome
		if o.Reason != "" {
			fmt.Fprintf(stdout, "[%d/%d] %s %s: %s: %s\n", p.Done, p.Total, o.Action, o.Target, o.Status, o.Reason)
			return
		}
		fmt.Fprintf(stdout, "[%d/%d] %s %s: %s\n", p.Done, p.Total, o.Action, o.Target, o.Status)
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d done, %d failed, %d skipped; %d already members, %d refused\n",
		len(report.Done), len(report.Failed), len(report.Skipped), len(plan.Members), len(plan.Problems))
	if len(report.Failed)+len(report.Skipped)+len(plan.Problems) > 0 {
		return errRowsFailed
	}
	return nil
}
