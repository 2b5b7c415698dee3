// Command quickstart lists an account's users, teams, contacts and contact
// folders as tables.
//
// With WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY set it reads that
// account; otherwise it starts the built-in fake server and reads that.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/worksection-go/worksection/examples/internal/exampleenv"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv exampleenv.Getenv, stdout, stderr io.Writer) error {
	c, done, err := exampleenv.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer done()

	users, err := c.GetUsers(ctx)
	if err != nil {
		return err
	}
	rows := [][]string{{"ID", "NAME", "EMAIL", "ROLE", "TEAM"}}
	for _, u := range users {
		rows = append(rows, []string{u.ID.String(), u.Name, u.Email, string(u.Role), u.Group})
	}
	table(stdout, "Users", rows)

	teams, err := c.GetUserGroups(ctx)
	if err != nil {
		return err
	}
	rows = [][]string{{"ID", "TEAM", "KIND"}}
	for _, g := range teams {
		kind := "company"
		if g.Client {
			kind = "client"
		}
		rows = append(rows, []string{g.ID.String(), g.Title, kind})
	}
	table(stdout, "Teams", rows)

	contacts, err := c.GetContacts(ctx)
	if err != nil {
		return err
	}
	rows = [][]string{{"ID", "NAME", "EMAIL", "PHONE", "FOLDER"}}
	for _, ct := range contacts {
		rows = append(rows, []string{ct.ID.String(), ct.Name, exampleenv.Dash(ct.Email), exampleenv.Dash(ct.Phone), ct.Group})
	}
	table(stdout, "Contacts", rows)

	folders, err := c.GetContactGroups(ctx)
	if err != nil {
		return err
	}
	rows = [][]string{{"ID", "FOLDER", "TYPE"}}
	for _, g := range folders {
		rows = append(rows, []string{g.ID.String(), g.Title, g.Type})
	}
	table(stdout, "Contact folders", rows)
	return nil
}

// table prints a titled, aligned table; rows[0] is the header.
func table(w io.Writer, title string, rows [][]string) {
	fmt.Fprintf(w, "%s (%d)\n", title, len(rows)-1)
	exampleenv.Table(w, rows)
	fmt.Fprintln(w)
}
