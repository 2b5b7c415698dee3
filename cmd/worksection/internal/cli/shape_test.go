package cli

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/roster"
)

// shaped is v as the tool prints it, read back: what a script decoding
// the tool's JSON gets.
func shaped[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := shapeJSON(v)
	require.NoError(t, err)
	var out T
	require.NoError(t, json.Unmarshal(b, &out), "%s", b)
	return out
}

// Every field is present whatever its omitempty says; lists are [] and
// maps {} when empty; absent pointers are null; an embedded struct's
// fields are in its place; "-" is left out; a type's own form is kept.
func TestShapeJSON(t *testing.T) {
	t.Parallel()
	type outer struct {
		roster.Report
		Done   string            `json:"done"` // wins over Report's done
		B      string            `json:"b,omitempty"`
		List   []string          `json:"list,omitempty"`
		Map    map[string]string `json:"map,omitempty"`
		Ptr    *float64          `json:"ptr,omitempty"`
		When   time.Time         `json:"when"`
		Hidden string            `json:"-"`
		Plain  int
		Nested []roster.Person `json:"nested"`
		Any    any             `json:"any"`
	}
	v := outer{B: "outer", Hidden: "x", When: time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC),
		Map: map[string]string{"z": "1", "a": "2"}, Nested: []roster.Person{{Email: "a@b.example"}}}
	b, err := shapeJSON(v)
	require.NoError(t, err)
	assert.Equal(t, `{"failed":[],"skipped":[],"interrupted":[],"done":"","b":"outer","list":[],"map":{"a":"2","z":"1"},"ptr":null,`+
		`"when":"2026-12-24T00:00:00Z","Plain":0,"nested":[{"email":"a@b.example","first_name":"","last_name":"","title":"","team":"",`+
		`"department":"","role":"","projects":[]}],"any":null}`, string(b))

	b, err = shapeJSON([]ws.User(nil))
	require.NoError(t, err)
	assert.Equal(t, "[]", string(b), "a list is never null")

	var u map[string]any
	b, err = shapeJSON(ws.User{ID: "1"})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &u))
	for _, f := range []string{"phone", "phone4", "address", "url", "rate", "contacts", "date_added", "services"} {
		assert.Contains(t, u, f, "a member always has %s", f)
	}
	assert.Equal(t, map[string]any{"chats": map[string]any{}, "socials": map[string]any{}}, u["services"])
}

func TestCellText(t *testing.T) {
	t.Parallel()
	v, err := decodeJSON([]byte(`{"s":"x","n":12.50,"b":true,"z":null,"l":["a",1],"o":{"k":"v"}}`))
	require.NoError(t, err)
	m := v.(map[string]any)
	for k, want := range map[string]string{"s": "x", "n": "12.50", "b": "true", "z": "", "l": "a, 1", "o": `{"k":"v"}`} {
		assert.Equal(t, want, cellText(m[k]), k)
	}
}
