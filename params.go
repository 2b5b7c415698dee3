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

// encodeQuery renders action and params (a struct with `url` tags, or nil)
// as the query signed and sent: action first, then the fields in struct
// order, escaped as PHP's http_build_query does (the md5 hash covers it).
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
// post: the query's fields in struct order, integers, digit-only IDs and
// `int` booleans as numbers, repeated values as arrays, rawJSON embedded,
// HTML unescaped (as PHP and Python send it). No params: an empty body.
func jsonBody(params any) ([]byte, error) {
	if params == nil {
		return nil, nil
	}
	vals, err := query.Values(params)
	if err != nil || len(vals) == 0 {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	sep := "{"
	for _, f := range paramFields(params) {
		vs, ok := vals[f.name]
		if !ok {
			continue
		}
		delete(vals, f.name)
		v, err := f.value(vs)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", f.name, err)
		}
		b.WriteString(sep)
		sep = ","
		_ = enc.Encode(f.name) // a string always encodes
		b.Truncate(b.Len() - 1)
		b.WriteByte(':')
		if err := enc.Encode(v); err != nil {
			return nil, fmt.Errorf("encode %s: %w", f.name, err)
		}
		b.Truncate(b.Len() - 1)
	}
	if len(vals) > 0 { // a field paramFields does not see would be dropped
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

// paramFields lists params' struct fields in order, named as
// go-querystring names them (the params types embed no structs).
func paramFields(params any) []paramField {
	t := reflect.TypeOf(params)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	out := make([]paramField, 0, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
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

// value is what the field's values vs become in a JSON body.
func (f paramField) value(vs []string) (any, error) {
	one := func(v string) (any, error) {
		switch {
		case f.kind == paramRaw && !json.Valid([]byte(v)):
			return nil, errors.New("not valid JSON")
		case f.kind == paramRaw:
			return json.RawMessage(v), nil
		case f.kind == paramNumber, f.kind == paramID && digits(v):
			return json.Number(v), nil
		}
		return v, nil
	}
	if !f.multi {
		return one(vs[0])
	}
	list := make([]any, len(vs))
	for i, v := range vs {
		var err error
		if list[i], err = one(v); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// digits reports a decimal integer that survives a JSON number round trip.
func digits(s string) bool {
	if s == "" || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}
