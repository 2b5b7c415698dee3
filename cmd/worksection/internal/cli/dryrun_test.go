package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/worksectiontest"
)

// --dry-run prints one line a request (JSON with -o json) and sends no
// write.
func TestDryRun(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	for _, tc := range []struct {
		args []string
		want []string // the lines of -o table
	}{
		{[]string{"teams", "create", "Sales Team", "--client"}, []string{`dry run: would send add_user_group client=1 title="Sales Team"`}},
		{[]string{"contacts", "add", "--email", "pat@vendor.example", "--name", "Pat Doe", "--folder", "Vendors"},
			[]string{`dry run: would send add_contact email=pat@vendor.example group=Vendors name="Pat Doe"`}},
		{[]string{"folders", "create", "Vendors"}, []string{"dry run: would send add_contact_group title=Vendors"}},
		{[]string{"projects", "members", "add", "27", "--email", "kate.greenway@acme.example,oleg.koval@acme.example"},
			[]string{"dry run: would send add_project_members id_project=27 members=kate.greenway@acme.example,oleg.koval@acme.example"}},
		{[]string{"projects", "members", "remove", "26", "--email", "john.smith@acme.example"},
			[]string{"dry run: would send delete_project_members id_project=26 members=john.smith@acme.example"}},
		{[]string{"subscribe", "--task", "1203", "--email", "kate.greenway@acme.example"},
			[]string{"dry run: would send subscribe email_user=kate.greenway@acme.example id_task=1203"}},
		{[]string{"unsubscribe", "--task", "1201", "--email", "kate.greenway@acme.example"},
			[]string{"dry run: would send unsubscribe email_user=kate.greenway@acme.example id_task=1201"}},
		{[]string{"schedule", "set", "--user", "kate.greenway@acme.example", "--from", "2026-12-30", "--to", "2027-01-01", "--kind", "vacation"},
			[]string{`dry run: would send update_users_schedule data="{\"kate.greenway@acme.example\":{\"01.01.2027\":\"vacation\",\"30.12.2026\":\"vacation\",\"31.12.2026\":\"vacation\"}}"`}},
		{[]string{"users", "invite", "--email", "ann@new.example", "--email", "kate.greenway@acme.example", "--team", "Sales"},
			[]string{"dry run: would send add_user_group title=Sales", "dry run: would send add_user email=ann@new.example group=Sales"}},
	} {
		r := h.run(append(tc.args, "--dry-run", "-o", "table")...)
		require.Equal(t, 0, r.code, "%v: %s", tc.args, r.stderr)
		assert.Equal(t, tc.want, lines(r.stdout), "%v", tc.args)

		r = h.run(append(tc.args, "--dry-run", "-o", "json")...)
		require.Equal(t, 0, r.code, "%v: %s", tc.args, r.stderr)
		var reqs []request
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &reqs), r.stdout)
		require.Len(t, reqs, len(tc.want), "%v", tc.args)
		assert.Equal(t, strings.Fields(tc.want[0])[4], reqs[0].Action, "%v", tc.args)
	}
	for _, req := range srv.Requests() {
		assert.True(t, strings.HasPrefix(req.Action, "get_"), "only users invite reads the account (to plan); nothing is written: %s", req.Action)
	}
	assert.Len(t, srv.Users(), len(worksectiontest.DefaultSeed().Users))
}

// A dry run refuses bad input like the real run.
func TestDryRunValidates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	oneErrorLine(t, h.run("contacts", "add", "--email", "pat", "--name", "Pat", "--dry-run"), `--email "pat" is not a valid email address`)
	oneErrorLine(t, h.run("projects", "members", "add", "x", "--email", "a@b.example", "--dry-run"), `project id "x" is not a number`)
}

// Control characters in a value never reach the terminal raw.
func TestDryRunLineIsSafe(t *testing.T) {
	t.Parallel()
	line := request{Action: "add_user_group", Params: map[string]string{"title": "a\x1b[31mred\nline"}}.line()
	assert.Equal(t, `dry run: would send add_user_group title="a\x1b[31mred\nline"`, line)
}
