package worksection

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/worksection-go/worksection/internal/wire"
)

// Me returns the member the access token belongs to (action me). It needs
// a client made WithAccessToken; the admin API key cannot call it.
func (c *Client) Me(ctx context.Context) (*User, error) {
	const action = "me"
	if !c.creds.userAPI {
		return nil, &ValidationError{Action: action, Field: "credentials",
			Reason: "me needs an access token (WithAccessToken), not the admin API key"}
	}
	var raw json.RawMessage
	if err := c.call(ctx, action, nil, &raw, nil); err != nil {
		return nil, err
	}
	// The API answers with an object or a one-element array.
	one, err := wire.OneOrFirst(raw)
	if err == nil && len(one) == 0 {
		err = errors.New("no user in data")
	}
	var u User
	if err == nil {
		err = json.Unmarshal(one, &u)
	}
	if err != nil {
		return nil, &ResponseError{Action: action, HTTPStatus: http.StatusOK, Err: err}
	}
	return &u, nil
}
