package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
)

// roleFlag is a --role value.
type roleFlag ws.Role

func (r *roleFlag) String() string     { return string(*r) }
func (r *roleFlag) Set(s string) error { *r = roleFlag(ws.ParseRole(s)); return nil }
func (r *roleFlag) Type() string       { return "role" }

func (a *app) teamsCmd() *cobra.Command {
	list := listCmd(a, "List the account's teams", (*ws.Client).GetUserGroups, teamsView)
	var p ws.AddUserGroupParams
	create := argOrFlag(&cobra.Command{
		Use:   "create TITLE",
		Short: "Create a team (an existing team of that title is returned as is)",
		Example: `  worksection teams create Sales
  worksection teams create --title "Acme Partners" --client --dry-run`,
		RunE: validated(&p, a.write(func() []request { return []request{newRequest("add_user_group", p)} },
			func(ctx context.Context, c *ws.Client) (view, error) {
				g, err := c.AddUserGroup(ctx, p)
				if err != nil {
					return view{}, err
				}
				return oneView(teamsView, *g), nil
			})),
	}, "title", "the team's title", &p.Title)
	create.Flags().BoolVar(&p.Client, "client", false, "an external client team rather than your company's")
	a.addDryRun(create)
	return group("teams", "List and create teams", list, create)
}

func teamsView(teams []ws.UserGroup) view {
	return listView(cols("id", "title", "type", "client"), teams, nil)
}

func (a *app) contactsCmd() *cobra.Command {
	list := listCmd(a, "List the account's contacts", (*ws.Client).GetContacts, contactsView)
	var p ws.AddContactParams
	add := &cobra.Command{
		Use:   "add --email EMAIL --name NAME",
		Short: "Add a contact (no invitation is sent)",
		Example: `  worksection contacts add --email pat@vendor.example --name "Pat Doe" --folder Vendors
  worksection contacts add --email pat@vendor.example --name "Pat Doe" --dry-run`,
		Args: noArgs,
		RunE: validated(&p, a.write(func() []request { return []request{newRequest("add_contact", p)} },
			func(ctx context.Context, c *ws.Client) (view, error) {
				ct, err := c.AddContact(ctx, p)
				if err != nil {
					return view{}, err
				}
				return oneView(contactsView, *ct), nil
			})),
	}
	f := add.Flags()
	f.StringVar(&p.Email, "email", "", "email")
	f.StringVar(&p.Name, "name", "", "first and last name")
	f.StringVar(&p.Title, "title", "", "position")
	f.StringVar(&p.Group, "folder", "", "contact folder")
	f.StringVar(&p.Phone, "phone", "", "phone")
	fieldFlag(add, "folder", "Group")
	a.addDryRun(add)
	return group("contacts", "List and add contacts", list, required(add, "email", "name"))
}

func contactsView(contacts []ws.Contact) view {
	return listView(cols("id", "name", "email", "phone", "group:FOLDER", "title"), contacts, nil)
}

func (a *app) foldersCmd() *cobra.Command {
	list := listCmd(a, "List the contact folders", (*ws.Client).GetContactGroups, foldersView)
	var p ws.AddContactGroupParams
	create := argOrFlag(&cobra.Command{
		Use:   "create TITLE",
		Short: "Create a contact folder (an existing folder of that title is returned as is)",
		Example: `  worksection folders create Vendors
  worksection folders create --title Vendors --dry-run`,
		RunE: validated(&p, a.write(func() []request { return []request{newRequest("add_contact_group", p)} },
			func(ctx context.Context, c *ws.Client) (view, error) {
				g, err := c.AddContactGroup(ctx, p)
				if err != nil {
					return view{}, err
				}
				return oneView(foldersView, *g), nil
			})),
	}, "title", "the folder's title", &p.Title)
	a.addDryRun(create)
	return group("folders", "List and create contact folders", list, create)
}

func foldersView(folders []ws.ContactGroup) view {
	return listView(cols("id", "title", "type"), folders, nil)
}

func subscriptionsView(subs []subscription) view {
	return listView(cols("task_id:TASK", "email", "subscribed"), subs, nil)
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
		Example: fmt.Sprintf(`  worksection %s --task 1203 --email kate.greenway@acme.example
  worksection %s --task 1203 --email kate.greenway@acme.example --dry-run`, use, use),
		Args: noArgs,
		RunE: validated(&p, a.write(func() []request { return []request{newRequest(use, p)} }, func(ctx context.Context, c *ws.Client) (view, error) {
			if err := call(c, ctx, p); err != nil {
				return view{}, err
			}
			return oneView(subscriptionsView, subscription{TaskID: p.TaskID, Email: p.Email, Subscribed: on}), nil
		})),
	}
	c.Flags().Var((*idFlag)(&p.TaskID), "task", "task id")
	c.Flags().StringVar(&p.Email, "email", "", "the member's email")
	fieldFlag(c, "task", "TaskID")
	a.addDryRun(c)
	return required(c, "task", "email")
}

// idFlag is an id value such as --task.
type idFlag ws.ID

func (f *idFlag) String() string { return string(*f) }
func (f *idFlag) Set(s string) error {
	if err := checkID("", s); err != nil {
		return errNotNumber
	}
	*f = idFlag(s)
	return nil
}
func (f *idFlag) Type() string { return "id" }
