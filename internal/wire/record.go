package wire

import (
	"bytes"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// names matches JSON keys to a fixed list of names the way encoding/json
// matches struct fields: exactly, else ignoring case with Unicode folding.
type names struct {
	list   []string
	exact  map[string]int
	quoted []string // each name as a JSON string token, "" if it needs escaping
}

func newNames(list ...string) names {
	n := names{list: list, exact: make(map[string]int, len(list)), quoted: make([]string, len(list))}
	for i, s := range list {
		n.exact[s] = i
		if nextSpecial([]byte(s), 0) == len(s) {
			n.quoted[i] = `"` + s + `"`
		}
	}
	return n
}

// index returns the position of key's name, or -1. hint is the likeliest
// position (records repeat their key order), tried first.
func (n *names) index(key []byte, hint int) int {
	if hint < len(n.list) && string(key) == n.list[hint] {
		return hint
	}
	if i, ok := n.exact[string(key)]; ok {
		return i
	}
	for i, s := range n.list {
		if bytes.EqualFold(key, []byte(s)) {
			return i
		}
	}
	return -1
}

// Field decodes the value of one JSON key of a record into *T.
type Field[T any] struct {
	Name   string
	Decode func(d *Dec, v *T) error
	str    func(*T) *string // set by String: decoded without calling Decode
}

// Record decodes a JSON object into a T field by field. Unknown keys are
// skipped; a repeated key is decoded again (the last one wins).
type Record[T any] struct {
	names
	fields   []Field[T]
	required int             // index of a field the object must hold, or -1
	value    func(*T) string // reads the required field
}

// NewRecord returns the decoder for a record with the given fields.
func NewRecord[T any](fields ...Field[T]) *Record[T] {
	list := make([]string, len(fields))
	for i, f := range fields {
		list[i] = f.Name
	}
	return &Record[T]{names: newNames(list...), fields: fields, required: -1}
}

// Requiring makes name a field every object must hold, not null, empty
// or blank (a record's id, read by value): an object without it is a data
// error, so an empty object is never taken for a record, and a body cannot
// turn two bytes into one.
func (r *Record[T]) Requiring(name string, value func(*T) string) *Record[T] {
	r.required, r.value = r.index([]byte(name), 0), value
	return r
}

// Decode reads an object into v. Any other value is a data error.
func (r *Record[T]) Decode(d *Dec, v *T) error {
	c, err := d.ws()
	if err != nil {
		return err
	}
	if c != '{' {
		return d.mismatch("an object")
	}
	outer, outerField, next := d.record, d.field, 0
	d.record = &r.names
	seen := r.required < 0
	err = d.container('{', '}', func() error {
		i, err := r.key(d, next)
		if err != nil {
			return err
		}
		if i < 0 {
			return d.Skip()
		}
		seen = seen || i == r.required
		next, d.field = i+1, i
		f := &r.fields[i]
		if f.str != nil { // the common case, without a second indirect call
			return d.String(f.str(v))
		}
		return f.Decode(d, v)
	})
	if err == nil && r.required >= 0 && (!seen || strings.TrimSpace(r.value(v)) == "") {
		d.field = -1
		d.fail("an object with " + r.list[r.required])
	}
	d.record, d.field = outer, outerField
	return err
}

// key reads a member's key and colon and returns the field's index, or
// -1. Records repeat their key order, so the key after the last one read
// is compared first, as raw bytes: no scan, no lookup.
func (r *Record[T]) key(d *Dec, next int) (int, error) {
	if _, err := d.ws(); err != nil {
		return 0, err
	}
	if next < len(r.quoted) && r.quoted[next] != "" && bytes.HasPrefix(d.buf[d.pos:], []byte(r.quoted[next])) {
		d.pos += len(r.quoted[next])
		return next, d.expect(':')
	}
	k, err := d.key()
	if err != nil {
		return 0, err
	}
	return r.index(k, next), nil
}

// Unmarshal decodes data, one JSON value, into v with r: the
// json.Unmarshaler of a record type. null leaves v as it is.
func (r *Record[T]) Unmarshal(data []byte, v *T) error {
	return DecodeValue(data, func(d *Dec) error {
		if c, err := d.ws(); err == nil && c == 'n' {
			return d.literal("null")
		}
		return r.Decode(d, v)
	})
}

// DecodeValue runs fn over data, one whole JSON value, and reports a
// syntax error or the first data error: the core of the json.Unmarshaler
// of a type decoded with Dec.
func DecodeValue(data []byte, fn func(d *Dec) error) error {
	d := newDec(data)
	if err := d.run(func() error { return fn(d) }); err != nil {
		return err
	}
	if err := d.end(); err != nil {
		return err
	}
	return d.dataErr
}

// String decodes a string field; null leaves it as it was.
func String[T any](name string, field func(*T) *string) Field[T] {
	return Field[T]{Name: name, Decode: func(d *Dec, v *T) error { return d.String(field(v)) }, str: field}
}

// ID decodes a string or number field as text; null is "".
func ID[T any](name string, field func(*T) *string) Field[T] {
	return Field[T]{Name: name, Decode: func(d *Dec, v *T) error { return d.Scalar(field(v)) }}
}

// Number decodes a number or numeric string field; null and "" are nil.
func Number[T any](name string, field func(*T) **float64) Field[T] {
	return Field[T]{Name: name, Decode: func(d *Dec, v *T) error { return d.Float(field(v)) }}
}

// Flag decodes true/false, 0/1 or their strings; null and "" are false.
func Flag[T any](name string, field func(*T) *bool) Field[T] {
	return Field[T]{Name: name, Decode: func(d *Dec, v *T) error { return d.Bool(field(v)) }}
}

// Enum decodes a string or number field, mapping it to one of known
// ignoring case and surrounding space; an unknown value is kept as sent.
func Enum[T any](name string, known []string, field func(*T) *string) Field[T] {
	return Field[T]{Name: name, Decode: func(d *Dec, v *T) error { return d.Enum(field(v), known) }}
}

// mismatch records a value of the wrong kind and skips it.
func (d *Dec) mismatch(want string) error {
	d.fail(want)
	return d.Skip()
}

// fail records a value of the wrong kind (the first one counts).
func (d *Dec) fail(want string) {
	if d.dataErr == nil {
		field := ""
		if d.record != nil && d.field >= 0 {
			field = d.record.list[d.field]
		}
		d.dataErr = &DataError{Index: d.index, Field: field, Want: want}
	}
}

// String reads a string into dst; null leaves dst as it was.
func (d *Dec) String(dst *string) error {
	c, err := d.ws()
	switch {
	case err != nil:
		return err
	case c == '"':
		inner, esc, wide, err := d.quoted()
		if err == nil {
			*dst = d.text(inner, esc, wide)
		}
		return err
	case c == 'n':
		return d.literal("null")
	}
	return d.mismatch("a string")
}

// scalar reads a string's value or a number's text; null is "". ok is
// false (and the value skipped) for anything else.
func (d *Dec) scalar(want string) (s string, ok bool, err error) {
	c, err := d.ws()
	switch {
	case err != nil:
		return "", false, err
	case c == '"':
		inner, esc, wide, err := d.quoted()
		if err != nil {
			return "", false, err
		}
		return d.text(inner, esc, wide), true, nil
	case c == 'n':
		return "", true, d.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		n, err := d.number()
		return string(n), err == nil, err
	}
	return "", false, d.mismatch(want)
}

// Scalar reads a string or number as text into dst; null is "".
func (d *Dec) Scalar(dst *string) error {
	s, ok, err := d.scalar("a string or number")
	if ok {
		*dst = s
	}
	return err
}

// Float reads a number or numeric string into dst; null and "" are nil.
func (d *Dec) Float(dst **float64) error {
	const want = "a number or numeric string"
	if c, err := d.ws(); err != nil {
		return err
	} else if c == '-' || '0' <= c && c <= '9' {
		n, err := d.number()
		if err != nil {
			return err
		}
		f, perr := strconv.ParseFloat(string(n), 64)
		if perr != nil {
			d.fail(want)
			return nil
		}
		*dst = d.newFloat(f)
		return nil
	}
	s, ok, err := d.scalar(want)
	if !ok || err != nil {
		return err
	}
	if s = strings.TrimSpace(s); s == "" {
		*dst = nil
		return nil
	}
	f, perr := strconv.ParseFloat(s, 64)
	if perr != nil {
		d.fail(want)
		return nil
	}
	*dst = d.newFloat(f)
	return nil
}

// Bool reads true/false, 0/1 or their strings into dst; null and "" are
// false.
func (d *Dec) Bool(dst *bool) error {
	const want = "a boolean, 0 or 1"
	if c, err := d.ws(); err != nil {
		return err
	} else if c == 't' || c == 'f' {
		*dst = c == 't'
		if c == 't' {
			return d.literal("true")
		}
		return d.literal("false")
	}
	s, ok, err := d.scalar(want)
	if !ok || err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false":
		*dst = false
	case "1", "true":
		*dst = true
	default:
		d.fail(want)
	}
	return nil
}

// Enum reads a string or number into dst as one of known, matched
// ignoring case and surrounding space, or as sent; null is "".
func (d *Dec) Enum(dst *string, known []string) error {
	if c, err := d.ws(); err != nil {
		return err
	} else if c == '"' {
		start := d.pos
		inner, esc, wide, err := d.quoted()
		if err != nil {
			return err
		}
		if !esc && !wide { // known values map to constants without a copy
			if k, ok := canonicalASCII(inner, known); ok {
				*dst = k
				return nil
			}
		}
		d.pos = start
	}
	s, ok, err := d.scalar("a string")
	if ok {
		*dst = s
		if k, ok := Canonical([]byte(s), known); ok {
			*dst = k
		}
	}
	return err
}

// Canonical returns the one of known that s names, ignoring case and
// surrounding space.
func Canonical(s []byte, known []string) (string, bool) {
	t := bytes.TrimSpace(s)
	for _, k := range known {
		if bytes.EqualFold(t, []byte(k)) {
			return k, true
		}
	}
	return "", false
}

// canonicalASCII is Canonical for ASCII s, where only names of the same
// length can match.
func canonicalASCII(s []byte, known []string) (string, bool) {
	t := bytes.TrimSpace(s)
	for _, k := range known {
		if len(t) == len(k) && bytes.EqualFold(t, []byte(k)) {
			return k, true
		}
	}
	return "", false
}

// StringMap reads an object of scalars into dst, any other member value
// as its text (see Text); [] and null give nil.
func (d *Dec) StringMap(dst *map[string]string) error {
	c, err := d.ws()
	switch {
	case err != nil:
		return err
	case c == 'n':
		*dst = nil
		return d.literal("null")
	case c == '[':
		*dst = nil
		return d.emptyArray()
	case c != '{':
		return d.mismatch("an object")
	}
	m := map[string]string{}
	err = d.Object(func(key []byte) error {
		k := string(key)
		raw, err := d.raw()
		m[k] = Text(raw)
		return err
	})
	*dst = m
	return err
}

// Null consumes a null and reports true, or reports false and consumes
// nothing.
func (d *Dec) Null() (bool, error) {
	c, err := d.ws()
	if err != nil || c != 'n' {
		return false, err
	}
	return true, d.literal("null")
}

// EmptyObject reads PHP's [] standing in for an empty object: it reports
// true after consuming [], false (consuming nothing) for any other value.
// A non-empty array is a data error.
func (d *Dec) EmptyObject() (bool, error) {
	c, err := d.ws()
	if err != nil || c != '[' {
		return false, err
	}
	return true, d.emptyArray()
}

func (d *Dec) emptyArray() error {
	n := 0
	err := d.Array(func() error { n++; return d.Skip() })
	if n > 0 {
		d.fail("an object")
	}
	return err
}

// MaxListItems bounds a list's length, so memory for a list stays bounded
// whatever the body (a User takes about 330 bytes): the API answers at
// most 10,000 records per call.
const MaxListItems = 100_000

// List collects a list response's elements: data as an array, as PHP's
// object keyed by id (its values are the elements), or null (no
// elements). Each element is decoded through the wire record W, reused,
// and converted to T; a null element is a data error.
type List[W, T any] struct {
	Rec   *Record[W]
	Conv  func(*W) T
	Items []T
	w     W
	seen  bool
}

func (l *List[W, T]) reset() { l.Items, l.seen = l.Items[:0], false }

// finish refuses an ok answer with no data at all: an empty list is [],
// and reading no key as one would report an empty account.
func (l *List[W, T]) finish(d *Dec) {
	if !l.seen {
		d.fail("a list")
	}
}

func (l *List[W, T]) data(d *Dec) error {
	l.seen = true
	var c byte
	if err := d.run(func() (err error) { c, err = d.ws(); return err }); err != nil {
		return err
	}
	switch c {
	case 'n':
		return d.run(func() error { return d.literal("null") })
	case '[', '{':
	default:
		return d.run(func() error { return d.mismatch("a list") })
	}
	d.index = 0
	defer func() { d.index = -1 }()
	return d.stream(c, func([]byte) {}, func() error {
		if len(l.Items) >= MaxListItems { // the rest is skipped, not kept
			d.fail("at most " + strconv.Itoa(MaxListItems) + " elements")
			return d.run(d.Skip)
		}
		err := d.run(func() error {
			var zero W
			l.w = zero
			if c, err := d.ws(); err != nil || c == 'n' {
				if err == nil {
					err = d.mismatch("an object")
				}
				return err
			}
			return l.Rec.Decode(d, &l.w)
		})
		if err != nil {
			return err
		}
		if len(l.Items) == cap(l.Items) {
			l.grow(d)
		}
		l.Items = append(l.Items, l.Conv(&l.w))
		d.index++
		return nil
	})
}

// grow makes room for more elements. Once a few hundred are in, with the
// body's size known, it reserves what the rest of the body will hold at
// the average element size so far (plus a margin), so a large list is
// neither copied repeatedly nor held twice while growing. It never
// reserves more than twice the declared body, whatever a server declares.
func (l *List[W, T]) grow(d *Dec) {
	n := len(l.Items)
	if d.size <= 0 || n < 256 {
		l.Items = slices.Grow(l.Items, 1)
		return
	}
	read := float64(d.base + int64(d.pos))
	est := int(float64(n)*float64(d.size)/read*1.05) + 16
	est = min(est, int(2*d.size/int64(max(reflect.TypeFor[T]().Size(), 1))), MaxListItems)
	if est <= n {
		l.Items = slices.Grow(l.Items, 1)
		return
	}
	items := make([]T, n, est)
	copy(items, l.Items)
	l.Items = items
}

// One collects an object result: data as an object or an array holding
// exactly one object. Anything else is a data error.
type One[W, T any] struct {
	Rec  *Record[W]
	Conv func(*W) T
	Item T
	w    W
	seen bool
}

func (o *One[W, T]) reset() {
	var zero T
	o.Item, o.seen = zero, false
}

func (o *One[W, T]) finish(d *Dec) {
	if !o.seen {
		d.fail("one object")
	}
}

func (o *One[W, T]) data(d *Dec) error {
	o.seen = true
	return d.run(func() error {
		var zero W
		o.w = zero
		c, err := d.ws()
		switch {
		case err != nil:
			return err
		case c == '{':
			err = o.Rec.Decode(d, &o.w)
		case c == '[':
			n := 0
			err = d.Array(func() error {
				if n++; n > 1 {
					return d.Skip()
				}
				return o.Rec.Decode(d, &o.w)
			})
			if err == nil && n != 1 {
				d.fail("one object")
			}
		default:
			err = d.mismatch("an object")
		}
		o.Item = o.Conv(&o.w)
		return err
	})
}
