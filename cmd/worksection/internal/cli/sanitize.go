package cli

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text from a server or a file (names, messages, a Webasyst group, a CSV
// cell) never reaches the terminal raw: every line the tool prints goes
// through printable, multiline (CSV), plainText (--jq) or escapeJSON,
// here. Colour is added after (table.go), to status words only.

// unsafeRune reports whether r could act on a terminal instead of being
// shown: C0 and C1 controls (ESC, BEL, CR, the 8-bit CSI), DEL, and the
// bidirectional overrides and isolates that reorder what the reader sees.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// printable keeps s on one line: tabs and line breaks become spaces, and
// every other unsafe rune goes.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case unsafeRune(r):
			return -1
		}
		return r
	}, s)
}

// multiline is printable but keeps line breaks ("\n"), for CSV cells,
// which quote them.
func multiline(s string) string { return safeKeeping(s, "\n") }

// plainText keeps line breaks and tabs, for a string --jq prints raw (as
// jq -r does, so @tsv works); every other unsafe rune goes.
func plainText(s string) string { return safeKeeping(s, "\n\t") }

// safeKeeping drops the unsafe runes of s but those in keep.
func safeKeeping(s, keep string) string {
	return strings.Map(func(r rune) rune {
		if unsafeRune(r) && !strings.ContainsRune(keep, r) {
			return -1
		}
		return r
	}, s)
}

// say prints one line to w, made printable.
func say(w interface{ Write([]byte) (int, error) }, format string, args ...any) {
	fmt.Fprintln(w, printable(fmt.Sprintf(format, args...)))
}

// escapeJSON rewrites, as \u escapes, the unsafe runes encoding/json
// leaves raw (C1 controls, DEL and bidirectional controls; it escapes C0
// itself). They can only occur inside JSON strings, so the document means
// the same.
func escapeJSON(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r >= 0x7f && unsafeRune(r) {
			if out == nil {
				out = append(make([]byte, 0, len(b)+16), b[:i]...)
			}
			out = fmt.Appendf(out, `\u%04x`, r)
		} else if out != nil {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	if out == nil {
		return b
	}
	return out
}
