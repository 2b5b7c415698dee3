package worksection

import (
	"context"

	"github.com/worksection-go/worksection/internal/wire"
)

// getList calls a list action and decodes its elements with rec, each
// converted to T by conv.
func getList[W, T any](ctx context.Context, c *Client, action string, rec *wire.Record[W], conv func(*W) T) ([]T, error) {
	list := &wire.List[W, T]{Rec: rec, Conv: conv}
	if err := c.call(ctx, action, nil, list, nil); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// newOne is the result of an action that answers with one record: an
// object or a one-element array.
func newOne[W, T any](rec *wire.Record[W], conv func(*W) T) *wire.One[W, T] {
	return &wire.One[W, T]{Rec: rec, Conv: conv}
}

// itself is the conversion for records decoded straight into their type.
func itself[T any](v *T) T { return *v }
