package worksection

import "context"

// UserGroup is a team of account members.
type UserGroup struct {
	ID     ID     `json:"id"`
	Title  string `json:"title"`
	Type   string `json:"type"`   // "company" in recorded responses
	Client bool   `json:"client"` // an external client team (wire 1) rather than your company's (0)
}

// userGroupWire is a team as the API sends it: client as 0/1, "0"/"1" or a boolean.
type userGroupWire struct {
	plainUserGroup
	Client flag `json:"client"`
}

type plainUserGroup UserGroup // UserGroup without its UnmarshalJSON

func (w *userGroupWire) record() (UserGroup, error) {
	g := UserGroup(w.plainUserGroup)
	g.Client = bool(w.Client)
	return g, requireID(g.ID)
}

// UnmarshalJSON reads client as 0/1, "0"/"1" or a boolean; a team needs an id.
func (g *UserGroup) UnmarshalJSON(b []byte) error {
	return unmarshalRecord[userGroupWire, UserGroup](b, g, "team")
}

// AddUserGroupParams describe a team. Title is required.
type AddUserGroupParams struct {
	Title  string `url:"title"`
	Client bool   `url:"client,int,omitempty"` // an external client team
}

// Validate reports what AddUserGroup would refuse before sending.
func (p AddUserGroupParams) Validate() error {
	if err := checkText("add_user_group", p); err != nil {
		return err
	}
	return checkRequired("add_user_group", "Title", p.Title)
}

// GetUserGroups lists the account's teams (action get_user_groups).
func (c *Client) GetUserGroups(ctx context.Context) ([]UserGroup, error) {
	return getList[userGroupWire, UserGroup](ctx, c, "get_user_groups")
}

// AddUserGroup creates a team (action add_user_group). If a team with the
// title exists, the API returns it instead, so the call is safe to repeat.
func (c *Client) AddUserGroup(ctx context.Context, p AddUserGroupParams) (*UserGroup, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return getOne[userGroupWire, UserGroup](ctx, c, "add_user_group", p, nil)
}
