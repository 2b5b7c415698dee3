package wire

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCountData(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]int{
		`{"status":"ok","data":[]}`:                                0,
		`{"status":"ok","data":[ ]}`:                               0,
		`{"status":"ok","data":[{"id":"1"}]}`:                      1,
		`{"status":"ok","data":[{"a":[1,2,3]},{"b":{"c":","}},3]}`: 3,
		`{"data":{"10":{"x":1},"11":{"x":2}},"status":"ok"}`:       2,
		`{"status":"ok","message":"\"data\":[1,2]","data":[1]}`:    1,
		`{"status":"ok","x":{"data":[1,2,3]},"data":[1,2]}`:        2,
		`{"status":"error","message":"Field is required"}`:         0,
		`{"status":"ok","data":"[1,2,3]"}`:                         0,
		`{"status":"ok","data":["a\\\"],[",  "b"]}`:                2,
		`{"status":"ok","data":[1,2`:                               0,
		`not json at all "`:                                        0,
	} {
		assert.Equal(t, want, countData([]byte(body)), body)
	}
}

// sliceSink is a ListSink into a []json.RawMessage, for tests.
type sliceSink struct {
	items []json.RawMessage
	hint  int
}

func (s *sliceSink) Reset(n int) { s.hint, s.items = n, nil }
func (s *sliceSink) DecodeElement(dec *json.Decoder) error {
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return err
	}
	s.items = append(s.items, v)
	return nil
}

func TestDecodeList(t *testing.T) {
	t.Parallel()
	var s sliceSink
	env, err := Decode([]byte(`{"data":{"7":{"id":"7"},"9":{"id":"9"}},"status":"ok","extra":[1]}`), &s)
	require.NoError(t, err)
	assert.True(t, env.OK)
	assert.Equal(t, []json.RawMessage{json.RawMessage(`{"id":"7"}`), json.RawMessage(`{"id":"9"}`)}, s.items, "PHP's object keyed by id")

	env, err = Decode([]byte(`{"status":"error","status_code":10,"message":"Field is required","message_details":"email","data":[]}`), &s)
	require.NoError(t, err)
	assert.Equal(t, Envelope{StatusCode: 10, Message: "Field is required", Details: "email"}, env)

	_, err = Decode([]byte(`{"status":"ok","data":"nope"}`), &s)
	assert.ErrorIs(t, err, ErrData)
	_, err = Decode([]byte(`<html>`), &s)
	assert.ErrorIs(t, err, ErrNotEnvelope)
	_, err = Decode([]byte(`{"status":"ok","data":[1,`), &s)
	assert.ErrorIs(t, err, ErrNotEnvelope)
	_, err = Decode([]byte(`{"status":"ok","data":[1],"DATA":[2,3]}`), &s)
	require.NoError(t, err)
	assert.Equal(t, []json.RawMessage{json.RawMessage(`2`), json.RawMessage(`3`)}, s.items, "the last data key wins")

	_, err = Decode([]byte(`{"status":"ok","data":null}`), &s)
	assert.NoError(t, err)
	assert.Empty(t, s.items)
}

// FuzzCountData checks the skim against a real decode on valid input and
// that it never panics on anything.
func FuzzCountData(f *testing.F) {
	for _, s := range []string{`{"status":"ok","data":[{"a":"]"},2]}`, `{"data":{"1":{},"2":[]}}`, `{"data":"\\"}`, `{"data":[`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n := countData(b)
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(b, &env) != nil || len(b) == 0 || b[0] != '{' {
			return
		}
		var list []json.RawMessage
		var obj map[string]json.RawMessage
		switch {
		case json.Unmarshal(env.Data, &list) == nil:
			require.Equal(t, len(list), n, "%s", b)
		case json.Unmarshal(env.Data, &obj) == nil && !hasDuplicateKeys(env.Data):
			require.Equal(t, len(obj), n, "%s", b)
		}
	})
}

func hasDuplicateKeys(obj []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil {
		return true
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		k, _ := tok.(string)
		if seen[k] {
			return true
		}
		seen[k] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return true
		}
	}
	return false
}
