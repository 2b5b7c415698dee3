package worksection

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// checkText refuses invalid UTF-8 in any string parameter, naming the Go
// field: sent in a JSON body it would be silently replaced with U+FFFD, and
// no server can store it as given.
func checkText(action string, params any) error {
	v := reflect.ValueOf(params)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		switch {
		case f.Kind() == reflect.String && !utf8.ValidString(f.String()):
			return &ValidationError{Action: action, Field: sf.Name, Reason: "not valid UTF-8"}
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			for j := range f.Len() {
				if !utf8.ValidString(f.Index(j).String()) {
					return &ValidationError{Action: action, Field: sf.Name, Reason: "not valid UTF-8"}
				}
			}
		}
	}
	return nil
}

// checkEmail insists on exactly one bare address: the API takes one email
// per call and answers "Invalid email" for a list.
func checkEmail(action, field, email string) error {
	switch {
	case strings.TrimSpace(email) == "":
		return &ValidationError{Action: action, Field: field, Reason: "required"}
	case strings.ContainsAny(email, ",;"):
		return &ValidationError{Action: action, Field: field, Reason: "want exactly one address, no lists or spaces"}
	case !validAddrSpec(email):
		return &ValidationError{Action: action, Field: field, Reason: "not a valid email address"}
	}
	return nil
}

// validAddrSpec checks local@domain: a dot-atom local part (RFC 5322 atext
// or non-ASCII) and a domain of dot-separated labels of letters, digits,
// hyphens or non-ASCII. Quoted parts, comments and display names are refused.
func validAddrSpec(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || len(s) > 254 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	return dotSeparated(local, isAtext) && dotSeparated(domain, isDomainChar)
}

// dotSeparated reports whether s is non-empty runs of ok bytes joined by
// single dots, with no dot at either end.
func dotSeparated(s string, ok func(byte) bool) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
		case !ok(c):
			return false
		}
	}
	return true
}

func isAtext(c byte) bool { return isDomainChar(c) || strings.IndexByte("!#$%&'*+/=?^_`{|}~", c) >= 0 }

func isDomainChar(c byte) bool {
	return c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}

// checkRequired refuses an empty or blank value.
func checkRequired(action, field, value string) error {
	if strings.TrimSpace(value) == "" {
		return &ValidationError{Action: action, Field: field, Reason: "required"}
	}
	return nil
}

// checkID insists on an id of digits.
func checkID(action, field string, id ID) error {
	switch {
	case id == "":
		return &ValidationError{Action: action, Field: field, Reason: "required"}
	case strings.Trim(string(id), "0123456789") != "":
		return &ValidationError{Action: action, Field: field, Reason: "want digits only"}
	}
	return nil
}
