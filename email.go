package worksection

import "strings"

// EmailKey returns email trimmed of surrounding space with ASCII letters
// folded to lower case. Only ASCII is folded: mail systems compare the domain
// by ASCII case, and Unicode folding would make "\u212Aate@x" (Kelvin sign)
// the same person as "kate@x".
func EmailKey(email string) string {
	b := []byte(strings.TrimSpace(email))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// SameEmail reports whether a and b are the same address, ignoring ASCII
// case and surrounding space.
func SameEmail(a, b string) bool { return EmailKey(a) == EmailKey(b) }
