//go:build !wsnext

package roster

import (
	"context"
	"errors"

	ws "github.com/worksection-go/worksection"
)

// errNoProjectActions: this SDK build lacks the project member actions.
var errNoProjectActions = errors.New("roster: project members need the SDK's GetProjectMembers and AddProjectMembers, which this build lacks")

func dropProjectMembers(_ context.Context, _ *ws.Client, p *Plan) error {
	if len(p.AddToProjects) > 0 {
		return errNoProjectActions
	}
	return nil
}

func addProjectMembers(context.Context, *ws.Client, ProjectChange, []string) error {
	return errNoProjectActions
}
