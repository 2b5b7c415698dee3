package cli

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/worksectiontest"
)

// nullable are the fields that may be null: a number or time the server
// or the credential does not have. Lists never are.
var nullable = []string{"rate", "expires", "refreshes", "status_code"}

// checkShape fails on a null anywhere in v but in a nullable field.
func checkShape(t *testing.T, what string, v any, key string) {
	t.Helper()
	switch v := v.(type) {
	case nil:
		assert.Contains(t, nullable, key, "%s: %q is null", what, key)
	case []any:
		for _, e := range v {
			checkShape(t, what, e, key)
		}
	case map[string]any:
		for k, e := range v {
			checkShape(t, what, e, k)
		}
	}
}

// Every command prints JSON with -o json, writes included: a create one
// object, a list a list ([] when empty), a report one object.
func TestEveryCommandHonoursJSON(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	people := writeCSV(t, "email,team\nann@new.example,Sales\nkate.greenway@acme.example,Development\n")
	const object, list = "object", "list"
	for _, tc := range []struct {
		args  []string
		want  string
		codes []int // besides 0
	}{
		{[]string{"version"}, object, nil},
		{[]string{"users", "list"}, list, nil},
		{[]string{"users", "get", "kate.greenway@acme.example"}, object, nil},
		{[]string{"users", "invite", "--email", "inv@new.example", "--dry-run"}, list, nil},
		{[]string{"users", "invite", "--email", "inv@new.example", "--yes"}, object, nil},
		{[]string{"teams", "list"}, list, nil},
		{[]string{"teams", "create", "Json Team"}, object, nil},
		{[]string{"teams", "create", "Dry Team", "--dry-run"}, list, nil},
		{[]string{"contacts", "list"}, list, nil},
		{[]string{"contacts", "add", "--email", "c@contact.example", "--name", "C Contact"}, object, nil},
		{[]string{"folders", "list"}, list, nil},
		{[]string{"folders", "create", "Json Folder"}, object, nil},
		{[]string{"subscribe", "--task", "1203", "--email", "yuki.tanaka@acme.example"}, object, nil},
		{[]string{"unsubscribe", "--task", "1203", "--email", "yuki.tanaka@acme.example"}, object, nil},
		{[]string{"task", "subscribers", "1203"}, list, nil},
		{[]string{"projects", "members", "list", "26"}, list, nil},
		{[]string{"projects", "members", "add", "26", "--email", "yuki.tanaka@acme.example"}, list, nil},
		{[]string{"projects", "members", "remove", "26", "--email", "yuki.tanaka@acme.example"}, list, nil},
		{[]string{"schedule", "get"}, list, nil},
		{[]string{"schedule", "set", "--user", "kate.greenway@acme.example", "--date", "2026-12-24", "--kind", "vacation"}, object, nil},
		{[]string{"sync", "plan", "--from", people}, object, []int{2}},
		{[]string{"sync", "apply", "--from", people, "--yes"}, object, nil},
		{[]string{"auth", "status"}, object, nil},
		{[]string{"whoami"}, object, nil},
		{[]string{"doctor"}, object, []int{3}},
	} {
		r := h.run(append(tc.args, "-o", "json")...)
		require.Contains(t, append([]int{0}, tc.codes...), r.code, "%v: %s", tc.args, r.stderr)
		v, err := decodeJSON([]byte(r.stdout))
		require.NoError(t, err, "%v: %s", tc.args, r.stdout)
		if tc.want == object {
			assert.IsType(t, map[string]any{}, v, "%v: one object", tc.args)
		} else {
			assert.IsType(t, []any{}, v, "%v: a list", tc.args)
		}
		checkShape(t, strings.Join(tc.args, " "), v, "")
	}
	r := h.run("task", "subscribers", "1203", "-o", "json")
	assert.Equal(t, "[]\n", r.stdout, "an empty list is [], not null")
}

func TestContextCommandsHonourJSON(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	r := h.run("context", "list", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "[]\n", r.stdout)
	h.stdin = srv.APIKey
	r = h.run("context", "create", "c1", "--account-url", srv.URL, "--api-key-stdin", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	created := decode[map[string]any](t, r.stdout)
	for _, args := range [][]string{{"context", "use", "c1"}, {"context", "active"}, {"logout"}, {"context", "delete", "c1"}} {
		r = h.run(append(args, "-o", "json")...)
		require.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
		got := decode[map[string]any](t, r.stdout)
		got["active"] = created["active"] // delete: no longer
		assert.Equal(t, created, got, "%v: the context, one object of one shape", args)
	}

	h.env = map[string]string{envClientID: srv.ClientID, envClientSecret: srv.ClientSecret, envOAuthURL: srv.URL}
	r = h.run("login", "--context", "me", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "me", decode[contextJSON](t, r.stdout).Name)
}

func TestFakeAndVersionHonourJSON(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan result, 1)
	go func() { done <- h.runCtx(ctx, &out, "fake", "--key", "k9", "-o", "json") }()
	require.Eventually(t, func() bool { return strings.HasSuffix(out.String(), "}\n") }, 30*1e9, 1e7)
	cancel()
	require.Equal(t, 0, (<-done).code)
	info := decode[fakeInfo](t, out.String())
	assert.Equal(t, "k9", info.APIKey)
	assert.True(t, strings.HasPrefix(info.AccountURL, "http://127.0.0.1:"), info.AccountURL)

	r := h.run("version", "--jq", ".sdk")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotEmpty(t, strings.TrimSpace(r.stdout))
	assert.NotContains(t, r.stdout, "worksection", "the field, not the line")
}

// A member is one shape wherever it is printed: users list, users get and
// a plan's unmanaged members.
func TestOneRecordOneShape(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	keys := func(args ...string) []string {
		r := h.run(append(args, "-o", "json")...)
		require.Contains(t, []int{0, 2}, r.code, r.stderr)
		v, err := decodeJSON([]byte(r.stdout))
		require.NoError(t, err)
		var rec map[string]any
		switch v := v.(type) {
		case []any:
			rec = v[0].(map[string]any)
		case map[string]any:
			rec = v
			if u, ok := v["unmanaged"].([]any); ok {
				rec = u[0].(map[string]any)
			}
		}
		var out []string
		for k := range rec {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	list := keys("users", "list")
	assert.Contains(t, list, "phone4", "empty fields are present")
	assert.Equal(t, list, keys("users", "get", "ann.auditor@acme.example"))
	assert.Equal(t, list, keys("sync", "plan", "--from", writeCSV(t, "email\nnew@new.example\n")))
	assert.Equal(t, keys("contacts", "list"), keys("contacts", "add", "--email", "s@contact.example", "--name", "S"))
}

// Every command that prints records says which columns it has, so that
// --columns is checked before it runs; no entry names a missing command.
func TestEveryCommandHasColumns(t *testing.T) {
	t.Parallel()
	a := &app{env: newHarness(t, nil).environ(nil, nil)}
	root := a.root()
	seen := 0
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c.HasSubCommands() || !c.Runnable() || c.Name() == "help" || c.Name() == "__complete" || c.Name() == "__completeNoDesc" ||
			(c.HasParent() && c.Parent().Name() == "completion") {
			return
		}
		views, ok := a.commandViews(c)
		if assert.True(t, ok, "%s has no columns", c.CommandPath()) {
			seen++
			assert.NotEmpty(t, views[0].cols, c.CommandPath())
		}
	}
	walk(root)
	assert.Equal(t, 31, seen, "every command with records, counted")
}

// emit's JSON is the shaped encoding, indented and safe for a terminal.
func TestEmitJSONIsSafe(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	require.NoError(t, emitJSON(&b, map[string]string{"title": "a\u202eb\x1b[2J"}))
	assert.Equal(t, "{\n  \"title\": \"a\\u202eb\\u001b[2J\"\n}\n", b.String())
	assert.True(t, json.Valid([]byte(b.String())))
}
