package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/worksectiontest"
)

func TestJQ(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.tty = true // --jq implies JSON, on a terminal too

	r := h.run("users", "list", "--jq", `.[] | select(.role == "user") | .email`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "liam.obrien@acme.example\nyuki.tanaka@acme.example\n", r.stdout, "strings raw, one a line")

	r = h.run("users", "get", "ann.auditor@acme.example", "--jq", `{email, phone, n: 1}, [.rate, "a\tb"]`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "{\"email\":\"ann.auditor@acme.example\",\"n\":1,\"phone\":\"\"}\n[null,\"a\\tb\"]\n", r.stdout,
		"other values as JSON, one a line (a string inside a list stays JSON)")

	r = h.run("users", "list", "--jq", `.[0].name + "\t" + .[0].email`)
	assert.Equal(t, "John Smith\tjohn.smith@acme.example\n", r.stdout, "tabs stay, for @tsv")

	r = h.run("teams", "create", "Jq Team", "--jq", ".title")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Jq Team\n", r.stdout, "a write's record goes through --jq too")
	r = h.run("teams", "create", "Dry", "--dry-run", "--jq", ".[].action")
	assert.Equal(t, "add_user_group\n", r.stdout)

	r = h.run("users", "list", "--jq", ".[] | halt")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	r = h.run("users", "list", "--jq", ".foo")
	oneErrorLine(t, r, `--jq ".foo"`, "expected an object but got: array")
}

// A bad expression, or --jq with flags it cannot go with, exits 1 before
// any request, writes included.
func TestJQRefusedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"users", "list", "--jq", ".["}, `--jq ".[": unexpected EOF`},
		{[]string{"teams", "create", "Never", "--jq", "nosuchfunc"}, "function not defined: nosuchfunc/0"},
		{[]string{"users", "list", "--jq", "input"}, "--jq"},
		{[]string{"users", "list", "--jq", ".", "-o", "table"}, "--jq filters JSON: it cannot be used with -o table"},
		{[]string{"users", "list", "--jq", ".", "-o", "csv"}, "cannot be used with -o csv"},
		{[]string{"users", "list", "--jq", ".", "--columns", "email"}, "drop --columns"},
		{[]string{"completion", "bash", "--jq", "."}, "--jq does not apply to 'worksection completion bash'"},
	} {
		oneErrorLine(t, h.run(tc.args...), tc.want)
	}
	assert.Empty(t, srv.Requests(), "nothing was sent")
	assert.Len(t, srv.UserGroups(), len(worksectiontest.DefaultSeed().UserGroups))
}

// Results are made safe like all output: a server's escape codes never
// reach the terminal, raw or as JSON.
func TestJQOutputIsSanitised(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	require.Equal(t, 0, h.run("teams", "create", "Evil\x1b[2J\u202e\u0085Team").code)
	r := h.run("teams", "list", "--jq", `.[] | select(.title | startswith("Evil")) | .title, {title}`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Evil[2JTeam\n{\"title\":\"Evil\\u001b[2J\\u202e\\u0085Team\"}\n", r.stdout)
}

func TestColumns(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)

	r := h.run("users", "list", "-o", "csv", "--columns", "email,NAME,role")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "EMAIL,NAME,ROLE", lines(r.stdout)[0])
	assert.Contains(t, r.stdout, "\noleg.koval@acme.example,Олег Коваль,team admin\n")

	r = h.run("users", "list", "-o", "csv", "--columns", "phone3,team,first_name", "--no-headers")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, ",Management,John", lines(r.stdout)[0], "any JSON field; the header's name works too; no header row")
	assert.Contains(t, r.stdout, "'+380 67 000 0000,Development,Олег\n")

	r = h.run("users", "list", "--columns", "email,role") // not a terminal: --columns means a table
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^EMAIL +ROLE\njohn.smith@acme.example +owner\n`, r.stdout)

	r = h.run("users", "list", "-o", "table", "--no-headers")
	assert.Regexp(t, `^3993 +John Smith +john.smith@acme.example`, r.stdout)

	r = h.run("sync", "apply", "--yes", "-o", "table", "--no-headers", "--columns", "status,target",
		"--from", writeCSV(t, "email\ncol@new.example\n"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "done  col@new.example\n", r.stdout, "no header and no summary")

	r = h.run("teams", "create", "Cols", "--dry-run", "-o", "csv", "--columns", "params")
	assert.Equal(t, "PARAMS\ntitle=Cols\n", r.stdout, "a dry run's columns")
	r = h.run("version", "--columns", "sdk", "--no-headers")
	assert.Regexp(t, `^\d+\.\d+\.\d+\n$`, r.stdout)
	r = h.run("whoami", "--columns", "host,email")
	assert.Regexp(t, `^ACCOUNT +EMAIL\n127.0.0.1:\d+ +-\n$`, r.stdout, "whoami's columns are a member's and a key's")
}

// Each command's help lists its columns.
func TestHelpListsColumns(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	r := h.run("users", "list", "--help")
	require.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "Columns (--columns, -o table or csv): id name email role group department\n  title first_name")
	r = h.run("teams", "create", "--help")
	assert.Contains(t, r.stdout, "Columns (--columns, -o table or csv): id title type client\nWith --dry-run: action params.")
	assert.NotContains(t, h.run("completion", "--help").stdout, "Columns")

	r = h.run("__complete", "users", "list", "--columns", "email,na")
	assert.Contains(t, lines(r.stdout), "email,name", "the names typed stay")
	assert.Contains(t, lines(r.stdout), ":6", "no file names, no space after")
	r = h.run("__complete", "users", "list", "--jq", "")
	assert.Equal(t, []string{":4"}, lines(r.stdout)[:1], "no file names")
}

func TestColumnsRefusedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	r := h.run("users", "list", "--columns", "email,bogus")
	oneErrorLine(t, r, `--columns: 'worksection users list' has no column "bogus"; it has id, name, email, role, group, department, title, first_name`)
	oneErrorLine(t, h.run("teams", "create", "Never", "--columns", "nope"), `has no column "nope"`)
	oneErrorLine(t, h.run("teams", "create", "Never", "--dry-run", "--columns", "title"), `has no column "title"; it has action, params`)
	oneErrorLine(t, h.run("users", "list", "--columns", " , "), "--columns names no column")
	oneErrorLine(t, h.run("--columns", "", "users", "list"), "--columns names no column")
	oneErrorLine(t, h.run("users", "list", "--jq", " "), "--jq needs an expression")
	oneErrorLine(t, h.run("--jq", "", "users", "list"), "--jq needs an expression")
	oneErrorLine(t, h.run("users", "list", "--columns", "email", "-o", "json"), "--columns and --no-headers are for -o table and -o csv")
	oneErrorLine(t, h.run("users", "list", "--no-headers", "-o", "json"), "not JSON")
	oneErrorLine(t, h.run("help", "users", "--no-headers"), "--no-headers does not apply")
	assert.Empty(t, srv.Requests(), "nothing was sent")
	assert.Len(t, srv.UserGroups(), len(worksectiontest.DefaultSeed().UserGroups))
}
