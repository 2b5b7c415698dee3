package worksection

import (
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
	err := wire.DecodeValue(b, func(d *wire.Dec) error { return d.StringMap((*map[string]string)(m)) })
	if err != nil {
		return fmt.Errorf("worksection: %w", err)
	}
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
	if err := wire.DecodeValue(b, func(d *wire.Dec) error { return decodeServices(d, s) }); err != nil {
		return fmt.Errorf("worksection: services: %w", err)
	}
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
