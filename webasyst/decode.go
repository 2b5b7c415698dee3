package webasyst

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// errNotJSON reports a body that is not a JSON object.
var errNotJSON = errors.New("response is not a JSON object")

// decodeTeam reads {"data":[...]} or an error body (*APIError). A top-level
// "error" key is an error whatever else the body holds. Its errors never
// quote the body, which may echo the token.
func decodeTeam(body []byte) ([]Teammate, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, errNotJSON
	}
	var env struct {
		Data             json.RawMessage `json:"data"`
		Error            json.RawMessage `json:"error"`
		ErrorDescription json.RawMessage `json:"error_description"`
		ErrorMessage     json.RawMessage `json:"error_message"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %w", errNotJSON, safeDecodeError("", err))
	}
	if len(env.Error) > 0 && string(env.Error) != "null" {
		desc := jsonString(env.ErrorDescription)
		if desc == "" {
			desc = jsonString(env.ErrorMessage)
		}
		return nil, &APIError{Code: jsonString(env.Error), Description: desc}
	}
	if env.Data == nil {
		return nil, errors.New("no data in the response")
	}
	return decodeTeammates(env.Data)
}

// maxTeammates bounds the list, so memory for an answer stays bounded
// whatever the body holds.
const maxTeammates = 100_000

// decodeTeammates reads the data array one element at a time: each must be
// a teammate with a contact id, and there may be at most maxTeammates, so
// a body of empty objects cannot become a huge list.
func decodeTeammates(data json.RawMessage) ([]Teammate, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, &fieldError{field: "data", want: "an array"}
	}
	team := []Teammate{}
	for i := 0; dec.More(); i++ {
		path := fmt.Sprintf("data[%d]", i)
		if i == maxTeammates {
			return nil, &fieldError{field: "data", want: fmt.Sprintf("at most %d teammates", maxTeammates)}
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, safeDecodeError(path, err)
		}
		if string(raw) == "null" {
			return nil, &fieldError{field: path, want: "a teammate object, got null"}
		}
		var tm Teammate
		if err := json.Unmarshal(raw, &tm); err != nil {
			return nil, safeDecodeError(path, err)
		}
		if tm.Contact.ID <= 0 {
			return nil, &fieldError{field: path + ".contact.id", want: "a positive id"}
		}
		team = append(team, tm)
	}
	return team, nil
}

// jsonString returns raw as a string, or "" when it is not a JSON string
// (an object there is not worth showing, and may echo a secret).
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// fieldError is a response value of the wrong shape. It names the field
// and the expected shape, never the value.
type fieldError struct{ field, want string }

func (e *fieldError) Error() string { return "decoding " + e.field + ": want " + e.want }

// safeDecodeError rewrites a decoding error from encoding/json or time
// into a *fieldError under path. Their own messages quote the response
// ("number 123…", `parsing time "…"`), which may echo a secret, so they
// are not kept in the chain.
func safeDecodeError(path string, err error) error {
	var (
		fe *fieldError
		te *json.UnmarshalTypeError
		se *json.SyntaxError
		pe *time.ParseError
	)
	switch {
	case errors.As(err, &fe):
		return &fieldError{field: join(path, fe.field), want: fe.want}
	case errors.As(err, &te):
		return &fieldError{field: join(path, te.Field), want: te.Type.String() + jsonKind(te.Value)}
	case errors.As(err, &se):
		return fmt.Errorf("decoding %s: malformed JSON at byte %d", cmp.Or(path, "the body"), se.Offset)
	case errors.As(err, &pe):
		// LastLog.CreateDatetime is the only time in a Teammate.
		return &fieldError{field: join(path, "last_log.create_datetime"), want: "an RFC 3339 time"}
	}
	return &fieldError{field: cmp.Or(path, "the body"), want: "the documented shape"}
}

// jsonKind is ", got <kind>" for the kind json names in
// UnmarshalTypeError.Value, without the literal it may append.
func jsonKind(value string) string {
	kind, _, _ := strings.Cut(value, " ")
	switch kind {
	case "string", "number", "bool", "array", "object", "null":
		return ", got " + kind
	}
	return ""
}

func join(path, field string) string {
	switch {
	case path == "":
		return field
	case field == "":
		return path
	}
	return path + "." + field
}
