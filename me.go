package worksection

import "context"

// Me returns the member the access token belongs to (action me). It needs
// a client made WithAccessToken; the admin API key cannot call it.
func (c *Client) Me(ctx context.Context) (*User, error) {
	if !c.creds.userAPI {
		return nil, &ValidationError{Action: "me", Field: "credentials",
			Reason: "me needs an access token (WithAccessToken), not the admin API key"}
	}
	one := newOne(userRecord, (*userWire).user)
	if err := c.call(ctx, "me", nil, one, nil); err != nil {
		return nil, err
	}
	return &one.Item, nil
}
