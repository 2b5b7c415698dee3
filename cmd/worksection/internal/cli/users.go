package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/roster"
)

func (a *app) usersCmd() *cobra.Command {
	list := listCmd(a, "List the account's members", (*ws.Client).GetUsers, usersView)
	list.Example = "  worksection users list -o table"
	return group("users", "List, show and invite members", list, a.userGetCmd(), a.inviteCmd())
}

func (a *app) userGetCmd() *cobra.Command {
	var email string
	return argOrFlag(&cobra.Command{
		Use:   "get EMAIL",
		Short: "Show one member (exit 1 when the account has none with that email)",
		Example: `  worksection users get kate.greenway@acme.example
  worksection users get --email kate.greenway@acme.example -o json`,
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			users, err := c.GetUsers(ctx)
			if err != nil {
				return view{}, err
			}
			for _, u := range users {
				if roster.SameEmail(u.Email, email) {
					return oneView(usersView, u), nil
				}
			}
			return view{}, fmt.Errorf("%s is not a member of the account", strings.TrimSpace(email))
		}),
	}, "email", "the member's email", &email)
}

func (a *app) inviteCmd() *cobra.Command {
	var p roster.Person
	var emails []string
	var maxInvites int
	invite := &cobra.Command{
		Use:   "invite --email EMAIL [--email EMAIL...] [--team TEAM] [--role user|guest|reader]",
		Short: "Invite people to the account (creating the team if missing; members are left as they are)",
		Long: `Invite people to the account. The API cannot remove a member, so on a terminal
the tool shows what it will do and asks first; --yes skips the question, and is
needed when standard input is not a terminal. --dry-run prints the requests
and sends nothing. --first-name, --last-name and --title name one person, so
they are refused with several --email.`,
		Example: `  worksection users invite --email ann@new.example --first-name Ann --team Sales --dry-run
  worksection users invite --email ann@new.example --email bo@new.example --role guest --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(emails) > 1 {
				for _, name := range []string{"first-name", "last-name", "title"} {
					if cmd.Flags().Changed(name) {
						return fmt.Errorf("--%s names one person: invite %d people with several --email without it, or one at a time", name, len(emails))
					}
				}
			}
			if err := a.mayApply(maxInvites); err != nil {
				return err
			}
			people := make([]roster.Person, len(emails))
			for i, e := range emails {
				people[i] = p
				people[i].Email = e
			}
			return a.sync(cmd.Context(), roster.Source{People: people}, maxInvites)
		},
	}
	f := invite.Flags()
	f.StringSliceVar(&emails, "email", nil, "email of a person to invite (repeat or comma-separate for several)")
	f.StringVar(&p.FirstName, "first-name", "", "first name (one person only)")
	f.StringVar(&p.LastName, "last-name", "", "last name (one person only)")
	f.StringVar(&p.Title, "title", "", "position (one person only)")
	f.StringVar(&p.Team, "team", "", "team (created if missing; default: the account admin's team)")
	f.StringVar(&p.Department, "department", "", "department")
	f.Var((*roleFlag)(&p.Role), "role", "user, guest or reader (default user)")
	f.IntVar(&maxInvites, "max-invites", roster.DefaultMaxInvites, "refuse to invite more people than this")
	a.addYes(invite)
	a.addDryRun(invite)
	_ = invite.RegisterFlagCompletionFunc("role", cobra.FixedCompletions([]string{"user", "guest", "reader"}, cobra.ShellCompDirectiveNoFileComp))
	return required(invite, "email")
}

func usersView(users []ws.User) view {
	return listView(cols("id", "name", "email", "role", "group:TEAM", "department", "title"), users, nil)
}
