package wire

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
		assert.Equal(t, want, Escape(in), "Escape(%q)", in)
	}
}

type params struct {
	Email  string `url:"email"`
	Name   string `url:"name,omitempty"`
	Client bool   `url:"client,int,omitempty"`
	Skip   string `url:"-"`
	Plain  string
}

func TestEncodeQueryOrderAndOmission(t *testing.T) {
	t.Parallel()
	var e Encoder
	q, err := e.Encode("add_contact", params{Email: "a@b.c", Client: true, Skip: "x", Plain: "p q"})
	require.NoError(t, err)
	assert.Equal(t, "action=add_contact&email=a%40b.c&client=1&Plain=p+q", q)

	q, err = e.Encode("get_users", nil)
	require.NoError(t, err)
	assert.Equal(t, "action=get_users", q)

	q, err = e.Encode("x", &params{Email: "x&action=add_user"})
	require.NoError(t, err)
	assert.Equal(t, "action=x&email=x%26action%3Dadd_user&Plain=", q, "a value cannot add a parameter")
}

func TestDecodeEnvelope(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		want       Envelope
		err        bool
	}{
		{"ok with data", `{"status":"ok","data":[1]}`, Envelope{OK: true, Data: json.RawMessage(`[1]`)}, false},
		{"ok no data", `{"status":"ok"}`, Envelope{OK: true}, false},
		{"error", `{"status":"error","status_code":10,"message":"Field is required","message_details":"email"}`,
			Envelope{StatusCode: 10, Message: "Field is required", Details: "email"}, false},
		{"string code", `{"status":"error","status_code":"11","message":"Invalid email"}`, Envelope{StatusCode: 11, Message: "Invalid email"}, false},
		{"details list", `{"status":"error","message":"x","message_details":["a","b"]}`, Envelope{Message: "x", Details: "a, b"}, false},
		{"oauth", `{"error":"invalid_request","errorDescription":"Cannot decrypt the refresh token"}`,
			Envelope{Message: "Cannot decrypt the refresh token", Details: "invalid_request"}, false},
		{"oauth snake", `{"error":"invalid_grant","error_description":"revoked"}`, Envelope{Message: "revoked", Details: "invalid_grant"}, false},
		{"capital OK", `{"status":"OK"}`, Envelope{OK: true}, false},
		{"html", `<html></html>`, Envelope{}, true},
		{"array", `[]`, Envelope{}, true},
		{"no status", `{"data":1}`, Envelope{}, true},
		{"odd status", `{"status":"maybe"}`, Envelope{}, true},
		{"truncated", `{"status":"ok","data":[`, Envelope{}, true},
		{"status object", `{"status":{}}`, Envelope{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeEnvelope([]byte(tc.body))
			if tc.err {
				require.ErrorIs(t, err, ErrNotEnvelope)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestScalars(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{`"3993"`: "3993", `3993`: "3993", `null`: "", ``: "", `"a\"b"`: `a"b`, `"Олег"`: "Олег", `-1.5`: "-1.5"} {
		got, err := Scalar([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`{}`, `[]`, `true`, `"unterminated`, `"`, `1x`} {
		_, err := Scalar([]byte(in))
		assert.Error(t, err, in)
	}

	for in, want := range map[string]*float64{`25`: ptr(25), `"11.5"`: ptr(11.5), `""`: nil, `null`: nil, ``: nil, `" 7 "`: ptr(7)} {
		got, err := Float([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`"lots"`, `{}`, `true`} {
		_, err := Float([]byte(in))
		assert.Error(t, err, in)
	}

	assert.True(t, EmptyArray([]byte(` [ ] `)))
	assert.False(t, EmptyArray([]byte(`[1]`)))
	assert.False(t, EmptyArray([]byte(`{}`)))
}

func ptr(f float64) *float64 { return &f }

func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range []string{`{"status":"ok","data":[]}`, `{"status":"error","status_code":"x","message":[1,{}]}`,
		`{"error":{},"errorDescription":null}`, `<html>`, ``, `{"status":"ok","data":`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := DecodeEnvelope(b)
		if err == nil && env.OK && len(env.Data) > 0 && !json.Valid(env.Data) {
			t.Fatalf("ok envelope with invalid data %q", env.Data)
		}
	})
}

func FuzzScalars(f *testing.F) {
	for _, s := range []string{`"1"`, `1`, `null`, `""`, `"\u00e9"`, `1e400`, `"`, `[]`, `true`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Scalar(b)
		if err == nil && json.Valid(b) && len(b) > 0 && b[0] == '"' {
			var want string
			require.NoError(t, json.Unmarshal(b, &want))
			if want != s {
				t.Fatalf("Scalar(%q) = %q, json says %q", b, s, want)
			}
		}
		_, _ = Float(b)
		_ = EmptyArray(b)
		_ = Text(b)
	})
}
