// Package wire holds the Worksection wire format: the PHP-compatible query
// encoding that signatures are computed over, the response envelope, and the
// tolerant scalar decoders the real API needs.
package wire

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/google/go-querystring/query"
)

// Encoder renders query strings. The first call for a params type builds
// an encoding plan (fields, escaped names, options) from its `url` tags,
// so later calls only read field values; types the plan does not cover
// are encoded by go-querystring. The zero value is ready to use and safe
// for concurrent use.
type Encoder struct {
	plans sync.Map // reflect.Type -> *plan (nil: use go-querystring)
}

// Encode renders action and params as the exact query string that is
// signed and sent: action first, then params in struct field order, escaped
// like PHP's http_build_query (space as '+', '@' as %40, '~' as %7E).
// params may be nil or a struct (or pointer to one) with `url` tags, read
// as github.com/google/go-querystring reads them.
func (e *Encoder) Encode(action string, params any) (string, error) {
	var b strings.Builder
	b.Grow(128)
	b.WriteString("action=")
	writeEscaped(&b, action)
	if params == nil {
		return b.String(), nil
	}
	v := reflect.ValueOf(params)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		if p := e.plan(v.Type()); p != nil {
			p.write(&b, v)
			return b.String(), nil
		}
	}
	if err := encodeValues(&b, params); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (e *Encoder) plan(t reflect.Type) *plan {
	if p, ok := e.plans.Load(t); ok {
		return p.(*plan)
	}
	p := newPlan(t)
	e.plans.Store(t, p)
	return p
}

// encodeValues is the general path: go-querystring's values in struct
// field order, then anything it produced that the field walk did not
// name (embedded structs) in a stable order, so nothing is dropped.
func encodeValues(b *strings.Builder, params any) error {
	vals, err := query.Values(params)
	if err != nil {
		return fmt.Errorf("encode params: %w", err)
	}
	write := func(name string) {
		for _, v := range vals[name] {
			b.WriteByte('&')
			writeEscaped(b, name)
			b.WriteByte('=')
			writeEscaped(b, v)
		}
		delete(vals, name)
	}
	for _, name := range fieldNames(reflect.TypeOf(params)) {
		write(name)
	}
	rest := make([]string, 0, len(vals))
	for name := range vals {
		rest = append(rest, name)
	}
	slices.Sort(rest)
	for _, name := range rest {
		write(name)
	}
	return nil
}

func fieldNames(t reflect.Type) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("url"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// plan is a params type's encoding, worked out once from its tags.
type plan struct{ fields []planField }

type planField struct {
	index     int
	prefix    string // "&" + escaped name + "="; for repeated slices the escaped name
	omitEmpty bool
	asInt     bool   // bool as 1/0 (the `int` option)
	slice     bool   // a slice or array, of elements of a planned kind
	sep       string // a slice's separator (`comma`, ...); "" repeats the name
	sprint    bool   // the type formats itself: fmt.Sprint, as go-querystring
}

var (
	stringerType  = reflect.TypeFor[fmt.Stringer]()
	formatterType = reflect.TypeFor[fmt.Formatter]()
	errorType     = reflect.TypeFor[error]()
	encoderType   = reflect.TypeFor[query.Encoder]()
)

// newPlan returns t's plan, or nil when a field needs go-querystring:
// pointers, structs (time.Time, nested, embedded), maps, floats, custom
// encoders, brackets or numbered slices, a repeated name.
func newPlan(t reflect.Type) *plan {
	p := &plan{}
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil
		}
		tag := sf.Tag.Get("url")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f, ok := planFor(sf, strings.Split(opts, ","))
		if !ok || seen[name] {
			return nil
		}
		seen[name] = true
		f.index, f.prefix = i, "&"+Escape(name)+"="
		if f.slice && f.sep == "" {
			f.prefix = Escape(name)
		}
		p.fields = append(p.fields, f)
	}
	return p
}

func planFor(sf reflect.StructField, opts []string) (planField, bool) {
	t := sf.Type
	f := planField{omitEmpty: slices.Contains(opts, "omitempty"), asInt: slices.Contains(opts, "int")}
	if t.Implements(encoderType) || reflect.PointerTo(t).Implements(encoderType) {
		return f, false
	}
	if k := t.Kind(); k == reflect.Slice || k == reflect.Array {
		f.slice = true
		switch {
		case slices.Contains(opts, "comma"):
			f.sep = ","
		case slices.Contains(opts, "space"):
			f.sep = " "
		case slices.Contains(opts, "semicolon"):
			f.sep = ";"
		case slices.Contains(opts, "brackets") || slices.Contains(opts, "numbered"):
			return f, false
		default:
			f.sep = sf.Tag.Get("del")
		}
		return f, scalarKind(t.Elem().Kind()) && !formats(t.Elem())
	}
	f.sprint = formats(t)
	return f, scalarKind(t.Kind())
}

// formats reports whether fmt.Sprint would call a method of t.
func formats(t reflect.Type) bool {
	return t.Implements(stringerType) || t.Implements(formatterType) || t.Implements(errorType)
}

func scalarKind(k reflect.Kind) bool {
	switch k {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func (p *plan) write(b *strings.Builder, v reflect.Value) {
	for i := range p.fields {
		f := &p.fields[i]
		fv := v.Field(f.index)
		switch {
		case f.slice:
			f.writeSlice(b, fv)
		case f.omitEmpty && fv.IsZero():
		default:
			b.WriteString(f.prefix)
			f.writeValue(b, fv)
		}
	}
}

func (f *planField) writeSlice(b *strings.Builder, v reflect.Value) {
	n := v.Len()
	if n == 0 { // go-querystring skips empty slices, omitempty or not
		return
	}
	if f.sep == "" {
		for i := range n {
			b.WriteByte('&')
			b.WriteString(f.prefix)
			b.WriteByte('=')
			f.writeValue(b, v.Index(i))
		}
		return
	}
	b.WriteString(f.prefix)
	for i := range n {
		if i > 0 {
			writeEscaped(b, f.sep)
		}
		f.writeValue(b, v.Index(i))
	}
}

// writeValue writes v's text as go-querystring gives it, escaped.
func (f *planField) writeValue(b *strings.Builder, v reflect.Value) {
	var buf [24]byte
	switch {
	case v.Kind() == reflect.Bool && f.asInt:
		b.WriteByte("01"[bool2int(v.Bool())])
	case f.sprint:
		writeEscaped(b, fmt.Sprint(v.Interface()))
	case v.Kind() == reflect.String:
		writeEscaped(b, v.String())
	case v.Kind() == reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case v.CanInt():
		b.Write(strconv.AppendInt(buf[:0], v.Int(), 10))
	default:
		b.Write(strconv.AppendUint(buf[:0], v.Uint(), 10))
	}
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

const upperHex = "0123456789ABCDEF"

// Escape percent-encodes s the way PHP's urlencode does: letters, digits and
// "-_." stay, a space becomes '+', every other byte becomes %XX.
func Escape(s string) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			var b strings.Builder
			b.Grow(len(s) + 16)
			writeEscaped(&b, s)
			return b.String()
		}
	}
	return s
}

// writeEscaped writes s to b escaped as Escape does.
func writeEscaped(b *strings.Builder, s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			continue
		}
		b.WriteString(s[start:i])
		if c == ' ' {
			b.WriteByte('+')
		} else {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.'
}
