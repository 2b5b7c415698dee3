package cli

import (
	"strconv"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/roster"
)

func (a *app) usersCmd() *cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "List the account's members",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			users, err := c.GetUsers(cmd.Context())
			if err != nil {
				return err
			}
			v := view{header: []string{"ID", "NAME", "EMAIL", "ROLE", "TEAM", "DEPARTMENT", "TITLE"}, data: users}
			for _, u := range users {
				v.rows = append(v.rows, []string{u.ID.String(), u.Name, u.Email, string(u.Role), u.Group, u.Department, u.Title})
			}
			return a.emit(v)
		},
	}
	var p roster.Person
	var emails []string
	var maxInvites int
	invite := &cobra.Command{
		Use:   "invite --email EMAIL [--email EMAIL...] [--team TEAM] [--role user|guest|reader]",
		Short: "Invite people to the account (creating the team if missing; members are left as they are)",
		Args:  cobra.NoArgs,
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

// roleFlag is a --role value.
type roleFlag ws.Role

func (r *roleFlag) String() string     { return string(*r) }
func (r *roleFlag) Set(s string) error { *r = roleFlag(ws.ParseRole(s)); return nil }
func (r *roleFlag) Type() string       { return "role" }

func (a *app) teamsCmd() *cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "List the account's teams",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			teams, err := c.GetUserGroups(cmd.Context())
			if err != nil {
				return err
			}
			return a.emit(teamsView(teams))
		},
	}
	var client bool
	var title string
	create := argOrFlag(&cobra.Command{
		Use:   "create TITLE",
		Short: "Create a team (an existing team of that title is returned as is)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			g, err := c.AddUserGroup(cmd.Context(), ws.AddUserGroupParams{Title: title, Client: client})
			if err != nil {
				return err
			}
			return a.emit(teamsView([]ws.UserGroup{*g}))
		},
	}, "title", "the team's title", &title)
	create.Flags().BoolVar(&client, "client", false, "an external client team rather than your company's")
	return group("teams", "List and create teams", list, create)
}

func teamsView(teams []ws.UserGroup) view {
	v := view{header: []string{"ID", "TITLE", "TYPE", "CLIENT"}, data: teams}
	for _, g := range teams {
		v.rows = append(v.rows, []string{g.ID.String(), g.Title, g.Type, strconv.FormatBool(g.Client)})
	}
	return v
}

func (a *app) contactsCmd() *cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "List the account's contacts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			contacts, err := c.GetContacts(cmd.Context())
			if err != nil {
				return err
			}
			return a.emit(contactsView(contacts))
		},
	}
	var p ws.AddContactParams
	add := &cobra.Command{
		Use:   "add --email EMAIL --name NAME",
		Short: "Add a contact (no invitation is sent)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := p.Validate(); err != nil {
				return err
			}
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			ct, err := c.AddContact(cmd.Context(), p)
			if err != nil {
				return err
			}
			return a.emit(contactsView([]ws.Contact{*ct}))
		},
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
	v := view{header: []string{"ID", "NAME", "EMAIL", "PHONE", "FOLDER", "TITLE"}, data: contacts}
	for _, ct := range contacts {
		v.rows = append(v.rows, []string{ct.ID.String(), ct.Name, ct.Email, ct.Phone, ct.Group, ct.Title})
	}
	return v
}

func (a *app) foldersCmd() *cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "List the contact folders",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			folders, err := c.GetContactGroups(cmd.Context())
			if err != nil {
				return err
			}
			return a.emit(foldersView(folders))
		},
	}
	var title string
	create := argOrFlag(&cobra.Command{
		Use:   "create TITLE",
		Short: "Create a contact folder (an existing folder of that title is returned as is)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			g, err := c.AddContactGroup(cmd.Context(), ws.AddContactGroupParams{Title: title})
			if err != nil {
				return err
			}
			return a.emit(foldersView([]ws.ContactGroup{*g}))
		},
	}, "title", "the folder's title", &title)
	return group("folders", "List and create contact folders", list, create)
}

func foldersView(folders []ws.ContactGroup) view {
	v := view{header: []string{"ID", "TITLE", "TYPE"}, data: folders}
	for _, g := range folders {
		v.rows = append(v.rows, []string{g.ID.String(), g.Title, g.Type})
	}
	return v
}

// subscription is the result of subscribe and unsubscribe.
type subscription struct {
	TaskID     ws.ID  `json:"task_id"`
	Email      string `json:"email"`
	Subscribed bool   `json:"subscribed"`
}

func (a *app) subscribeCmd(on bool) *cobra.Command {
	var p ws.SubscribeParams
	use, short := "subscribe", "Subscribe a member to a task"
	if !on {
		use, short = "unsubscribe", "Unsubscribe a member from a task"
	}
	c := &cobra.Command{
		Use:   use + " --task ID --email EMAIL",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := p.Validate(); err != nil {
				return err
			}
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			call := c.Subscribe
			if !on {
				call = c.Unsubscribe
			}
			if err := call(cmd.Context(), p); err != nil {
				return err
			}
			s := subscription{TaskID: p.TaskID, Email: p.Email, Subscribed: on}
			return a.emit(view{header: []string{"TASK", "EMAIL", "SUBSCRIBED"}, data: s,
				rows: [][]string{{s.TaskID.String(), s.Email, strconv.FormatBool(on)}}})
		},
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
