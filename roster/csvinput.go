package roster

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrEncoding is returned by ReadCSV for input that is neither UTF-8 nor
// UTF-16 with a byte order mark; the error names the first bad line.
var ErrEncoding = errors.New("roster: CSV is not UTF-8")

// toUTF8 returns data as UTF-8 without a byte order mark: UTF-16 (little
// or big endian) with a BOM is decoded, a UTF-8 BOM dropped, and anything
// else must be valid UTF-8.
func toUTF8(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return fromUTF16(data[2:], func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 })
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return fromUTF16(data[2:], func(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) })
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if utf8.Valid(data) {
		return data, nil
	}
	bad := 0
	for bad < len(data) {
		r, n := utf8.DecodeRune(data[bad:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		bad += n
	}
	line := bytes.Count(data[:bad], []byte("\n")) + 1
	return nil, fmt.Errorf("%w: line %d has a byte that is not UTF-8 (save the file as UTF-8, or UTF-16 with a byte order mark)", ErrEncoding, line)
}

func fromUTF16(data []byte, unit func([]byte) uint16) ([]byte, error) {
	if len(data)%2 != 0 {
		return nil, fmt.Errorf("%w: UTF-16 with an odd number of bytes (a truncated file?)", ErrEncoding)
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		units[i] = unit(data[2*i:])
	}
	return []byte(string(utf16.Decode(units))), nil
}

// delimiter guesses the separator from the header line: the most common
// of comma, semicolon (Excel in many locales) and tab outside quotes;
// comma when there is none.
func delimiter(data []byte) rune {
	line := data
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(line) {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}
