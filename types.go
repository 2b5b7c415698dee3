package worksection

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/worksection-go/worksection/internal/wire"
)

// ID is a Worksection identifier. The API sends ids as JSON strings
// ("3993") and sometimes as numbers (preset contact folders: 1); both decode
// to the same ID. It encodes as a JSON string.
type ID string

// UnmarshalJSON accepts a JSON string, a number, or null (the empty ID).
func (id *ID) UnmarshalJSON(b []byte) error {
	s, ok, err := scalar(b)
	if err != nil {
		return fmt.Errorf("worksection: id: %w", err)
	}
	if ok {
		*id = ID(s)
	}
	return nil
}

// String returns the ID as text.
func (id ID) String() string { return string(id) }

// StringMap is a map of labels to values, such as a user's chat handles.
// It decodes PHP's [] as an empty map and non-string values as their JSON
// text.
type StringMap map[string]string

// UnmarshalJSON accepts an object of scalars, [] or null.
func (m *StringMap) UnmarshalJSON(b []byte) error {
	if isNull(b) || isEmptyArray(b) {
		*m = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return errors.New("worksection: want an object")
	}
	out := make(StringMap, len(raw))
	for k, v := range raw {
		out[k] = wire.Text(v)
	}
	*m = out
	return nil
}

// Services are a person's messenger and social network handles, as the
// FAQ documents them: {"chats":{"WhatsApp":"..."},"socials":{"LinkedIn":"..."}}.
type Services struct {
	Chats   StringMap `json:"chats,omitempty"`
	Socials StringMap `json:"socials,omitempty"`
}

// UnmarshalJSON accepts the object, [] or null.
func (s *Services) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	if isEmptyArray(b) {
		*s = Services{}
		return nil
	}
	type plain Services // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		// The caller's decoder has checked the syntax, so err names a
		// field or kind, not response bytes.
		return fmt.Errorf("worksection: services: %w", err)
	}
	*s = Services(p)
	return nil
}

var servicesRecord = wire.NewRecord(
	wire.Field[Services]{Name: "chats", Decode: func(d *wire.Dec, s *Services) error { return d.StringMap((*map[string]string)(&s.Chats)) }},
	wire.Field[Services]{Name: "socials", Decode: func(d *wire.Dec, s *Services) error { return d.StringMap((*map[string]string)(&s.Socials)) }},
)

// decodeServices reads services: the object, PHP's [] for none, or null
// (which changes nothing, as encoding/json would).
func decodeServices(d *wire.Dec, s *Services) error {
	if null, err := d.Null(); null || err != nil {
		return err
	}
	if empty, err := d.EmptyObject(); empty || err != nil {
		*s = Services{}
		return err
	}
	return servicesRecord.Decode(d, s)
}

func servicesField[T any](field func(*T) *Services) wire.Field[T] {
	return wire.Field[T]{Name: "services", Decode: func(d *wire.Dec, v *T) error { return decodeServices(d, field(v)) }}
}

// scalar reads a JSON string or number as text; ok is false for null.
// Errors name the expected kind and never quote b.
func scalar(b []byte) (s string, ok bool, err error) {
	b = bytes.TrimSpace(b)
	switch {
	case isNull(b):
		return "", false, nil
	case len(b) > 0 && b[0] == '"':
		if json.Unmarshal(b, &s) != nil {
			return "", false, errors.New("want a string or number")
		}
		return s, true, nil
	}
	var n json.Number
	if json.Unmarshal(b, &n) != nil {
		return "", false, errors.New("want a string or number")
	}
	return string(n), true, nil
}

func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }

// isEmptyArray reports whether b is PHP's [] standing in for an empty object.
func isEmptyArray(b []byte) bool { return wire.EmptyArray(b) }
