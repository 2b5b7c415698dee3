package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/worksection-go/worksection/internal/transport"
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
	Data       json.RawMessage // the data as sent, when decoded without a result (out == nil)
}

// ErrData reports an ok envelope whose data does not fit the result type.
var ErrData = errors.New("decoding data")

// The envelope keys, matched like encoding/json matches struct fields.
const (
	keyStatus = iota
	keyStatusCode
	keyMessage
	keyDetails
	keyData
	keyError
	keyErrorDescription
	keyErrorDescSnake
	numKeys
)

var envelopeKeys = newNames("status", "status_code", "message", "message_details", "data",
	"error", "errorDescription", "error_description")

// sink receives an ok envelope's data as it is read: List, One, or a raw
// copy.
type sink interface {
	reset()
	data(d *Dec) error
	finish(d *Dec) // after the envelope, to refuse a missing data
}

type rawSink struct{ raw json.RawMessage }

func (s *rawSink) reset()        { s.raw = nil }
func (s *rawSink) finish(d *Dec) {}
func (s *rawSink) data(d *Dec) error {
	return d.run(func() (err error) { s.raw, err = d.raw(); return err })
}

// DecodeEnvelope decodes the envelope only; Data is a copy of the data.
func DecodeEnvelope(body []byte) (Envelope, error) { return Decode(body, nil) }

// Decode decodes the envelope in body and, in the same pass, its data into
// out: a *List or *One, nil to keep the data raw in Envelope.Data, or any
// other pointer for encoding/json. An error envelope is returned without
// error (its data does not matter); a body that is not an envelope is
// ErrNotEnvelope, and data of the wrong shape ErrData. No error quotes the
// body: it can echo a credential.
func Decode(body []byte, out any) (Envelope, error) {
	d := newDec(body)
	d.size = int64(len(body))
	return d.decode(out)
}

// Body describes a body DecodeReader read: its first bytes, for an
// excerpt in an error message, and its length so far.
type Body struct {
	Head  []byte
	Bytes int64
}

// DecodeReader is Decode reading from r, at most limit bytes, without
// holding the whole body: a list's elements are decoded as they arrive.
// size is the body's declared length (Content-Length), -1 if unknown; it
// only sizes the result. Reading more than limit bytes fails with
// transport.ErrBodyTooLarge, a failed read with transport.ErrReadBody.
func DecodeReader(r io.Reader, limit, size int64, out any) (Envelope, Body, error) {
	d := newStreamDec(r, limit, size)
	env, err := d.decode(out)
	return env, Body{Head: d.Head(), Bytes: d.total}, err
}

func (d *Dec) decode(out any) (Envelope, error) {
	var s sink
	switch o := out.(type) {
	case sink:
		s = o
	default:
		s = &rawSink{}
	}
	s.reset() // an earlier attempt may have filled it
	var raw [numKeys]json.RawMessage
	key := -1
	err := d.stream('{', func(k []byte) { key = envelopeKeys.index(k, 0) }, func() error {
		switch key {
		case keyData:
			s.reset()
			return s.data(d)
		case -1:
			return d.run(d.Skip)
		}
		return d.run(func() (err error) { raw[key], err = d.raw(); return err })
	})
	if err == nil {
		err = d.end()
	}
	if err == nil {
		s.finish(d)
	}
	switch {
	case errors.Is(err, transport.ErrReadBody) || errors.Is(err, transport.ErrBodyTooLarge):
		return Envelope{}, err
	case err != nil:
		return Envelope{}, fmt.Errorf("%w: %w", ErrNotEnvelope, err)
	}
	env, err := header(&raw)
	rs, isRaw := s.(*rawSink)
	if isRaw && out == nil && err == nil {
		env.Data = rs.raw
	}
	if err != nil || !env.OK {
		return env, err
	}
	if d.dataErr != nil {
		return env, fmt.Errorf("%w: %w", ErrData, d.dataErr)
	}
	if isRaw && out != nil && len(rs.raw) > 0 && json.Unmarshal(rs.raw, out) != nil {
		// encoding/json's errors can quote the data; name the type only.
		return env, fmt.Errorf("%w: data does not fit %T", ErrData, out)
	}
	return env, nil
}

// header reads the envelope's status fields.
func header(raw *[numKeys]json.RawMessage) (Envelope, error) {
	if string(raw[keyStatus]) == `"ok"` && raw[keyMessage] == nil { // the common case, without allocating
		return Envelope{OK: true}, nil
	}
	status, err := Scalar(raw[keyStatus])
	if err != nil {
		return Envelope{}, fmt.Errorf("%w: status: %w", ErrNotEnvelope, err)
	}
	env := Envelope{Message: Text(raw[keyMessage]), Details: Text(raw[keyDetails])}
	switch {
	case strings.EqualFold(status, "ok"):
		env.OK = true
	case strings.EqualFold(status, "error"):
	case status == "" && len(raw[keyError]) > 0 && string(raw[keyError]) != "null":
		// OAuth server shape: the description is the message, the error
		// code (invalid_grant, ...) the details.
		env.Details = Text(raw[keyError])
		env.Message = firstNonEmpty(Text(raw[keyErrorDescription]), Text(raw[keyErrorDescSnake]), env.Message, env.Details)
		return env, nil
	default:
		if status == "" {
			return Envelope{}, fmt.Errorf(`%w: status "": want ok or error`, ErrNotEnvelope)
		}
		return Envelope{}, fmt.Errorf("%w: status: want ok or error", ErrNotEnvelope)
	}
	if code, err := Scalar(raw[keyStatusCode]); err == nil && code != "" {
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

// Scalar returns a JSON string's value or a JSON number's literal text.
// Absent and null give "". Anything else is an error naming the kind
// wanted, never the value.
func Scalar(raw []byte) (s string, err error) {
	return s, decodeScalar(raw, func(d *Dec) error { return d.Scalar(&s) })
}

// Float decodes a number or a numeric string. Absent, null and "" give nil.
func Float(raw []byte) (f *float64, err error) {
	return f, decodeScalar(raw, func(d *Dec) error { return d.Float(&f) })
}

func decodeScalar(raw []byte, fn func(d *Dec) error) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	return DecodeValue(raw, fn)
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
