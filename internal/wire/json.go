package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNotEnvelope reports a body that is not a Worksection JSON envelope.
var ErrNotEnvelope = errors.New("response is not a JSON envelope")

// Envelope is the outer shape of every Worksection response:
// {"status":"ok","data":...} or {"status":"error","status_code":N,
// "message":"...","message_details":"..."}. OAuth-style bodies
// ({"error":"...","errorDescription":"..."}) are folded into the same shape.
type Envelope struct {
	OK         bool
	StatusCode int
	Message    string
	Details    string
	Data       json.RawMessage
}

// envelopeOf is the wire envelope with data decoded as D: json.RawMessage
// to look at it later, or any holding the caller's pointer to decode in
// the same pass.
type envelopeOf[D any] struct {
	Status           json.RawMessage `json:"status"`
	StatusCode       json.RawMessage `json:"status_code"`
	Message          json.RawMessage `json:"message"`
	MessageDetails   json.RawMessage `json:"message_details"`
	Data             D               `json:"data"`
	Error            json.RawMessage `json:"error"`
	ErrorDescription json.RawMessage `json:"errorDescription"`
	ErrorDescSnake   json.RawMessage `json:"error_description"`
}

// ErrData reports an ok envelope whose data does not fit the result type.
var ErrData = errors.New("decoding data")

// DecodeEnvelope decodes the envelope only; Data stays raw for the caller.
func DecodeEnvelope(body []byte) (Envelope, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return Envelope{}, ErrNotEnvelope
	}
	var raw envelopeOf[json.RawMessage]
	if err := json.Unmarshal(body, &raw); err != nil {
		return Envelope{}, fmt.Errorf("%w: %w", ErrNotEnvelope, err)
	}
	env, err := header(&raw)
	env.Data = raw.Data
	return env, err
}

// Decode decodes the envelope and, in the same pass, its data into out (a
// pointer, or nil to skip data). Only when that fails does it decode the
// envelope alone, to tell an error envelope (returned without error) from
// a body that is no envelope (ErrNotEnvelope) or data of the wrong shape
// (ErrData).
func Decode(body []byte, out any) (Envelope, error) {
	switch o := out.(type) {
	case nil:
		return DecodeEnvelope(body)
	case ListSink:
		return decodeList(body, o)
	}
	e := envelopeOf[any]{Data: out}
	if err := json.Unmarshal(body, &e); err != nil {
		return classify(body, err)
	}
	return header(&e)
}

// classify explains a failed one-pass decode by decoding the envelope
// alone: no envelope at all, an ok envelope whose data did not fit
// (ErrData), or an error envelope (returned without error; its data does
// not matter).
func classify(body []byte, decodeErr error) (Envelope, error) {
	env, err := DecodeEnvelope(body)
	switch {
	case err != nil:
		return Envelope{}, err
	case env.OK:
		return env, fmt.Errorf("%w: %w", ErrData, decodeErr)
	}
	return env, nil
}

// header reads the envelope's status fields.
func header[D any](raw *envelopeOf[D]) (Envelope, error) {
	if string(raw.Status) == `"ok"` && raw.Message == nil { // the common case, without allocating
		return Envelope{OK: true}, nil
	}
	status, err := Scalar(raw.Status)
	if err != nil {
		return Envelope{}, fmt.Errorf("%w: status: %w", ErrNotEnvelope, err)
	}
	env := Envelope{Message: Text(raw.Message), Details: Text(raw.MessageDetails)}
	switch {
	case strings.EqualFold(status, "ok"):
		env.OK = true
	case strings.EqualFold(status, "error"):
	case status == "" && len(raw.Error) > 0 && !isNull(raw.Error):
		// OAuth server shape: the description is the message, the error
		// code (invalid_grant, ...) the details.
		env.Details = Text(raw.Error)
		env.Message = firstNonEmpty(Text(raw.ErrorDescription), Text(raw.ErrorDescSnake), env.Message, env.Details)
		return env, nil
	default:
		return Envelope{}, fmt.Errorf("%w: status %q", ErrNotEnvelope, status)
	}
	if code, err := Scalar(raw.StatusCode); err == nil && code != "" {
		// A non-integer code is kept as 0 rather than failing the decode:
		// the message still says what went wrong.
		env.StatusCode, _ = strconv.Atoi(code)
	}
	return env, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func isNull(raw []byte) bool { return string(bytes.TrimSpace(raw)) == "null" }

// Scalar returns a JSON string's value or a JSON number's literal text.
// Absent and null give "". Anything else is an error.
func Scalar(raw []byte) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return "", nil
	}
	switch c := raw[0]; {
	case c == '"':
		// Fast path: no escapes means the bytes between quotes are the value.
		if len(raw) >= 2 && raw[len(raw)-1] == '"' {
			if inner := raw[1 : len(raw)-1]; plainASCII(inner) {
				return string(inner), nil
			}
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case c == '-' || '0' <= c && c <= '9':
		if !json.Valid(raw) {
			return "", fmt.Errorf("invalid number %.20q", raw)
		}
		return string(raw), nil
	default:
		return "", fmt.Errorf("want a string or number, got %.20s", raw)
	}
}

// plainASCII reports whether b needs no JSON unescaping or UTF-8 repair.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x80 || c == '\\' || c == '"' {
			return false
		}
	}
	return true
}

// Float decodes a number or a numeric string. Absent, null and "" give nil.
func Float(raw []byte) (*float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && (raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9') {
		// A JSON number: parse the bytes without making a string first.
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return nil, fmt.Errorf("want a number, got %.20q", raw)
		}
		return &f, nil
	}
	s, err := Scalar(raw)
	if err != nil {
		return nil, err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("want a number or numeric string, got %.20q", s)
	}
	return &f, nil
}

// Bool decodes true/false, 0/1 and their string forms. Absent, null and ""
// give false.
func Bool(raw []byte) (bool, error) {
	raw = bytes.TrimSpace(raw)
	switch string(raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	s, err := Scalar(raw)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, fmt.Errorf("want 0 or 1, got %.20q", s)
}

// EmptyArray reports whether raw is PHP's [] standing in for an empty object.
func EmptyArray(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '[' || raw[len(raw)-1] != ']' {
		return false
	}
	return len(bytes.TrimSpace(raw[1:len(raw)-1])) == 0
}

// Text renders a free-form field (message, message_details) as a string:
// strings as is, numbers as written, arrays of scalars joined with ", ", and
// anything else as compact JSON. It never fails.
func Text(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if s, err := Scalar(raw); err == nil {
		return s
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		parts := make([]string, 0, len(list))
		for _, item := range list {
			parts = append(parts, Text(item))
		}
		return strings.Join(parts, ", ")
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return string(raw)
}

// OptionalFloat decodes a number or numeric string into V; absent, null
// and "" leave V nil.
type OptionalFloat struct{ V *float64 }

// UnmarshalJSON implements json.Unmarshaler.
func (f *OptionalFloat) UnmarshalJSON(b []byte) error {
	v, err := Float(b)
	f.V = v
	return err
}

// OneOrFirst accepts an object or an array of objects and returns the object
// (the first one). An empty array gives nil.
func OneOrFirst(raw []byte) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		return raw, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list[0], nil
}
