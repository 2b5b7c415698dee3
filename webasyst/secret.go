package webasyst

import (
	"errors"
	"strings"
	"unicode"

	"github.com/worksection-go/worksection/internal/transport"
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
	return transport.Redactor{string(*s)}.Holds(text)
}

// checkHeaderValue refuses text that net/http would refuse in a header at
// send time (CR, LF) and any other control character.
func checkHeaderValue(what, v string) error {
	if strings.ContainsFunc(v, unicode.IsControl) {
		return errors.New(what + " contains a control character (CR, LF, tab...), which a header value cannot hold")
	}
	return nil
}
