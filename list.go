package worksection

import (
	"context"
	"encoding/json"
)

// listSink collects a list response, decoding each element through the
// wire type W (reused, so no per-element garbage) and converting it to T.
type listSink[W, T any] struct {
	items []T
	w     W
	conv  func(*W) T
}

func (s *listSink[W, T]) Reset(n int) { s.items = make([]T, 0, n) }

func (s *listSink[W, T]) DecodeElement(dec *json.Decoder) error {
	var zero W
	s.w = zero
	if err := dec.Decode(&s.w); err != nil {
		return err
	}
	s.items = append(s.items, s.conv(&s.w))
	return nil
}

// getList calls a list action and decodes its elements through W.
func getList[W, T any](ctx context.Context, c *Client, action string, conv func(*W) T) ([]T, error) {
	sink := &listSink[W, T]{conv: conv}
	if err := c.call(ctx, action, nil, sink, nil); err != nil {
		return nil, err
	}
	return sink.items, nil
}

// itself is the conversion for lists decoded straight into their type.
func itself[T any](v *T) T { return *v }
