package worksection

import "context"

// Me returns the member the access token belongs to (action me). It needs
// a client made WithAccessToken or WithTokenSource; with the admin API key
// it is refused before sending (the action table marks me user-API only).
func (c *Client) Me(ctx context.Context) (*User, error) {
	one := newOne(userRecord, (*userWire).user)
	if err := c.call(ctx, "me", nil, one, nil); err != nil {
		return nil, err
	}
	return &one.Item, nil
}
