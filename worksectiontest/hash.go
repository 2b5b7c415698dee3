package worksectiontest

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
)

// pair is one decoded query parameter, in the order received.
type pair struct{ key, value string }

// splitQuery decodes a raw query the way PHP fills $_GET: pieces split on
// '&', empty pieces skipped, '+' as a space, %XX decoded, and a malformed
// escape kept as it is.
func splitQuery(raw string) []pair {
	var out []pair
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		out = append(out, pair{phpDecode(k), phpDecode(v)})
	}
	return out
}

func pairValues(pairs []pair) url.Values {
	v := url.Values{}
	for _, p := range pairs {
		v.Add(p.key, p.value)
	}
	return v
}

func phpDecode(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// phpEncode is PHP's urlencode: letters, digits and "-_." stay, a space
// becomes '+', every other byte (including '~') becomes %XX in upper case.
func phpEncode(s string) string {
	const upper = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(upper[c>>4])
			b.WriteByte(upper[c&15])
		}
	}
	return b.String()
}

// buildQuery is PHP's http_build_query over pairs in the given order.
func buildQuery(pairs []pair, encode func(string) string) string {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = encode(p.key) + "=" + encode(p.value)
	}
	return strings.Join(parts, "&")
}

// checkMD5 verifies the documented admin hash. Strict (the default), it
// must be the query's last parameter and equal md5(http_build_query(the
// other parameters, in received order) . key) in hex: what the official PHP
// SDK sends and what a PHP server re-encoding $_GET computes, so a client
// the strict fake accepts is accepted however the real server rebuilds the
// query. WithLenientHashes accepts hash at any position, over the other
// parameters in received or in sorted order (Go's url.Values.Encode),
// with values encoded PHP-style, RFC 3986-style, Go-style (QueryEscape) or
// not at all (the vendor's Postman script), or over the raw query without
// the hash piece, in either hex case.
func (s *Server) checkMD5(raw string, pairs []pair) *apiError {
	at := len(pairs) - 1
	if s.lenientHashes {
		at = slices.IndexFunc(pairs, func(p pair) bool { return p.key == "hash" })
	}
	if at < 0 || pairs[at].key != "hash" {
		return errHash
	}
	got := pairs[at].value
	signed := slices.Delete(slices.Clone(pairs), at, at+1)
	candidates := []string{buildQuery(signed, phpEncode)}
	if s.lenientHashes {
		got = strings.ToLower(got)
		candidates = append(lenientCandidates(signed), withoutHash(raw))
	}
	for _, c := range candidates {
		sum := md5.Sum([]byte(c + s.APIKey))
		if subtle.ConstantTimeCompare([]byte(got), []byte(hex.EncodeToString(sum[:]))) == 1 {
			return nil
		}
	}
	return errHash
}

// lenientCandidates are the strings a client may have hashed: the pairs in
// received and in sorted order, each encoded four ways.
func lenientCandidates(signed []pair) []string {
	sorted := slices.Clone(signed)
	slices.SortStableFunc(sorted, func(a, b pair) int { return strings.Compare(a.key, b.key) })
	encodings := []func(string) string{phpEncode, rfc3986Encode, url.QueryEscape, func(v string) string { return v }}
	var out []string
	for _, order := range [][]pair{signed, sorted} {
		for _, enc := range encodings {
			out = append(out, buildQuery(order, enc))
		}
	}
	return out
}

// rfc3986Encode is PHP's rawurlencode: unreserved characters stay (with
// '~'), a space becomes %20.
func rfc3986Encode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// withoutHash is the raw query with its hash piece removed.
func withoutHash(raw string) string {
	pieces := strings.Split(raw, "&")
	pieces = slices.DeleteFunc(pieces, func(p string) bool { return strings.HasPrefix(p, "hash=") })
	return strings.Join(pieces, "&")
}
