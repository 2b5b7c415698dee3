package worksection

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ID is a Worksection identifier. The API sends ids as strings ("3993") or
// numbers (preset contact folders: 1); it encodes as a JSON string.
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

// StringMap maps labels to values, such as a user's chat handles. It
// decodes PHP's [] as an empty map and non-strings as their JSON text.
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
		out[k] = text(v)
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
		// The syntax was checked, so err names a field or kind, not bytes.
		return fmt.Errorf("worksection: services: %w", err)
	}
	*s = Services(p)
	return nil
}

// scalar reads a JSON string or number as text; ok is false for null.
// Errors name the expected kind and never quote b.
func scalar(b []byte) (s string, ok bool, err error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || isNull(b): // absent or null
		return "", false, nil
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && plainASCII(b[1:len(b)-1]):
		return string(b[1 : len(b)-1]), true, nil // the common case, without a second decode
	case b[0] == '"':
		err = json.Unmarshal(b, &s)
	case (b[0] == '-' || '0' <= b[0] && b[0] <= '9') && json.Valid(b): // a number
		s = string(b)
	default:
		err = errors.New("not a scalar")
	}
	if err != nil {
		return "", false, errors.New("want a string or number")
	}
	return s, true, nil
}

// plainASCII reports a string's inside that needs no unescaping.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }

// isEmptyArray reports whether b is PHP's [] standing in for an empty object.
func isEmptyArray(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) >= 2 && b[0] == '[' && b[len(b)-1] == ']' && len(bytes.TrimSpace(b[1:len(b)-1])) == 0
}

// number is a JSON number that may come as a numeric string; "" and null
// are no number (a user's rate, a token's expires_in).
type number struct{ v *float64 }

// UnmarshalJSON accepts a number, a numeric string, "" or null.
func (n *number) UnmarshalJSON(b []byte) error {
	s, _, err := scalar(b)
	if s = strings.TrimSpace(s); s == "" && err == nil {
		n.v = nil
		return nil
	}
	f, perr := strconv.ParseFloat(s, 64)
	if err != nil || perr != nil {
		return errors.New("rate: want a number or numeric string")
	}
	n.v = &f
	return nil
}

// flag is a boolean the API may send as 0/1, "0"/"1" or true/false; ""
// and null are false (a team's client).
type flag bool

// UnmarshalJSON accepts true/false, 0/1, their strings, "" or null.
func (f *flag) UnmarshalJSON(b []byte) error {
	s, _, err := scalar(b)
	if err != nil && (string(b) == "true" || string(b) == "false") {
		s, err = string(b), nil
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false":
		*f = false
	case "1", "true":
		*f = true
	default:
		err = errors.New("want a boolean, 0 or 1")
	}
	return err
}
