package worksection

import "context"

// ProjectMembersParams name a project and the account members to add to
// it or remove from it, by email.
type ProjectMembersParams struct {
	ProjectID ID       `url:"id_project"`
	Emails    []string `url:"members,comma"`
}

// UserRef is a member as project and task reads list them.
type UserRef struct {
	ID    ID     `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Validate reports what AddProjectMembers and DeleteProjectMembers would
// refuse: a project id of digits and at least one email, each one address.
func (p ProjectMembersParams) Validate() error { return p.validate("add_project_members") }

func (p ProjectMembersParams) validate(action string) error {
	if err := checkText(action, p); err != nil {
		return err
	}
	if err := checkID(action, "ProjectID", p.ProjectID); err != nil {
		return err
	}
	if len(p.Emails) == 0 {
		return &ValidationError{Action: action, Field: "Emails", Reason: "at least one email is required"}
	}
	for _, e := range p.Emails {
		if err := checkEmail(action, "Emails", e); err != nil {
			return err
		}
	}
	return nil
}

// AddProjectMembers adds account members to a project (action
// add_project_members). An email that is not a member is an error matching
// ErrInvalidEmail; adding a member twice is not an error.
func (c *Client) AddProjectMembers(ctx context.Context, p ProjectMembersParams) error {
	return c.projectMembers(ctx, "add_project_members", p)
}

// DeleteProjectMembers removes members from a project (delete_project_members).
func (c *Client) DeleteProjectMembers(ctx context.Context, p ProjectMembersParams) error {
	return c.projectMembers(ctx, "delete_project_members", p)
}

func (c *Client) projectMembers(ctx context.Context, action string, p ProjectMembersParams) error {
	if err := p.validate(action); err != nil {
		return err
	}
	_, err := c.do(ctx, action, p, nil, nil)
	return err
}

// GetProjectMembers lists a project's members (action get_project with
// extra=users). An unknown project is an error matching ErrNotFound.
func (c *Client) GetProjectMembers(ctx context.Context, projectID ID) ([]UserRef, error) {
	const action = "get_project"
	if err := checkID(action, "projectID", projectID); err != nil {
		return nil, err
	}
	var data struct {
		Users []UserRef `json:"users"`
	}
	p := struct {
		ProjectID ID     `url:"id_project"`
		Extra     string `url:"extra"`
	}{projectID, "users"}
	if _, err := c.do(ctx, action, p, jsonData{&data}, nil); err != nil {
		return nil, err
	}
	return nonNil(data.Users), nil
}

// GetTaskSubscribers lists a task's subscribers (action get_task with
// extra=subscribers). An unknown task is an error matching ErrNotFound.
func (c *Client) GetTaskSubscribers(ctx context.Context, taskID ID) ([]UserRef, error) {
	const action = "get_task"
	if err := checkID(action, "taskID", taskID); err != nil {
		return nil, err
	}
	var data struct {
		Subscribers []UserRef `json:"subscribers"`
	}
	p := struct {
		TaskID ID     `url:"id_task"`
		Extra  string `url:"extra"`
	}{taskID, "subscribers"}
	if _, err := c.do(ctx, action, p, jsonData{&data}, nil); err != nil {
		return nil, err
	}
	return nonNil(data.Subscribers), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
