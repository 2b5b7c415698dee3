package probe

import (
	"slices"
	"strings"

	"github.com/worksection-go/worksection/internal/auth"
)

// This file holds the md5 signatures the SDK does not send but a server
// might expect instead, so `worksection doctor` can ask a live account
// which one it accepts. MD5Query (what the SDK sends) is the variant
// {Hashed: PHPEncoding, Sorted: false, HashInPlace: false}.

// Param is one query parameter, in the order it is sent.
type Param struct{ Key, Value string }

// Encoding is how a parameter's key and value are written in a query
// string, or in the string an md5 hash is computed over.
type Encoding int

const (
	// PHPEncoding is PHP's urlencode, what http_build_query writes and the
	// SDK signs: space as '+', '@' as %40, '~' as %7E.
	PHPEncoding Encoding = iota
	// RFC3986Encoding is rawurlencode: space as %20, '~' left as it is.
	RFC3986Encoding
	// NoEncoding leaves values as they are ("email=a@b.com&name=Ann Lee"),
	// what the vendor's Postman collection hashes.
	NoEncoding
	// EveryByteEncoding percent-encodes every byte but ASCII letters and
	// digits ("." as %2E): what it sends decodes to the same parameters,
	// but its bytes are no other encoding's, so only a server that
	// rebuilds the query from the parameters accepts a hash over another
	// encoding. For sending, not hashing.
	EveryByteEncoding
)

// String names the encoding for a report.
func (e Encoding) String() string {
	switch e {
	case PHPEncoding:
		return "PHP urlencode"
	case RFC3986Encoding:
		return "RFC 3986"
	case NoEncoding:
		return "unencoded"
	case EveryByteEncoding:
		return "every byte escaped"
	}
	return "unknown encoding"
}

// Escape writes s in encoding e.
func (e Encoding) Escape(s string) string {
	switch e {
	case PHPEncoding:
		return auth.Escape(s)
	case RFC3986Encoding:
		return percent(s, "-._~")
	case EveryByteEncoding:
		return percent(s, "")
	}
	return s
}

// Query joins params as "k=v&k=v" in encoding e, in the order given.
func (e Encoding) Query(params []Param) string {
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = e.Escape(p.Key) + "=" + e.Escape(p.Value)
	}
	return strings.Join(parts, "&")
}

// percent percent-encodes every byte but ASCII letters, digits and keep,
// in upper-case hex: with keep "-._~", RFC 3986's unreserved characters.
func percent(s, keep string) string {
	const upper = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upper[c>>4])
		b.WriteByte(upper[c&15])
	}
	return b.String()
}

// Layout is the order of a signed query's parameters and where hash stands.
type Layout int

const (
	// GivenOrder keeps the parameters in the order given (action first, as
	// the SDK sends them) with hash last.
	GivenOrder Layout = iota
	// SortedHashLast sorts the parameters by key, as Go's url.Values.Encode
	// does, with hash last.
	SortedHashLast
	// SortedHashInPlace sorts the parameters by key with hash among them,
	// where it sorts: a server that hashes the raw query up to "&hash="
	// refuses it, one that rebuilds the query from its parameters does not.
	SortedHashInPlace
)

// String describes the layout for a report.
func (l Layout) String() string {
	switch l {
	case GivenOrder:
		return "hash last"
	case SortedHashLast:
		return "keys sorted, hash last"
	case SortedHashInPlace:
		return "keys sorted, hash in its sorted place"
	}
	return "unknown layout"
}

// MD5Variant is one way of computing and placing the documented md5 hash.
type MD5Variant struct {
	// Hashed is the encoding of the string the hash is computed over. The
	// query is sent in the same encoding, except for NoEncoding, whose
	// values cannot travel raw: it is sent in RFC 3986 encoding, which any
	// server decodes to the same values.
	Hashed Encoding
	Layout Layout
	// SendEscaped sends the query in EveryByteEncoding, whatever Hashed.
	SendEscaped bool
}

// String describes the variant for a report, e.g.
// "md5 over RFC 3986, hash last".
func (v MD5Variant) String() string {
	s := "md5 over " + v.Hashed.String() + ", " + v.Layout.String()
	if v.SendEscaped {
		s += ", sent with every byte escaped"
	}
	return s
}

// Sign returns the query to send for params signed with key, and the hash
// it carries (a secret: mask it in anything shown). The hash covers the
// parameters in the order sent, without hash itself.
func (v MD5Variant) Sign(params []Param, key string) (query, hash string) {
	params = slices.Clone(params)
	if v.Layout != GivenOrder {
		slices.SortStableFunc(params, func(a, b Param) int { return strings.Compare(a.Key, b.Key) })
	}
	hash = auth.MD5Hash(v.Hashed.Query(params), key)
	sent := v.Hashed
	switch {
	case v.SendEscaped:
		sent = EveryByteEncoding
	case sent == NoEncoding:
		sent = RFC3986Encoding
	}
	at := len(params)
	if v.Layout == SortedHashInPlace {
		at, _ = slices.BinarySearchFunc(params, "hash", func(p Param, k string) int { return strings.Compare(p.Key, k) })
	}
	return sent.Query(slices.Insert(params, at, Param{Key: "hash", Value: hash})), hash
}
