package transport

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

var secretParam = regexp.MustCompile(`(?i)\b(hash|access_token|refresh_token|client_secret|code)=[^&\s"']*`)

// Redactor masks secrets a server may echo into text the client emits:
// secret query parameters, and the values it holds (keys, tokens,
// signatures) as sent, JSON- or URL-escaped, in any letter case.
type Redactor []string

// Withheld stands for a text that held a secret escaped beyond masking.
const Withheld = "[withheld: it contains a secret]"

// Text masks s, or withholds it whole if a secret survives masking escaped.
func (r Redactor) Text(s string) string {
	s = secretParam.ReplaceAllString(s, "${1}=REDACTED")
	for _, secret := range r {
		if secret == "" {
			continue
		}
		for _, form := range echoForms(secret) {
			s = replaceFold(s, form, "REDACTED")
		}
	}
	if r.Holds(s) {
		return Withheld
	}
	return s
}

// Holds reports whether text contains a secret as sent or as a server may
// echo it: JSON-, URL- or HTML-escaped (one escape inside another too), in
// any letter case.
func (r Redactor) Holds(text string) bool {
	var canon string
	for _, secret := range r {
		if secret == "" {
			continue
		}
		if strings.Contains(strings.ToLower(text), strings.ToLower(secret)) {
			return true
		}
		if canon == "" {
			canon = canonical(text)
		}
		if strings.Contains(canon, canonical(secret)) || holdsPart(canon, canonical(secret)) {
			return true
		}
	}
	return false
}

// partWindow is the length of a secret's pieces looked for on their own:
// an echo of a token's start ("eyJ0eXAi… is invalid") gives part of it
// away. Pieces start every partStride bytes, so any echo of
// partWindow+partStride-1 bytes or more holds a whole one.
const (
	partWindow = 8
	partStride = 4
)

// holdsPart reports whether text holds a piece of a secret of 12 bytes or
// more; shorter secrets are matched whole only.
func holdsPart(text, secret string) bool {
	if len(secret) < partWindow+partStride {
		return false
	}
	for i := 0; i+partWindow <= len(secret); i += partStride {
		if strings.Contains(text, secret[i:i+partWindow]) {
			return true
		}
	}
	return false
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

// echoForms are the ways a server may write secret back: raw, escaped
// for JSON (with or without "\/"), for a query or a path.
func echoForms(secret string) []string {
	j, _ := json.Marshal(secret)
	jsonForm := string(j[1 : len(j)-1])
	forms := []string{secret, jsonForm, strings.ReplaceAll(jsonForm, "/", `\/`),
		url.QueryEscape(secret), url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)), base64.RawURLEncoding.EncodeToString([]byte(secret))}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) }) // longest first
	return slices.Compact(forms)
}

// replaceFold replaces every match of old in s, ignoring case.
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	return regexp.MustCompile("(?i)"+regexp.QuoteMeta(old)).ReplaceAllLiteralString(s, repl)
}

// Leaks reports whether any error in err's chain mentions a secret.
func (r Redactor) Leaks(err error) bool {
	if err == nil {
		return false
	}
	if r.Text(err.Error()) != err.Error() {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return r.Leaks(u.Unwrap())
	case interface{ Unwrap() []error }:
		return slices.ContainsFunc(u.Unwrap(), r.Leaks)
	}
	return false
}

// Err makes a transport error safe to return. A *url.Error loses its URL's
// query, fragment and user info (where signatures and tokens travel) and
// keeps its cause, for errors.Is. If an error below still mentions a
// secret, the chain is cut there: the stand-in carries the masked text and
// answers errors.Is and Timeout for the original, unwrapping to nothing.
func (r Redactor) Err(err error) error {
	return r.TransportErr(err, "")
}

// TransportErr is Err for a request to endpoint: a *url.Error names endpoint
// (stripped), never net/http's URL, which after a redirect is the server's
// Location. Only the cause is checked, so a short secret cannot garble the path.
func (r Redactor) TransportErr(err error, endpoint string) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		if endpoint == "" {
			endpoint = ue.URL
		}
		return &url.Error{Op: ue.Op, URL: StripURL(endpoint), Err: r.cut(ue.Err)}
	}
	return r.cut(err)
}

// cut replaces err with its masked text if its chain mentions a secret.
func (r Redactor) cut(err error) error {
	if err == nil || !r.Leaks(err) {
		return err
	}
	return &redactedError{msg: r.Text(err.Error()), orig: err}
}

// StripURL drops a URL's user info, query and fragment.
func StripURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			return raw[:i]
		}
		return raw
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// redactedError stands in for an error whose text held a secret.
type redactedError struct {
	msg  string
	orig error
}

func (e *redactedError) Error() string { return e.msg }

// Is answers for the original chain without exposing it.
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }

// Timeout reports whether the original was a timeout.
func (e *redactedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.orig, &t) && t.Timeout()
}

// Excerpt is a body's first 200 bytes for an error message: masked before
// cutting (so a secret at the cut is not half shown), invalid UTF-8 dropped.
func Excerpt(body []byte, r Redactor) string {
	const max, window = 200, 8 << 10
	s := r.Text(strings.ToValidUTF8(string(body[:min(len(body), window)]), ""))
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "")
	}
	return s
}
