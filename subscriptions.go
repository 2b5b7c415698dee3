package worksection

import "context"

// SubscribeParams name a task and the member to (un)subscribe.
type SubscribeParams struct {
	TaskID ID     `url:"id_task"`
	Email  string `url:"email_user"` // exactly one member's email
}

// Subscribe makes the member with Email a subscriber of the task (action
// subscribe). Subscribing an existing subscriber is not an error.
func (c *Client) Subscribe(ctx context.Context, p SubscribeParams) error {
	return c.subscription(ctx, "subscribe", p)
}

// Unsubscribe removes the member with Email from the task's subscribers
// (action unsubscribe).
func (c *Client) Unsubscribe(ctx context.Context, p SubscribeParams) error {
	return c.subscription(ctx, "unsubscribe", p)
}

// Validate reports what Subscribe and Unsubscribe would refuse before
// sending: a task ID of digits and exactly one email address.
func (p SubscribeParams) Validate() error { return p.validate("subscribe") }

func (p SubscribeParams) validate(action string) error {
	if err := checkText(action, p); err != nil {
		return err
	}
	if err := checkID(action, "TaskID", p.TaskID); err != nil {
		return err
	}
	return checkEmail(action, "Email", p.Email)
}

func (c *Client) subscription(ctx context.Context, action string, p SubscribeParams) error {
	if err := p.validate(action); err != nil {
		return err
	}
	_, err := c.do(ctx, action, p, nil, nil)
	return err
}
