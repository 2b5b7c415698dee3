package worksection

import "context"

// Me returns the member the access token belongs to (action me). It needs
// a client made WithAccessToken or WithTokenSource; with the admin API key
// it is refused before sending (the action table marks me user-API only).
func (c *Client) Me(ctx context.Context) (*User, error) {
	return getOne[userWire, User](ctx, c, "me", nil, nil)
}
