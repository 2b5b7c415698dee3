package worksection_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func TestHostileValuesArriveExactly(t *testing.T) {
	t.Parallel()
	values := []string{
		"x&action=add_user", "a=b", "#fragment", "100% off", "1+1", "line\nbreak\r\n", "nul\x00byte",
		"\u202eRTL override\u202c", "emoji 🎉👩‍💻", "semi;colon", "quote\"'`", "tab\there", " leading and trailing ",
		"percent %41 literal", "ünïcödé ß", "back\\slash", "<script>alert(1)</script>",
	}
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client()
	for i, v := range values {
		p := ws.AddContactParams{Email: fmt.Sprintf("h%d@example.com", i), Name: "Hostile " + v, Title: v, Address: v, Phone: v}
		_, err := c.AddContact(context.Background(), p)
		require.NoError(t, err, "%q", v)
		got := srv.Requests()[len(srv.Requests())-1]
		assert.Equal(t, "add_contact", got.Action, "a value cannot replace the action: %q", v)
		assert.Equal(t, []string{v}, got.Params["title"], "%q", v)
		assert.Equal(t, []string{v}, got.Params["address"], "%q", v)
		assert.Equal(t, []string{"Hostile " + v}, got.Params["name"], "%q", v)
		assert.Len(t, got.Params, 5, "no parameter added by %q", v)
	}
}

func TestLongValues(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Ж&=+ ", 2048) // 10 KB before encoding
	srv := worksectiontest.NewServer()
	defer srv.Close()

	_, err := srv.Client().AddContact(context.Background(), ws.AddContactParams{Email: "l@example.com", Name: "Long", Address: long})
	require.ErrorIs(t, err, ws.ErrInvalidInput, "md5 signing covers only the URL, so a long URL is refused")
	assert.Contains(t, err.Error(), "the API refuses more than 8192")
	assert.Empty(t, srv.Requests(), "refused before sending")

	c := srv.Client(ws.WithHMACSigning())
	_, err = c.AddContact(context.Background(), ws.AddContactParams{Email: "l@example.com", Name: "Long", Address: long})
	require.NoError(t, err)
	got := srv.Requests()[0]
	assert.Equal(t, worksectiontest.AuthHMAC, got.Auth)
	assert.Equal(t, []string{long}, got.Params["address"], "sent in a JSON body, received exactly")
}

func FuzzQueryRoundTrip(f *testing.F) {
	for _, s := range []string{"plain", "x&action=add_user", "a=b&hash=0", "%zz", "+ +", "\x00\n\r", "🎉"} {
		f.Add(s, s+"!")
	}
	srv := worksectiontest.NewServer()
	f.Cleanup(srv.Close)
	c := srv.Client()
	f.Fuzz(func(t *testing.T, title, address string) {
		if strings.TrimSpace(title) == "" || len(title)+len(address) > 2000 || !utf8.ValidString(title) {
			t.Skip()
		}
		_, err := c.AddContactGroup(context.Background(), ws.AddContactGroupParams{Title: title})
		require.NoError(t, err, "the fake's own verifier accepts the signature for %q", title)
		reqs := srv.Requests()
		got := reqs[len(reqs)-1]
		require.Equal(t, "add_contact_group", got.Action)
		require.Equal(t, []string{title}, got.Params["title"])
		require.Len(t, got.Params, 1)
	})
}
