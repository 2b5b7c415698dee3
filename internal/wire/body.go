package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/go-querystring/query"
)

// RawJSON is a parameter whose value is JSON text (update_users_schedule's
// data): a string in a query, embedded as JSON in a JSON body.
type RawJSON string

// JSONBody renders params as the JSON object the vendor's 2026 clients
// post: the fields the query would carry, in struct order, with integers,
// digit-only IDs and `int` booleans as JSON numbers, repeated values as
// arrays, and RawJSON embedded. No params (nil, or all omitted) give an
// empty body.
func JSONBody(params any) ([]byte, error) {
	if params == nil {
		return nil, nil
	}
	vals, err := query.Values(params)
	if err != nil {
		return nil, fmt.Errorf("encode params: %w", err)
	}
	if len(vals) == 0 {
		return nil, nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for _, f := range bodyFields(reflect.TypeOf(params)) {
		vs, ok := vals[f.name]
		if !ok {
			continue
		}
		delete(vals, f.name)
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		writeJSONString(&b, f.name)
		b.WriteByte(':')
		if err := f.write(&b, vs); err != nil {
			return nil, fmt.Errorf("encode %s: %w", f.name, err)
		}
	}
	if len(vals) > 0 {
		// A field shape bodyFields does not know would be silently dropped.
		return nil, fmt.Errorf("encode params: fields %v have no JSON body form", keys(vals))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type bodyField struct {
	name  string
	kind  bodyKind
	multi bool // a slice sent as repeated values
}

type bodyKind int

const (
	bodyString bodyKind = iota
	bodyNumber          // integers and `int` booleans
	bodyID              // a number when all digits, else a string
	bodyRaw             // RawJSON
)

func bodyFields(t reflect.Type) []bodyField {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []bodyField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := strings.Split(sf.Tag.Get("url"), ",")
		name := tag[0]
		switch name {
		case "-":
			continue
		case "":
			name = sf.Name
		}
		opts := strings.Join(tag[1:], ",")
		ft := sf.Type
		f := bodyField{name: name}
		if ft.Kind() == reflect.Slice && !strings.Contains(opts, "comma") {
			f.multi, ft = true, ft.Elem()
		}
		switch {
		case ft == reflect.TypeFor[RawJSON]():
			f.kind = bodyRaw
		case ft.Name() == "ID" && ft.Kind() == reflect.String:
			f.kind = bodyID
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Uint64,
			ft.Kind() == reflect.Bool && strings.Contains(opts, "int"):
			f.kind = bodyNumber
		}
		out = append(out, f)
	}
	return out
}

func (f bodyField) write(b *bytes.Buffer, vs []string) error {
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

func (f bodyField) writeOne(b *bytes.Buffer, v string) error {
	switch {
	case f.kind == bodyRaw:
		if !json.Valid([]byte(v)) {
			return fmt.Errorf("not valid JSON")
		}
		return json.Compact(b, []byte(v))
	case f.kind == bodyNumber, f.kind == bodyID && digits(v):
		b.WriteString(v)
		return nil
	}
	writeJSONString(b, v)
	return nil
}

func digits(s string) bool {
	if s == "" || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// writeJSONString writes s as a JSON string without escaping HTML
// characters, as PHP's and Python's encoders send them.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
