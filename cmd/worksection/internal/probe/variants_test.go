package probe

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/internal/auth"
)

const probeDocKey = "7776461cd931e7b1c8e9632ff8e979ce"

// The research notes' example: the same add_user signed three ways.
var kate = []Param{{"action", "add_user"}, {"email", "kate.greenway@ws.com"}, {"first_name", "Kate Ann"}}

func TestEncodings(t *testing.T) {
	t.Parallel()
	params := []Param{{"users", "a+b@x.com, c~d"}}
	assert.Equal(t, "users=a%2Bb%40x.com%2C+c%7Ed", PHPEncoding.Query(params))
	assert.Equal(t, "users=a%2Bb%40x.com%2C%20c~d", RFC3986Encoding.Query(params))
	assert.Equal(t, "users=a+b@x.com, c~d", NoEncoding.Query(params))
	assert.Equal(t, "users=a%2Bb%40x%2Ecom%2C%20c%7Ed", EveryByteEncoding.Query(params))
}

func TestSendEscaped(t *testing.T) {
	t.Parallel()
	params := []Param{{"action", "get_users"}, {"datestart", "01.01.2031"}}
	got, hash := MD5Variant{SendEscaped: true}.Sign(params, probeDocKey)
	assert.Equal(t, auth.MD5Hash("action=get_users&datestart=01.01.2031", probeDocKey), hash, "the hash is over PHP's form")
	assert.Equal(t, "action=get%5Fusers&datestart=01%2E01%2E2031&hash="+hash, got, "the bytes sent are not")
	assert.Equal(t, "md5 over PHP urlencode, hash last, sent with every byte escaped", MD5Variant{SendEscaped: true}.String())
}

func TestPHPGivenOrderIsWhatTheSDKSends(t *testing.T) {
	t.Parallel()
	query := PHPEncoding.Query(kate)
	want, err := (&auth.MD5Query{Key: probeDocKey}).Sign(context.Background(), "add_user", query, http.Header{})
	require.NoError(t, err)
	got, hash := MD5Variant{Hashed: PHPEncoding}.Sign(kate, probeDocKey)
	assert.Equal(t, want, got)
	assert.Equal(t, query+"&hash="+hash, got)
}

func TestVariantsHashWhatTheyName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v            MD5Variant
		hashed, sent string
	}{
		{MD5Variant{Hashed: RFC3986Encoding}, "action=add_user&email=kate.greenway%40ws.com&first_name=Kate%20Ann",
			"action=add_user&email=kate.greenway%40ws.com&first_name=Kate%20Ann&hash="},
		// Unencoded values are hashed as they are and sent RFC 3986-encoded.
		{MD5Variant{Hashed: NoEncoding}, "action=add_user&email=kate.greenway@ws.com&first_name=Kate Ann",
			"action=add_user&email=kate.greenway%40ws.com&first_name=Kate%20Ann&hash="},
	} {
		got, hash := tc.v.Sign(kate, probeDocKey)
		assert.Equal(t, auth.MD5Hash(tc.hashed, probeDocKey), hash, tc.v.String())
		assert.Equal(t, tc.sent+hash, got, tc.v.String())
	}
	php, _ := MD5Variant{Hashed: PHPEncoding}.Sign(kate, probeDocKey)
	rfc, _ := MD5Variant{Hashed: RFC3986Encoding}.Sign(kate, probeDocKey)
	raw, _ := MD5Variant{Hashed: NoEncoding}.Sign(kate, probeDocKey)
	assert.NotEqual(t, php, rfc)
	assert.NotEqual(t, rfc, raw, "same bytes sent, different hash")
}

func TestLayouts(t *testing.T) {
	t.Parallel()
	params := []Param{{"action", "get_users_schedule"}, {"users", "7"}, {"datestart", "01.01.2031"}, {"dateend", "31.01.2031"}}
	sorted := "action=get_users_schedule&dateend=31.01.2031&datestart=01.01.2031&users=7"

	got, hash := MD5Variant{Layout: SortedHashLast}.Sign(params, probeDocKey)
	assert.Equal(t, auth.MD5Hash(sorted, probeDocKey), hash)
	assert.Equal(t, sorted+"&hash="+hash, got)

	got, hash = MD5Variant{Layout: SortedHashInPlace}.Sign(params, probeDocKey)
	assert.Equal(t, auth.MD5Hash(sorted, probeDocKey), hash, "hash covers the other parameters, wherever it stands")
	assert.Equal(t, "action=get_users_schedule&dateend=31.01.2031&datestart=01.01.2031&hash="+hash+"&users=7", got)

	got, _ = MD5Variant{}.Sign(params, probeDocKey)
	assert.Regexp(t, `^action=get_users_schedule&users=7&datestart=01.01.2031&dateend=31.01.2031&hash=[0-9a-f]{32}$`, got)
	assert.Equal(t, "action", params[0].Key, "the caller's slice is not reordered")
	assert.Equal(t, "md5 over RFC 3986, keys sorted, hash in its sorted place", MD5Variant{Hashed: RFC3986Encoding, Layout: SortedHashInPlace}.String())
}
