package roster

import (
	"context"
	"errors"
	"fmt"
	"slices"

	ws "github.com/worksection-go/worksection"
)

// dropProjectMembers removes from p.AddToProjects the people already on
// each project. A project the server refuses (an unknown id) turns its
// rows into Problems rather than failing the whole plan.
func dropProjectMembers(ctx context.Context, c *ws.Client, p *Plan) error {
	kept := p.AddToProjects[:0]
	for _, ch := range p.AddToProjects {
		refs, err := c.GetProjectMembers(ctx, ch.ProjectID)
		var apiErr *ws.APIError
		switch {
		case errors.As(err, &apiErr):
			for i, row := range ch.rows {
				p.Problems = append(p.Problems, Problem{Row: row, Email: ch.Emails[i], Project: ch.ProjectID,
					Reason: fmt.Sprintf("project %s: %s", ch.ProjectID, apiErr.Message)})
			}
			continue
		case err != nil:
			return fmt.Errorf("roster: reading members of project %s: %w", ch.ProjectID, err)
		}
		on := make(map[string]bool, len(refs))
		for _, r := range refs {
			on[emailKey(r.Email)] = true
		}
		missing := ProjectChange{ProjectID: ch.ProjectID}
		for i, e := range ch.Emails {
			if !on[emailKey(e)] {
				missing.Emails = append(missing.Emails, e)
				missing.rows = append(missing.rows, ch.rows[i])
			}
		}
		if len(missing.Emails) > 0 {
			kept = append(kept, missing)
		}
	}
	p.AddToProjects = kept
	slices.SortStableFunc(p.Problems, func(a, b Problem) int { return a.Row - b.Row })
	return nil
}

func addProjectMembers(ctx context.Context, c *ws.Client, ch ProjectChange, emails []string) error {
	return c.AddProjectMembers(ctx, ws.ProjectMembersParams{ProjectID: ch.ProjectID, Emails: emails})
}
