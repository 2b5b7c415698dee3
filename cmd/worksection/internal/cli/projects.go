package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
)

func refsView(refs []ws.UserRef) view {
	return listView(cols("id", "email", "name"), refs, nil)
}

// refsCmd is a command listing the members of what its operand names (a
// project, a task), given as the argument or as --operand; example is a
// command line that runs on the built-in fake.
func (a *app) refsCmd(use, short, operand, example string, get func(*ws.Client, context.Context, ws.ID) ([]ws.UserRef, error)) *cobra.Command {
	var id string
	return idArgOrFlag(&cobra.Command{
		Use:     use,
		Short:   short,
		Example: fmt.Sprintf("  worksection %s\n  worksection %s -o csv", example, example),
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			refs, err := get(c, ctx, ws.ID(id))
			return refsView(refs), err
		}),
	}, operand, &id)
}

func (a *app) projectsCmd() *cobra.Command {
	list := a.refsCmd("list PROJECT", "List a project's members", "project", "projects members list 26", (*ws.Client).GetProjectMembers)
	change := func(add bool) *cobra.Command {
		var p ws.ProjectMembersParams
		use, action, short, call := "add", "add_project_members", "Add account members to a project", (*ws.Client).AddProjectMembers
		if !add {
			use, action, short, call = "remove", "delete_project_members", "Remove members from a project", (*ws.Client).DeleteProjectMembers
		}
		c := idArgOrFlag(&cobra.Command{
			Use:   use + " PROJECT --email EMAIL [--email EMAIL...]",
			Short: short,
			Example: fmt.Sprintf(`  worksection projects members %s 27 --email kate.greenway@acme.example
  worksection projects members %s 27 --email kate.greenway@acme.example,oleg.koval@acme.example --dry-run`, use, use),
			RunE: validated(&p, a.write(func() []request { return []request{newRequest(action, p)} },
				func(ctx context.Context, c *ws.Client) (view, error) {
					if err := call(c, ctx, p); err != nil {
						return view{}, err
					}
					refs, err := c.GetProjectMembers(ctx, p.ProjectID)
					return refsView(refs), err
				})),
		}, "project", (*string)(&p.ProjectID))
		c.Flags().StringSliceVar(&p.Emails, "email", nil, "member email (repeat or comma-separate for several)")
		fieldFlag(c, "email", "Emails")
		a.addDryRun(c)
		return required(c, "email")
	}
	members := group("members", "List, add and remove a project's members", list, change(true), change(false))
	return group("projects", "Project members", members)
}

func (a *app) taskCmd() *cobra.Command {
	subs := a.refsCmd("subscribers TASK", "List a task's subscribers", "task", "task subscribers 1201", (*ws.Client).GetTaskSubscribers)
	return group("task", "Task subscribers (see also subscribe, unsubscribe)", subs)
}
