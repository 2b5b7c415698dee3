package cli

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// One record has one shape everywhere: the tool's JSON is encoded here,
// with every field present whatever its omitempty says (an empty string
// as "", an absent number or time as null), every list a list ([] when
// empty, never null) and every map an object ({} when empty). A script
// can then read .phone or .emails without checking that they are there.

// shapeJSON encodes v compactly in that shape.
func shapeJSON(v any) ([]byte, error) {
	return appendShaped(nil, reflect.ValueOf(v))
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func appendShaped(b []byte, v reflect.Value) ([]byte, error) {
	if !v.IsValid() {
		return append(b, "null"...), nil
	}
	t := v.Type()
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && (t.Implements(jsonMarshaler) || t.Implements(textMarshaler)) {
		return appendMarshaled(b, v.Interface()) // time.Time and the like: their own form
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		return appendShaped(b, v.Elem())
	case reflect.Struct:
		return appendStruct(b, v)
	case reflect.Slice, reflect.Array:
		return appendList(b, v)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return appendMarshaled(b, v.Interface())
		}
		return appendMap(b, v)
	}
	return appendMarshaled(b, v.Interface())
}

// appendList writes a slice or array; a nil slice is [].
func appendList(b []byte, v reflect.Value) ([]byte, error) {
	b = append(b, '[')
	for i := range v.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendShaped(b, v.Index(i)); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendMarshaled(b []byte, v any) ([]byte, error) {
	out, err := json.Marshal(v)
	return append(b, out...), err
}

func appendStruct(b []byte, v reflect.Value) ([]byte, error) {
	b = append(b, '{')
	for i, f := range jsonFields(v.Type()) {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, f.name)
		b = append(b, ':')
		fv, err := v.FieldByIndexErr(f.index)
		if err != nil { // through a nil embedded pointer
			fv = reflect.Value{}
		}
		if b, err = appendShaped(b, fv); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendMap(b []byte, v reflect.Value) ([]byte, error) {
	keys := v.MapKeys()
	slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendMarshaled(b, k.String()); err != nil {
			return nil, err
		}
		b = append(b, ':')
		if b, err = appendShaped(b, v.MapIndex(k)); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// jsonField is one field of a struct's JSON: its name and where it is.
type jsonField struct {
	name  string
	index []int
	depth int
}

// jsonFields lists the fields encoding/json would write for struct type t,
// in its order: exported fields by their tag's name, "-" left out, the
// fields of an embedded struct in its place, a name at a shallower depth
// winning over the same name deeper down.
func jsonFields(t reflect.Type) []jsonField {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	all := collectFields(t, nil)
	best := map[string]int{} // name: the smallest depth
	for _, f := range all {
		if d, ok := best[f.name]; !ok || f.depth < d {
			best[f.name] = f.depth
		}
	}
	out := make([]jsonField, 0, len(all))
	for _, f := range all {
		if best[f.name] == f.depth {
			best[f.name] = -1 // the first of equals
			out = append(out, f)
		}
	}
	return out
}

func collectFields(t reflect.Type, at []int) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" || !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		index := append(slices.Clone(at), i)
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			out = append(out, collectFields(ft, index)...)
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, jsonField{name: name, index: index, depth: len(at)})
	}
	return out
}

// decodeJSON reads shaped JSON into plain values (numbers as json.Number,
// exact), for --jq and for table cells.
func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// cellText is a JSON value as a table or CSV cell: text as is, lists
// comma-separated, objects as compact JSON, null empty.
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = cellText(e)
		}
		return strings.Join(parts, ", ")
	}
	b, _ := json.Marshal(v) // an object of decoded JSON always encodes
	return string(b)
}
