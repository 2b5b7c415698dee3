package transport

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedactor(t *testing.T) {
	t.Parallel()
	r := Redactor{"s3cret"}
	assert.Equal(t, "a?hash=REDACTED&x=1 access_token=REDACTED REDACTED", r.Text("a?hash=abc&x=1 access_token=tok s3cret"))
	body := []byte(strings.Repeat("a", 198) + "s3cret")
	assert.Equal(t, strings.Repeat("a", 198)+"RE", Excerpt(body, r), "masked before cutting")
}

func TestRedactorEchoForms(t *testing.T) {
	t.Parallel()
	const hexHash, token = "0123abcdef", "ab/c+d=e"
	r := Redactor{hexHash, token}
	for _, echoed := range []string{
		"0123ABCDEF", "0123AbCdEf", // hex in another case
		`ab\/c+d=e`,      // JSON with escaped slash
		"ab%2Fc%2Bd%3De", // query-escaped
		"ab%2Fc+d=e",     // path-escaped
	} {
		got := r.Text(`{"message":"bad ` + echoed + `"}`)
		assert.NotContains(t, strings.ToLower(got), strings.ToLower(echoed), echoed)
		assert.Contains(t, got, "REDACTED", echoed)
	}
}

func TestRedactorWithholdsEscapedEchoes(t *testing.T) {
	t.Parallel()
	r := Redactor{"tok/en"}
	for _, echoed := range []string{
		"%74%6F%6B%2F%65%6E",     // every byte percent-encoded
		`\u0074\u006f\u006b\/en`, // JSON \u escapes
		"&#116;ok/en",            // an HTML entity
		"tok%252Fen",             // one escape inside another
	} {
		got := r.Text("error: " + echoed)
		assert.Equal(t, Withheld, got, echoed)
		assert.True(t, r.Holds(echoed), echoed)
	}
	assert.False(t, r.Holds("nothing here"))
	assert.Equal(t, "nothing here", r.Text("nothing here"))
}

func TestRedactorErrStripsQueryAndCutsLeakingChains(t *testing.T) {
	t.Parallel()
	const key = "api" // a short secret must not garble URLs: queries are dropped, not masked
	r := Redactor{key, "tok123"}
	ue := &url.Error{Op: "Get", URL: "https://h.example/api/admin/v2/?action=get_users&hash=deadbeef", Err: context.DeadlineExceeded}
	err := r.Err(ue)
	assert.Equal(t, `Get "https://h.example/api/admin/v2/": context deadline exceeded`, err.Error())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var got *url.Error
	require.ErrorAs(t, err, &got)
	assert.NotSame(t, ue, got, "the original URL must not be reachable")

	leaky := fmt.Errorf("wrapped: %w", &url.Error{Op: "Post", URL: "https://h.example/x", Err: errors.New("server said tok123")})
	err = r.Err(leaky)
	assert.NotContains(t, err.Error(), "tok123")
	for e := err; e != nil; e = errors.Unwrap(e) {
		assert.NotContains(t, e.Error(), "tok123")
	}
	assert.False(t, r.Leaks(err))

	timeout := r.Err(fmt.Errorf("x tok123: %w", timeoutErr{}))
	var te interface{ Timeout() bool }
	require.ErrorAs(t, timeout, &te)
	assert.True(t, te.Timeout())
}

type timeoutErr struct{}

func (timeoutErr) Error() string { return "i/o timeout" }
func (timeoutErr) Timeout() bool { return true }
