package webasyst

import (
	"encoding/json"
	"errors"
	"html"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// withheld replaces any text from the server that holds the access token.
// The whole text goes, not just the token: an echo may be escaped in ways
// a substring replacement would miss, and masking a short token would
// garble unrelated words.
const withheld = "[withheld: it contains the access token]"

// secret is the access token. The Client keeps it behind a pointer so that
// fmt prints only an address for a Client value, whose String method fmt
// does not call. It must not be a struct: for a bad verb (%s of a Client
// value) fmt prints a pointer to a struct with its contents.
type secret string

// hide returns text, or withheld when text holds the token as sent or as
// a server might echo it: JSON-, URL- or HTML-escaped, or in another case
// (hex tokens are case-insensitive).
func (s *secret) hide(text string) string {
	if s.appearsIn(text) {
		return withheld
	}
	return text
}

func (s *secret) appearsIn(text string) bool {
	return strings.Contains(strings.ToLower(text), strings.ToLower(string(*s))) ||
		strings.Contains(canonical(text), canonical(string(*s)))
}

var (
	jsonEscapes = regexp.MustCompile(`(?:\\u[0-9a-fA-F]{4})+|\\["\\/bfnrt]`)
	urlEscapes  = regexp.MustCompile(`(?:%[0-9a-fA-F]{2})+`)
)

// canonical undoes the escapes an echo may carry, twice so that one layer
// inside another (a URL in a JSON string) is undone too, and lowercases.
func canonical(s string) string {
	for range 2 {
		s = jsonEscapes.ReplaceAllStringFunc(s, func(esc string) string {
			var out string
			if json.Unmarshal([]byte(`"`+esc+`"`), &out) != nil {
				return esc
			}
			return out
		})
		s = urlEscapes.ReplaceAllStringFunc(s, func(esc string) string {
			out, _ := url.PathUnescape(esc) // cannot fail: every escape matched is valid
			return out
		})
		s = html.UnescapeString(s)
	}
	return strings.ToLower(s)
}

// checkHeaderValue refuses text that net/http would refuse in a header at
// send time (CR, LF) and any other control character.
func checkHeaderValue(what, v string) error {
	if strings.ContainsFunc(v, unicode.IsControl) {
		return errors.New(what + " contains a control character (CR, LF, tab...), which a header value cannot hold")
	}
	return nil
}
