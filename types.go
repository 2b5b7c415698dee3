package worksection

import (
	"encoding/json"
	"fmt"

	"github.com/worksection-go/worksection/internal/wire"
)

// ID is a Worksection identifier. The API sends ids as JSON strings
// ("3993") and sometimes as numbers (preset contact folders: 1); both decode
// to the same ID. It encodes as a JSON string.
type ID string

// UnmarshalJSON accepts a JSON string, a number, or null (the empty ID).
func (id *ID) UnmarshalJSON(b []byte) error {
	s, err := wire.Scalar(b)
	if err != nil {
		return fmt.Errorf("worksection: id: %w", err)
	}
	*id = ID(s)
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
	if wire.EmptyArray(b) {
		*m = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("worksection: want an object: %w", err)
	}
	if raw == nil {
		*m = nil
		return nil
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
	if wire.EmptyArray(b) {
		*s = Services{}
		return nil
	}
	type plain Services
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return fmt.Errorf("worksection: services: %w", err)
	}
	return nil
}
