// Package wiretest holds the encoding/json reference the decoder's fuzz
// tests compare against, shared by the tests of package wire and of the
// root package.
package wiretest

import (
	"bytes"
	"encoding/json"
)

// Elements lists a data value's elements with encoding/json's token
// reader: an array's, or an object's values (PHP's list keyed by id); none
// for null. An absent value is no list at all (false), not an empty one.
func Elements(data json.RawMessage) ([]json.RawMessage, bool) {
	switch {
	case len(data) == 0:
		return nil, false
	case string(data) == "null":
		return nil, true
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, _ := dec.Token()
	if tok != json.Delim('[') && tok != json.Delim('{') {
		return nil, false
	}
	var out []json.RawMessage
	for dec.More() {
		if tok == json.Delim('{') {
			_, _ = dec.Token()
		}
		var e json.RawMessage
		_ = dec.Decode(&e)
		out = append(out, e)
	}
	return out, true
}
