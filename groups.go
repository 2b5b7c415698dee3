package worksection

import (
	"context"
	"fmt"

	"github.com/worksection-go/worksection/internal/wire"
)

// UserGroup is a team of account members.
type UserGroup struct {
	ID     ID     `json:"id"`
	Title  string `json:"title"`
	Type   string `json:"type"`   // "company" in recorded responses
	Client bool   `json:"client"` // an external client team (wire 1) rather than your company's (0)
}

var userGroupRecord = wire.NewRecord(
	wire.ID("id", func(g *UserGroup) *string { return (*string)(&g.ID) }),
	wire.String("title", func(g *UserGroup) *string { return &g.Title }),
	wire.String("type", func(g *UserGroup) *string { return &g.Type }),
	wire.Flag("client", func(g *UserGroup) *bool { return &g.Client }),
).Requiring("id", func(v *UserGroup) string { return string(v.ID) })

// UnmarshalJSON reads client as 0/1, "0"/"1" or a boolean.
func (g *UserGroup) UnmarshalJSON(b []byte) error {
	if err := userGroupRecord.Unmarshal(b, g); err != nil {
		return fmt.Errorf("worksection: team: %w", err)
	}
	return nil
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
	return getList(ctx, c, "get_user_groups", userGroupRecord, itself[UserGroup])
}

// AddUserGroup creates a team (action add_user_group). If a team with the
// title exists, the API returns it instead, so the call is safe to repeat.
func (c *Client) AddUserGroup(ctx context.Context, p AddUserGroupParams) (*UserGroup, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	one := newOne(userGroupRecord, itself[UserGroup])
	if err := c.call(ctx, "add_user_group", p, one, nil); err != nil {
		return nil, err
	}
	return &one.Item, nil
}
