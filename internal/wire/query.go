// Package wire holds the Worksection wire format: the PHP-compatible query
// encoding that signatures are computed over, the response envelope, and the
// tolerant scalar decoders the real API needs.
package wire

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/google/go-querystring/query"
)

// Encoder renders query strings. It caches each params type's field
// order, so reflection over struct tags happens once per type. The zero
// value is ready to use and safe for concurrent use.
type Encoder struct {
	orders sync.Map // reflect.Type -> []string
}

// Encode renders action and params as the exact query string that is
// signed and sent: action first, then params in struct field order, escaped
// like PHP's http_build_query (space as '+', '@' as %40, '~' as %7E).
// params may be nil or a struct (or pointer to one) with `url` tags.
func (e *Encoder) Encode(action string, params any) (string, error) {
	var b strings.Builder
	b.WriteString("action=")
	b.WriteString(Escape(action))
	if params == nil {
		return b.String(), nil
	}
	vals, err := query.Values(params)
	if err != nil {
		return "", fmt.Errorf("encode params: %w", err)
	}
	n := 0
	for k, vs := range vals {
		for _, v := range vs {
			n += len(k) + len(v) + 2
		}
	}
	b.Grow(n + n/4) // room for some escaping without regrowing
	write := func(name string) {
		for _, v := range vals[name] {
			b.WriteByte('&')
			b.WriteString(Escape(name))
			b.WriteByte('=')
			b.WriteString(Escape(v))
		}
		delete(vals, name)
	}
	for _, name := range e.fieldNames(reflect.TypeOf(params)) {
		write(name)
	}
	// Anything go-querystring produced that the field walk did not name
	// (embedded structs) follows in a stable order, so nothing is dropped.
	rest := make([]string, 0, len(vals))
	for name := range vals {
		rest = append(rest, name)
	}
	slices.Sort(rest)
	for _, name := range rest {
		write(name)
	}
	return b.String(), nil
}

// fieldNames lists the query names of a struct's fields in declaration
// order, from the cache when it can.
func (e *Encoder) fieldNames(t reflect.Type) []string {
	if names, ok := e.orders.Load(t); ok {
		return names.([]string)
	}
	names := fieldNames(t)
	e.orders.Store(t, names)
	return names
}

func fieldNames(t reflect.Type) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("url"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// MoveToJSONBody splits an encoded query into "action=<name>" and a JSON
// object of the other parameters, for requests too long for a URL.
func MoveToJSONBody(query string) (string, []byte, error) {
	vals, err := url.ParseQuery(query)
	if err != nil {
		return "", nil, err
	}
	action := vals.Get("action")
	delete(vals, "action")
	fields := make(map[string]string, len(vals))
	for k, v := range vals {
		if len(v) != 1 {
			return "", nil, fmt.Errorf("parameter %q has %d values; a JSON body holds one", k, len(v))
		}
		fields[k] = v[0]
	}
	body, err := json.Marshal(fields)
	if err != nil {
		return "", nil, err
	}
	return "action=" + Escape(action), body, nil
}

const upperHex = "0123456789ABCDEF"

// Escape percent-encodes s the way PHP's urlencode does: letters, digits and
// "-_." stay, a space becomes '+', every other byte becomes %XX.
func Escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && s[i] != ' ' {
			n++
		}
	}
	if n == 0 && !strings.Contains(s, " ") {
		return s
	}
	buf := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case unreserved(c):
			buf = append(buf, c)
		case c == ' ':
			buf = append(buf, '+')
		default:
			buf = append(buf, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return string(buf)
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.'
}
