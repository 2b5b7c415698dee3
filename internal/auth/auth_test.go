package auth

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const docKey = "7776461cd931e7b1c8e9632ff8e979ce"

func TestMD5DocumentedVector(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ query, want string }{
		{"action=get_tasks&id_project=26", "ec3ab2c28f21b4a07424f8ed688d6644"}, // the FAQ's worked example
		{"action=get_users", "82d6b87d8d0b3ca3a91506adfc42751d"},
	} {
		got, err := (&MD5Query{Key: docKey}).Sign(context.Background(), "", tc.query, http.Header{})
		require.NoError(t, err)
		assert.Equal(t, tc.query+"&hash="+tc.want, got)
	}
}

func TestHMACVector(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	s := &HMACHeader{Key: docKey, Now: func() time.Time { return time.Unix(1700000000, 0) }}
	got, err := s.Sign(context.Background(), "get_users", "action=get_users", h)
	require.NoError(t, err)
	assert.Equal(t, "action=get_users", got, "params stay in the query, no hash")
	assert.Equal(t, "Admin 1700000000_04098e47b99eacb794e0ac4877898cd650c4dfb6f83121cf5e1c019254614b18", h.Get("Authorization"))
}

func TestBearer(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	got, err := (&Bearer{Token: func(context.Context) (string, error) { return "tok", nil }}).Sign(context.Background(), "me", "action=me", h)
	require.NoError(t, err)
	assert.Equal(t, "action=me", got)
	assert.Equal(t, "Bearer tok", h.Get("Authorization"))
}

func TestEscapeIsPHPUrlencode(t *testing.T) {
	t.Parallel()
	// Expected values are PHP urlencode() outputs.
	for in, want := range map[string]string{
		"kate.greenway@ws.com": "kate.greenway%40ws.com",
		"Kate Ann":             "Kate+Ann",
		"a~b":                  "a%7Eb",
		"a+b&c=d#e%f":          "a%2Bb%26c%3Dd%23e%25f",
		"Zoë":                  "Zo%C3%AB",
		"-_.":                  "-_.",
		"*'()!":                "%2A%27%28%29%21",
		"line\nnul\x00":        "line%0Anul%00",
		"":                     "",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}
