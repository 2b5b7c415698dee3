package worksection

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/worksection-go/worksection/internal/transport"
)

// Every answer is an envelope, {"status":"ok","data":...} or
// {"status":"error","status_code":N,"message":"...","message_details":"..."},
// decoded from the stream, so memory follows the bytes received. No error
// quotes response bytes: a server can echo a credential.

var (
	errNotEnvelope = errors.New("response is not a JSON envelope")
	errData        = errors.New("decoding data") // an ok envelope whose data does not fit
)

// maxListItems bounds a list, and so its memory, whatever the body: the API
// answers at most 10,000 records per call.
const maxListItems = 100_000

// envelope is an answer's outer shape; OAuth's {"error","error_description"}
// is folded into it.
type envelope struct {
	OK      bool
	Code    int    // status_code
	Message string // message
	Details string // message_details
}

// dataDecoder decodes an ok envelope's data from the stream. decodeData's
// error is a data error unless streamBroken says the stream failed. missing
// is the error for an ok envelope without data, nil if that is fine.
type dataDecoder interface {
	decodeData(dec *json.Decoder, size int64) error // size: the body's declared length, or -1
	missing() error
}

// readEnvelope decodes the envelope from r and, in the same pass, its data
// with data (nil: skipped). An error envelope is no error, whatever its data.
func readEnvelope(r *transport.BodyReader, data dataDecoder) (envelope, error) {
	dec := json.NewDecoder(r)
	var h header
	var dataErr error
	if err := expect(dec, '{'); err != nil {
		return envelope{}, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return envelope{}, streamErr(err)
		}
		if key, _ := tok.(string); !strings.EqualFold(key, "data") {
			err = h.read(dec, key)
		} else {
			h.hasData, dataErr = true, nil // the last data key counts
			err = readData(dec, r.Size(), data, &dataErr)
		}
		if err != nil {
			return envelope{}, streamErr(err)
		}
	}
	if err := expect(dec, '}'); err != nil {
		return envelope{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return envelope{}, streamErr(cmp.Or(err, errors.New("more after the envelope")))
	}
	env, err := h.envelope()
	if data != nil && !h.hasData {
		dataErr = data.missing()
	}
	if err != nil || !env.OK || dataErr == nil {
		return env, err
	}
	return env, fmt.Errorf("%w: %w", errData, dataErr)
}

// readData decodes data with d (nil: skips it) into *dataErr or a stream error.
func readData(dec *json.Decoder, size int64, d dataDecoder, dataErr *error) error {
	if d == nil {
		return skip(dec)
	}
	err := d.decodeData(dec, size)
	if streamBroken(err) {
		return err
	}
	*dataErr = err
	return nil
}

// expect reads the delimiter want.
func expect(dec *json.Decoder, want json.Delim) error {
	if tok, err := dec.Token(); err != nil || tok != want {
		return streamErr(cmp.Or(err, fmt.Errorf("want %s", want)))
	}
	return nil
}

// skip reads a value whole and forgets it.
func skip(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}

// streamBroken reports a failure of the stream (a read, the body's limits,
// invalid JSON) rather than of the data.
func streamBroken(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, transport.ErrReadBody) || errors.Is(err, transport.ErrBodyTooLarge)
}

// streamErr is the error for a body unreadable as an envelope: read
// failures as they are, anything else errNotEnvelope, naming the offset only.
func streamErr(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, transport.ErrReadBody), errors.Is(err, transport.ErrBodyTooLarge):
		return err
	case errors.As(err, &se):
		return fmt.Errorf("%w: invalid JSON at byte %d", errNotEnvelope, se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: unexpected end of JSON input", errNotEnvelope)
	}
	return fmt.Errorf("%w: %w", errNotEnvelope, err)
}

// header holds the envelope's other keys as sent.
type header struct {
	status, code, message, details, oauthError, oauthDesc json.RawMessage
	hasData                                               bool
}

// read decodes key's value, matched ignoring case as encoding/json does.
func (h *header) read(dec *json.Decoder, key string) error {
	for _, f := range []struct {
		name string
		dst  *json.RawMessage
	}{{"status", &h.status}, {"status_code", &h.code}, {"message", &h.message}, {"message_details", &h.details},
		{"error", &h.oauthError}, {"errorDescription", &h.oauthDesc}, {"error_description", &h.oauthDesc}} {
		if strings.EqualFold(key, f.name) {
			return dec.Decode(f.dst)
		}
	}
	return skip(dec)
}

// envelope reads the status fields.
func (h *header) envelope() (envelope, error) {
	status, _, err := scalar(h.status)
	if err != nil {
		return envelope{}, fmt.Errorf("%w: status: %w", errNotEnvelope, err)
	}
	env := envelope{Message: text(h.message), Details: text(h.details)}
	switch {
	case strings.EqualFold(status, "ok"):
		env.OK = true
	case strings.EqualFold(status, "error"):
		// A non-integer code is 0: the message still says what went wrong.
		code, _, _ := scalar(h.code)
		env.Code, _ = strconv.Atoi(code)
	case status == "" && len(h.oauthError) > 0 && !isNull(h.oauthError):
		// OAuth: the description is the message, the code the details.
		env.Details = text(h.oauthError)
		env.Message = cmp.Or(text(h.oauthDesc), env.Message, env.Details)
	case status == "":
		return envelope{}, fmt.Errorf(`%w: status "": want ok or error`, errNotEnvelope)
	default:
		return envelope{}, fmt.Errorf("%w: status: want ok or error", errNotEnvelope)
	}
	return env, nil
}

// text renders a free-form field as a string: scalars as written, arrays
// joined with ", ", anything else as compact JSON. It never fails.
func text(raw []byte) string {
	if s, _, err := scalar(raw); err == nil {
		return s
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		parts := make([]string, 0, len(list))
		for _, item := range list {
			parts = append(parts, text(item))
		}
		return strings.Join(parts, ", ")
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return string(raw)
}

// describe names what a data error wants, never the value: encoding/json's
// type errors become "field F: want K".
func describe(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	want := map[reflect.Kind]string{reflect.String: "a string", reflect.Bool: "a boolean", reflect.Struct: "an object",
		reflect.Map: "an object", reflect.Slice: "an array", reflect.Array: "an array"}[te.Type.Kind()]
	if want == "" {
		want = "a number"
	}
	if te.Field == "" {
		return errors.New("want " + want)
	}
	// The path's last part is the key; earlier ones may be Go names.
	return fmt.Errorf("field %s: want %s", te.Field[strings.LastIndex(te.Field, ".")+1:], want)
}
