package worksection

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/go-querystring/query"

	"github.com/worksection-go/worksection/internal/auth"
)

// rawJSON is a parameter whose value is JSON text (update_users_schedule's
// data): a string in a query, embedded as JSON in a JSON body.
type rawJSON string

// encodeQuery renders action and params (a struct with `url` tags, read by
// go-querystring, or nil) as the exact query string that is signed and
// sent: action first, then the fields in struct order, escaped as PHP's
// http_build_query escapes them (the vendor's SDK hashes that string).
func encodeQuery(action string, params any) (string, error) {
	var b strings.Builder
	b.WriteString("action=" + auth.Escape(action))
	if params == nil {
		return b.String(), nil
	}
	vals, err := query.Values(params)
	if err != nil {
		return "", fmt.Errorf("encode params: %w", err)
	}
	for _, f := range paramFields(params) {
		for _, v := range vals[f.name] {
			b.WriteString("&" + auth.Escape(f.name) + "=" + auth.Escape(v))
		}
	}
	return b.String(), nil
}

// jsonBody renders params as the JSON object the vendor's 2026 clients
// post: the fields the query would carry, in struct order, with integers,
// digit-only IDs and `int` booleans as JSON numbers, repeated values as
// arrays, and rawJSON embedded. No params (nil, or all omitted) give an
// empty body.
func jsonBody(params any) ([]byte, error) {
	if params == nil {
		return nil, nil
	}
	vals, err := query.Values(params)
	if err != nil || len(vals) == 0 {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	written := 0
	for _, f := range paramFields(params) {
		vs, ok := vals[f.name]
		if !ok {
			continue
		}
		written++
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		writeJSONString(&b, f.name)
		b.WriteByte(':')
		if err := f.write(&b, vs); err != nil {
			return nil, fmt.Errorf("encode %s: %w", f.name, err)
		}
	}
	if written != len(vals) { // a field paramFields does not see would be dropped
		return nil, errors.New("encode params: a field has no JSON body form")
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// paramField is a params struct field as it travels.
type paramField struct {
	name  string
	kind  paramKind
	multi bool // a slice sent as repeated values
}

type paramKind int

const (
	paramString paramKind = iota
	paramNumber           // integers and `int` booleans
	paramID               // a number when all digits, else a string
	paramRaw              // rawJSON
)

// paramFields lists the fields of params' struct type in order, named as
// go-querystring names them. The params types have no embedded structs.
func paramFields(params any) []paramField {
	t := reflect.TypeOf(params)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []paramField
	for sf := range t.Fields() {
		name, opts, _ := strings.Cut(sf.Tag.Get("url"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		f, ft := paramField{name: cmp.Or(name, sf.Name)}, sf.Type
		if ft.Kind() == reflect.Slice && !strings.Contains(opts, "comma") {
			f.multi, ft = true, ft.Elem()
		}
		switch {
		case ft == reflect.TypeFor[rawJSON]():
			f.kind = paramRaw
		case ft == reflect.TypeFor[ID]():
			f.kind = paramID
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Uint64,
			ft.Kind() == reflect.Bool && strings.Contains(opts, "int"):
			f.kind = paramNumber
		}
		out = append(out, f)
	}
	return out
}

func (f paramField) write(b *bytes.Buffer, vs []string) error {
	if !f.multi {
		return f.writeOne(b, vs[0])
	}
	b.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := f.writeOne(b, v); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

func (f paramField) writeOne(b *bytes.Buffer, v string) error {
	switch {
	case f.kind == paramRaw:
		if !json.Valid([]byte(v)) {
			return errors.New("not valid JSON")
		}
		return json.Compact(b, []byte(v))
	case f.kind == paramNumber, f.kind == paramID && digits(v):
		b.WriteString(v)
		return nil
	}
	writeJSONString(b, v)
	return nil
}

// digits reports a decimal integer that survives a round trip through a
// JSON number.
func digits(s string) bool {
	if s == "" || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

// writeJSONString writes s as a JSON string without escaping HTML
// characters, as PHP's and Python's encoders send them.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}
