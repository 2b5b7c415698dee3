package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/worksection-go/worksection/internal/transport"
)

// Dec reads one JSON text in a single pass, either from a byte slice or
// from a stream through a window that is refilled as it is consumed, so a
// large response is never held whole.
//
// Reading is split into steps (an envelope member, a list element): a step
// that runs out of buffered input is run again from its start once the
// window holds more. Values of the wrong kind are data errors: the first
// is kept, the value skipped, and reading goes on, so a syntax error later
// in the body still takes precedence, as in encoding/json.
type Dec struct {
	buf   []byte
	pos   int
	src   io.Reader // nil: buf is the whole input
	eof   bool
	limit int64 // most bytes to read from src
	total int64 // bytes read from src
	base  int64 // body offset of buf[0]
	head  []byte
	err   error // sticky read error
	depth int
	size  int64 // declared body size, <= 0 if unknown

	// Where the value being read sits, for data errors.
	index   int    // list element, -1 outside a list
	record  *names // the record being read, nil at the top of data
	field   int    // the key being read in record
	dataErr error
	scratch []byte
	arena   *strings.Builder // see intern
	chunk   int
	floats  []float64 // see newFloat
}

const (
	minWindow = 16 << 10
	maxWindow = 64 << 10
	headMax   = 4 << 10
	// arenaMax is the largest chunk strings are interned into.
	arenaMax = 4 << 10
	// maxDepth is encoding/json's nesting limit.
	maxDepth = 10000
)

// errShort: the step ran out of buffered input.
var errShort = errors.New("short")

// syntaxError reports invalid JSON. It names the offset only: response
// bytes can echo a credential and never go into an error.
type syntaxError struct {
	off int64
	eof bool // the input ended inside a value
}

func (e *syntaxError) Error() string {
	if e.eof {
		return fmt.Sprintf("unexpected end of JSON input at byte %d", e.off)
	}
	return fmt.Sprintf("invalid JSON at byte %d", e.off)
}

// DataError is a value of the wrong kind in an ok envelope's data. It
// names the JSON key and the kind expected, never the value.
type DataError struct {
	Index int    // list element, -1 when data is one object
	Field string // JSON key, "" for data itself or a list element
	Want  string // the kind expected, e.g. "string", "object"
}

func (e *DataError) Error() string {
	where := "data"
	if e.Index >= 0 {
		where = fmt.Sprintf("element %d", e.Index)
	}
	if e.Field != "" {
		where += " field " + e.Field
	}
	return where + ": want " + e.Want
}

func newDec(body []byte) *Dec { return &Dec{buf: body, index: -1, field: -1} }

// newStreamDec reads from r through a window sized for the declared body
// (size, -1 if unknown): large enough that a big body takes few reads,
// small enough to stay a sliver of what the decoded result needs.
func newStreamDec(r io.Reader, limit, size int64) *Dec {
	n := int64(minWindow)
	if size > 0 {
		n = min(max(size+1, 512), maxWindow)
	}
	return &Dec{buf: make([]byte, 0, n), src: r, limit: limit, index: -1, field: -1, size: min(size, limit)}
}

// Head returns the first bytes of the body (up to 4 KiB) for an excerpt.
func (d *Dec) Head() []byte {
	if d.head != nil {
		return d.head
	}
	return d.buf[:min(len(d.buf), headMax)]
}

// final reports whether no more input can arrive, so a number or literal
// that reaches the end of the buffer is complete.
func (d *Dec) final() bool { return d.src == nil || d.eof || d.err != nil }

func (d *Dec) syntax() error { return &syntaxError{off: d.base + int64(d.pos)} }

// run runs fn from the current position and, while fn runs out of
// buffered input, refills the window and runs it again from the start.
func (d *Dec) run(fn func() error) error {
	for {
		start, depth, dataErr := d.pos, d.depth, d.dataErr
		err := fn()
		if err != errShort {
			return err
		}
		d.pos, d.depth, d.dataErr = start, depth, dataErr
		if !d.fill() {
			if d.err != nil {
				return d.err
			}
			return &syntaxError{d.base + int64(len(d.buf)), true}
		}
	}
}

// fill drops the consumed bytes and reads more, growing the window when
// one step needs more than it holds. It reports whether bytes arrived.
func (d *Dec) fill() bool {
	if d.final() {
		return false
	}
	if d.pos > 0 {
		if d.head == nil && d.base == 0 {
			d.head = bytes.Clone(d.buf[:min(len(d.buf), headMax)])
		}
		n := copy(d.buf, d.buf[d.pos:])
		d.base += int64(d.pos)
		d.buf, d.pos = d.buf[:n], 0
	}
	if len(d.buf) == cap(d.buf) {
		d.buf = append(d.buf, make([]byte, cap(d.buf))...)[:len(d.buf)]
	}
	// Fill the window: a step is retried only when it needs more than a
	// full window, and the window doubles then, so no step is re-read
	// more than a logarithmic number of times.
	got := false
	for len(d.buf) < cap(d.buf) {
		n, err := d.src.Read(d.buf[len(d.buf):cap(d.buf)])
		d.buf = d.buf[:len(d.buf)+n]
		d.total += int64(n)
		got = got || n > 0
		switch {
		case d.total > d.limit:
			d.err = fmt.Errorf("%w: over the %d byte limit", transport.ErrBodyTooLarge, d.limit)
			return false
		case d.size > 0 && d.total > d.size:
			d.err = fmt.Errorf("%w: body longer than its Content-Length %d", transport.ErrReadBody, d.size)
			return false
		case err == io.EOF && d.size > 0 && d.total < d.size:
			d.err = fmt.Errorf("%w: body cut short: %d of %d bytes", transport.ErrReadBody, d.total, d.size)
			return got
		case err == io.EOF:
			d.eof = true
			return got
		case err != nil:
			d.err = fmt.Errorf("%w: %w", transport.ErrReadBody, err)
			return got
		}
	}
	return got
}

// ws skips whitespace and returns the next byte without consuming it.
func (d *Dec) ws() (byte, error) {
	for ; d.pos < len(d.buf); d.pos++ {
		switch c := d.buf[d.pos]; c {
		case ' ', '\t', '\n', '\r':
		default:
			return c, nil
		}
	}
	return 0, errShort
}

// expect consumes the byte c after optional whitespace.
func (d *Dec) expect(c byte) error {
	got, err := d.ws()
	if err != nil {
		return err
	}
	if got != c {
		return d.syntax()
	}
	d.pos++
	return nil
}

// end checks that only whitespace follows the top-level value.
func (d *Dec) end() error {
	for {
		if _, err := d.ws(); err != errShort {
			if err == nil {
				return d.syntax()
			}
			return err
		}
		d.pos = len(d.buf)
		if !d.fill() {
			return d.err
		}
	}
}

// quoted reads a string token at the current position and returns its raw
// contents; esc and wide report escapes and non-ASCII bytes in it.
func (d *Dec) quoted() (inner []byte, esc, wide bool, err error) {
	b := d.buf
	for i := d.pos + 1; ; {
		i = nextSpecial(b, i)
		if i >= len(b) {
			return nil, false, false, errShort
		}
		switch c := b[i]; {
		case c == '"':
			inner = b[d.pos+1 : i]
			d.pos = i + 1
			return inner, esc, wide, nil
		case c == '\\':
			esc = true
			n, err := d.escape(i)
			if err != nil {
				return nil, false, false, err
			}
			i += n
		case c < 0x20:
			d.pos = i
			return nil, false, false, d.syntax()
		default:
			wide = true
			i++
		}
	}
}

// nextSpecial returns the index of the first byte from i on that a string
// cannot hold as it is ('"', '\\', a control byte, non-ASCII), or len(b).
// It tests eight bytes at a time: a flag can be set spuriously only above
// a byte that really matches, so the lowest flag is exact.
func nextSpecial(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q, s := w^'"'*ones, w^'\\'*ones
		if m := ((q-ones)&^q | (s-ones)&^s | (w-0x20*ones)&^w | w) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(b) && plainByte[b[i]] {
		i++
	}
	return i
}

// plainByte marks the bytes a string holds as they are: printable ASCII
// other than '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// escape checks the escape sequence at b[i] and returns its length.
func (d *Dec) escape(i int) (int, error) {
	b := d.buf
	if i+1 >= len(b) {
		return 0, errShort
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, nil
	case 'u':
		for j := i + 2; j < i+6; j++ {
			if j >= len(b) {
				return 0, errShort
			}
			if !isHex(b[j]) {
				d.pos = j
				return 0, d.syntax()
			}
		}
		return 6, nil
	}
	d.pos = i + 1
	return 0, d.syntax()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// text turns a string token's contents into its value. Plain valid UTF-8
// is copied as is; escapes and invalid UTF-8 are left to encoding/json,
// so the value is exactly what it would decode.
func (d *Dec) text(inner []byte, esc, wide bool) string {
	if esc || wide && !utf8.Valid(inner) {
		return unquote(inner)
	}
	return d.intern(inner)
}

// intern copies b into the current arena chunk: the short strings of many
// records share a few allocations instead of one each (a string keeps its
// chunk, at most arenaMax bytes, alive).
func (d *Dec) intern(b []byte) string {
	switch {
	case len(b) == 0:
		return ""
	case len(b) > arenaMax/8:
		return string(b)
	}
	if d.arena == nil || d.arena.Cap()-d.arena.Len() < len(b) {
		d.chunk = min(max(2*d.chunk, 256), arenaMax)
		d.arena = new(strings.Builder)
		d.arena.Grow(d.chunk)
	}
	start := d.arena.Len()
	d.arena.Write(b)
	return d.arena.String()[start:]
}

func unquote(inner []byte) string {
	q := make([]byte, 0, len(inner)+2)
	q = append(append(append(q, '"'), inner...), '"')
	var s string
	_ = json.Unmarshal(q, &s) // the token was checked; it cannot fail
	return s
}

// key reads an object key and the colon after it. The bytes are valid
// until the window moves (the end of the step).
func (d *Dec) key() ([]byte, error) {
	if c, err := d.ws(); err != nil {
		return nil, err
	} else if c != '"' {
		return nil, d.syntax()
	}
	inner, esc, wide, err := d.quoted()
	if err != nil {
		return nil, err
	}
	if esc || wide && !utf8.Valid(inner) {
		d.scratch = append(d.scratch[:0], unquote(inner)...)
		inner = d.scratch
	}
	return inner, d.expect(':')
}

// number reads a number token and returns its text.
func (d *Dec) number() ([]byte, error) {
	b, i := d.buf, d.pos
	digits := func() (int, error) { // consumes one or more digits
		j := i
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		switch {
		case j == len(b) && !d.final():
			return 0, errShort
		case j == i:
			d.pos = j
			return 0, d.syntax()
		}
		return j, nil
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	var err error
	switch {
	case i == len(b) && !d.final():
		return nil, errShort
	case i < len(b) && b[i] == '0':
		i++
	default:
		if i, err = digits(); err != nil {
			return nil, err
		}
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i, err = digits(); err != nil {
			return nil, err
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i, err = digits(); err != nil {
			return nil, err
		}
	}
	if i == len(b) && !d.final() {
		return nil, errShort
	}
	n := b[d.pos:i]
	d.pos = i
	return n, nil
}

// literal consumes true, false or null.
func (d *Dec) literal(word string) error {
	rest := d.buf[d.pos:]
	if len(rest) < len(word) {
		if !d.final() && bytes.HasPrefix([]byte(word), rest) {
			return errShort
		}
		return d.syntax()
	}
	if string(rest[:len(word)]) != word {
		return d.syntax()
	}
	d.pos += len(word)
	return nil
}

// Skip consumes one value of any kind, checking its syntax.
func (d *Dec) Skip() error {
	c, err := d.ws()
	if err != nil {
		return err
	}
	switch c {
	case '"':
		_, _, _, err = d.quoted()
		return err
	case '{':
		return d.Object(func([]byte) error { return d.Skip() })
	case '[':
		return d.Array(d.Skip)
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	_, err = d.number()
	return err
}

// raw consumes one value and returns a copy of its bytes.
func (d *Dec) raw() (json.RawMessage, error) {
	if _, err := d.ws(); err != nil {
		return nil, err
	}
	start := d.pos
	if err := d.Skip(); err != nil {
		return nil, err
	}
	return bytes.Clone(d.buf[start:d.pos]), nil
}

func (d *Dec) open(c byte) error {
	if err := d.expect(c); err != nil {
		return err
	}
	if d.depth++; d.depth > maxDepth {
		return d.syntax()
	}
	return nil
}

// Object consumes an object, calling member with each key; member must
// consume the value.
func (d *Dec) Object(member func(key []byte) error) error {
	return d.container('{', '}', func() error {
		k, err := d.key()
		if err != nil {
			return err
		}
		return member(k)
	})
}

// Array consumes an array, calling elem for each element.
func (d *Dec) Array(elem func() error) error { return d.container('[', ']', elem) }

func (d *Dec) container(open, close byte, member func() error) error {
	if err := d.open(open); err != nil {
		return err
	}
	for first := true; ; first = false {
		c, err := d.ws()
		switch {
		case err != nil:
			return err
		case c == close:
			d.pos++
			d.depth--
			return nil
		case !first && c != ',':
			return d.syntax()
		case !first:
			d.pos++
		}
		if err := member(); err != nil {
			return err
		}
	}
}

// stream is container with each member in steps of its own, so the
// window can move between them: the separator and, in an object, the key
// (given to key while its bytes are valid) in one step; value reads the
// value with steps of its own.
func (d *Dec) stream(open byte, key func([]byte), value func() error) error {
	close := byte(']')
	if open == '{' {
		close = '}'
	}
	if err := d.run(func() error { return d.open(open) }); err != nil {
		return err
	}
	for first := true; ; first = false {
		done := false
		err := d.run(func() error {
			c, err := d.ws()
			switch {
			case err != nil:
				return err
			case c == close:
				d.pos++
				d.depth--
				done = true
				return nil
			case !first && c != ',':
				return d.syntax()
			case !first:
				d.pos++
			}
			if open != '{' {
				return nil
			}
			k, err := d.key()
			if err == nil {
				key(k)
			}
			return err
		})
		if err != nil || done {
			return err
		}
		if err := value(); err != nil {
			return err
		}
	}
}

// newFloat returns a pointer to f from a chunk shared by many records,
// one allocation for many rates (a pointer keeps its chunk alive).
func (d *Dec) newFloat(f float64) *float64 {
	if len(d.floats) == cap(d.floats) {
		d.floats = make([]float64, 0, 128)
	}
	d.floats = append(d.floats, f)
	return &d.floats[len(d.floats)-1]
}
