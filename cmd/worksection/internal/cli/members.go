package cli

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/roster"
)

func (a *app) usersCmd() *cobra.Command {
	list := listCmd(a, "List the account's members", (*ws.Client).GetUsers, usersView)
	var p roster.Person
	var emails []string
	var maxInvites int
	invite := &cobra.Command{
		Use:   "invite --email EMAIL [--email EMAIL...] [--team TEAM] [--role user|guest|reader]",
		Short: "Invite people to the account (creating the team if missing; members are left as they are)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
	f.StringVar(&p.FirstName, "first-name", "", "first name")
	f.StringVar(&p.LastName, "last-name", "", "last name")
	f.StringVar(&p.Title, "title", "", "position")
	f.StringVar(&p.Team, "team", "", "team (created if missing; default: the account admin's team)")
	f.StringVar(&p.Department, "department", "", "department")
	f.Var((*roleFlag)(&p.Role), "role", "user, guest or reader (default user)")
	f.IntVar(&maxInvites, "max-invites", roster.DefaultMaxInvites, "refuse to invite more people than this")
	_ = invite.RegisterFlagCompletionFunc("role", cobra.FixedCompletions([]string{"user", "guest", "reader"}, cobra.ShellCompDirectiveNoFileComp))
	return group("users", "List and invite members", list, required(invite, "email"))
}

func usersView(users []ws.User) view {
	return listView([]string{"ID", "NAME", "EMAIL", "ROLE", "TEAM", "DEPARTMENT", "TITLE"}, users, func(u ws.User) []string {
		return []string{u.ID.String(), u.Name, u.Email, string(u.Role), u.Group, u.Department, u.Title}
	})
}

// roleFlag is a --role value.
type roleFlag ws.Role

func (r *roleFlag) String() string     { return string(*r) }
func (r *roleFlag) Set(s string) error { *r = roleFlag(ws.ParseRole(s)); return nil }
func (r *roleFlag) Type() string       { return "role" }

func (a *app) teamsCmd() *cobra.Command {
	list := listCmd(a, "List the account's teams", (*ws.Client).GetUserGroups, teamsView)
	var client bool
	var title string
	create := argOrFlag(&cobra.Command{
		Use:   "create TITLE",
		Short: "Create a team (an existing team of that title is returned as is)",
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			g, err := c.AddUserGroup(ctx, ws.AddUserGroupParams{Title: title, Client: client})
			if err != nil {
				return view{}, err
			}
			return teamsView([]ws.UserGroup{*g}), nil
		}),
	}, "title", "the team's title", &title)
	create.Flags().BoolVar(&client, "client", false, "an external client team rather than your company's")
	return group("teams", "List and create teams", list, create)
}

func teamsView(teams []ws.UserGroup) view {
	return listView([]string{"ID", "TITLE", "TYPE", "CLIENT"}, teams, func(g ws.UserGroup) []string {
		return []string{g.ID.String(), g.Title, g.Type, strconv.FormatBool(g.Client)}
	})
}

func (a *app) contactsCmd() *cobra.Command {
	list := listCmd(a, "List the account's contacts", (*ws.Client).GetContacts, contactsView)
	var p ws.AddContactParams
	add := &cobra.Command{
		Use:   "add --email EMAIL --name NAME",
		Short: "Add a contact (no invitation is sent)",
		Args:  noArgs,
		RunE: validated(&p, a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			ct, err := c.AddContact(ctx, p)
			if err != nil {
				return view{}, err
			}
			return contactsView([]ws.Contact{*ct}), nil
		})),
	}
	f := add.Flags()
	f.StringVar(&p.Email, "email", "", "email")
	f.StringVar(&p.Name, "name", "", "first and last name")
	f.StringVar(&p.Title, "title", "", "position")
	f.StringVar(&p.Group, "folder", "", "contact folder")
	f.StringVar(&p.Phone, "phone", "", "phone")
	return group("contacts", "List and add contacts", list, required(add, "email", "name"))
}

func contactsView(contacts []ws.Contact) view {
	return listView([]string{"ID", "NAME", "EMAIL", "PHONE", "FOLDER", "TITLE"}, contacts, func(ct ws.Contact) []string {
		return []string{ct.ID.String(), ct.Name, ct.Email, ct.Phone, ct.Group, ct.Title}
	})
}

func (a *app) foldersCmd() *cobra.Command {
	list := listCmd(a, "List the contact folders", (*ws.Client).GetContactGroups, foldersView)
	var title string
	create := argOrFlag(&cobra.Command{
		Use:   "create TITLE",
		Short: "Create a contact folder (an existing folder of that title is returned as is)",
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			g, err := c.AddContactGroup(ctx, ws.AddContactGroupParams{Title: title})
			if err != nil {
				return view{}, err
			}
			return foldersView([]ws.ContactGroup{*g}), nil
		}),
	}, "title", "the folder's title", &title)
	return group("folders", "List and create contact folders", list, create)
}

func foldersView(folders []ws.ContactGroup) view {
	return listView([]string{"ID", "TITLE", "TYPE"}, folders, func(g ws.ContactGroup) []string {
		return []string{g.ID.String(), g.Title, g.Type}
	})
}

// subscription is the result of subscribe and unsubscribe.
type subscription struct {
	TaskID     ws.ID  `json:"task_id"`
	Email      string `json:"email"`
	Subscribed bool   `json:"subscribed"`
}

func (a *app) subscribeCmd(on bool) *cobra.Command {
	var p ws.SubscribeParams
	use, short, call := "subscribe", "Subscribe a member to a task", (*ws.Client).Subscribe
	if !on {
		use, short, call = "unsubscribe", "Unsubscribe a member from a task", (*ws.Client).Unsubscribe
	}
	c := &cobra.Command{
		Use:   use + " --task ID --email EMAIL",
		Short: short,
		Args:  noArgs,
		RunE: validated(&p, a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			if err := call(c, ctx, p); err != nil {
				return view{}, err
			}
			s := subscription{TaskID: p.TaskID, Email: p.Email, Subscribed: on}
			return view{header: []string{"TASK", "EMAIL", "SUBSCRIBED"}, data: s,
				rows: [][]string{{s.TaskID.String(), s.Email, strconv.FormatBool(on)}}}, nil
		})),
	}
	c.Flags().Var((*idFlag)(&p.TaskID), "task", "task id")
	c.Flags().StringVar(&p.Email, "email", "", "the member's email")
	return required(c, "task", "email")
}

// idFlag is an id value such as --task.
type idFlag ws.ID

func (f *idFlag) String() string     { return string(*f) }
func (f *idFlag) Set(s string) error { *f = idFlag(s); return nil }
func (f *idFlag) Type() string       { return "id" }
