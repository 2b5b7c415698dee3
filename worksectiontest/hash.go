package worksectiontest

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"net/url"
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

// checkMD5 verifies the documented admin hash, which must be the query's
// last parameter: md5(http_build_query(the other parameters, in received
// order) . key) in lower-case hex, what the official PHP SDK sends and what
// a PHP server re-encoding $_GET computes. WithLenientHashes also accepts
// the hash of the raw query bytes before "&hash=" and of the unencoded
// "k=v&..." string, in either hex case.
func (s *Server) checkMD5(raw string, pairs []pair) *apiError {
	if len(pairs) == 0 || pairs[len(pairs)-1].key != "hash" {
		return errHash
	}
	signed, got := pairs[:len(pairs)-1], pairs[len(pairs)-1].value
	candidates := []string{buildQuery(signed, phpEncode)}
	if s.lenientHashes {
		got = strings.ToLower(got)
		if i := strings.LastIndex(raw, "&hash="); i >= 0 {
			candidates = append(candidates, raw[:i])
		}
		candidates = append(candidates, buildQuery(signed, func(v string) string { return v }))
	}
	for _, c := range candidates {
		sum := md5.Sum([]byte(c + s.APIKey))
		if subtle.ConstantTimeCompare([]byte(got), []byte(hex.EncodeToString(sum[:]))) == 1 {
			return nil
		}
	}
	return errHash
}
