// Command invite invites the people listed in a CSV file to a Worksection
// account. Columns: email, first name, last name, team, role (user, guest
// or reader; empty means user). A header row starting with "email" is
// skipped.
//
// Missing teams are created, emails that are already members are skipped,
// and one bad row never stops the rest. The exit status is 1 if any row
// failed. -dry-run shows what would happen without changing anything.
//
//	go run ./examples/invite -dry-run people.csv
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/examples/internal/exampleenv"
)

// progressFrom is the list length from which progress goes to stderr.
const progressFrom = 10

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "invite:", err)
		os.Exit(1)
	}
}

// errRowsFailed says the run finished but some rows failed.
var errRowsFailed = errors.New("some rows failed")

func run(ctx context.Context, args []string, getenv exampleenv.Getenv, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "show what would happen; change nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: invite [-dry-run] FILE.csv")
	}
	rows, err := readRows(fs.Arg(0))
	if err != nil {
		return err
	}
	c, done, err := exampleenv.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer done()

	users, err := c.GetUsers(ctx)
	if err != nil {
		return err
	}
	members := map[string]bool{}
	for _, u := range users {
		members[strings.ToLower(u.Email)] = true
	}
	groups, err := c.GetUserGroups(ctx)
	if err != nil {
		return err
	}
	teams := map[string]bool{}
	for _, g := range groups {
		teams[strings.ToLower(g.Title)] = true
	}

	var invited, skipped, failed, created int
	verb := "invited"
	if *dryRun {
		verb = "would invite"
	}
	for i, row := range rows {
		p := row.params
		line := func(format string, a ...any) {
			msg := fmt.Sprintf(format, a...)
			fmt.Fprintf(stdout, "%s: %s\n", p.Email, msg)
			if len(rows) >= progressFrom {
				fmt.Fprintf(stderr, "[%d/%d] %s: %s\n", i+1, len(rows), p.Email, msg)
			}
		}
		if err := errors.Join(row.err, p.Validate()); err != nil {
			failed++
			line("failed: %v", err)
			continue
		}
		if members[strings.ToLower(p.Email)] {
			skipped++
			line("skipped: already a member")
			continue
		}
		if p.Group != "" && !teams[strings.ToLower(p.Group)] {
			if !*dryRun {
				if _, err := c.AddUserGroup(ctx, ws.AddUserGroupParams{Title: p.Group}); err != nil {
					failed++
					line("failed: creating team %q: %v", p.Group, err)
					continue
				}
			}
			teams[strings.ToLower(p.Group)] = true
			created++
		}
		if !*dryRun {
			if _, err := c.AddUser(ctx, p); err != nil {
				if ctx.Err() != nil {
					return err
				}
				failed++
				line("failed: %v", err)
				continue
			}
		}
		members[strings.ToLower(p.Email)] = true
		invited++
		line("%s", verb)
	}
	teamVerb := "created"
	if *dryRun {
		teamVerb = "to create"
	}
	fmt.Fprintf(stdout, "\n%d %s, %d skipped (already members), %d failed; %d teams %s\n",
		invited, verb, skipped, failed, created, teamVerb)
	if failed > 0 {
		return errRowsFailed
	}
	return nil
}

// row is one invitation, or why its line cannot be one.
type row struct {
	params ws.AddUserParams
	err    error
}

// readRows parses the CSV file into invitations. Short rows are padded and
// longer ones fail (nothing is silently dropped); a header row whose first
// cell is "email" and blank lines are skipped.
func readRows(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	records, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []row
	for i, rec := range records {
		if i == 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "email") || strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		var r row
		if len(rec) > 5 {
			r.err = fmt.Errorf("line %d has %d columns; want email, first name, last name, team, role", i+1, len(rec))
		}
		for len(rec) < 5 {
			rec = append(rec, "")
		}
		r.params = ws.AddUserParams{Email: strings.TrimSpace(rec[0]), FirstName: rec[1], LastName: rec[2],
			Group: rec[3], Role: ws.Role(strings.TrimSpace(rec[4]))}
		out = append(out, r)
	}
	return out, nil
}
