package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/worksectiontest"
)

// The built tool prints JSON for every command, writes and version
// included: a create one object, an empty list [], every field present.
func TestBuiltToolJSON(t *testing.T) {
	u := newUser(t)
	code, stdout, stderr := u.run("", nil, "teams", "create", "Scripted", "-o", "json")
	require.Equal(t, 0, code, stderr)
	var team map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &team), "one object: %s", stdout)
	assert.Equal(t, "Scripted", team["title"])

	code, stdout, _ = u.run("", nil, "version", "-o", "json")
	require.Equal(t, 0, code)
	var version map[string]string
	require.NoError(t, json.Unmarshal([]byte(stdout), &version), stdout)
	assert.NotEmpty(t, version["sdk"])

	code, stdout, _ = u.run("", nil, "task", "subscribers", "1203", "-o", "json")
	require.Equal(t, 0, code)
	assert.Equal(t, "[]\n", stdout)

	code, stdout, _ = u.run("", nil, "users", "list", "-o", "json")
	require.Equal(t, 0, code)
	var users []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &users))
	for _, m := range users {
		assert.Contains(t, m, "phone4", "empty fields are present")
	}
}

// --jq filters the JSON; a bad expression exits 1 before any request.
func TestBuiltToolJQ(t *testing.T) {
	srv := worksectiontest.NewServer()
	defer srv.Close()
	u := newUser(t, "WORKSECTION_ACCOUNT_URL="+srv.URL, "WORKSECTION_API_KEY="+srv.APIKey)
	code, stdout, stderr := u.run("", nil, "users", "invite", "--email", "x@new.example", "--yes", "--jq", ".[")
	assert.Equal(t, 1, code)
	assert.Equal(t, `worksection: --jq ".[": unexpected EOF`, strings.TrimSpace(stderr))
	assert.Empty(t, stdout)
	assert.Empty(t, srv.Requests(), "refused before any call")

	code, stdout, stderr = u.run("", nil, "users", "list", "--jq", `.[] | select(.role == "guest") | .email, {id}`)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "peter@northwind.example\n{\"id\":\"3999\"}\n", stdout, "strings raw, other values as JSON")
}

// --columns chooses the columns, --no-headers drops the header row; an
// unknown column exits 1 before any request, naming the valid ones.
func TestBuiltToolColumns(t *testing.T) {
	srv := worksectiontest.NewServer()
	defer srv.Close()
	u := newUser(t, "WORKSECTION_ACCOUNT_URL="+srv.URL, "WORKSECTION_API_KEY="+srv.APIKey)
	code, stdout, stderr := u.run("", nil, "users", "list", "--columns", "email,nmae")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `has no column "nmae"; it has id, name, email`)
	assert.Empty(t, stdout)
	assert.Empty(t, srv.Requests(), "refused before any call")

	code, stdout, stderr = u.run("", nil, "users", "list", "-o", "csv", "--columns", "email,role", "--no-headers")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "john.smith@acme.example,owner", strings.Split(stdout, "\n")[0])
	code, stdout, _ = u.run("", nil, "users", "list", "-o", "table", "--columns", "EMAIL,team")
	require.Equal(t, 0, code)
	assert.Regexp(t, `^EMAIL +TEAM\njohn.smith@acme.example +Management\n`, stdout)
}
