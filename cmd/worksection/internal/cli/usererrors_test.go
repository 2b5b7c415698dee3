package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/worksection-go/worksection/worksectiontest"
)

// Bad input is told by the flag or argument the user typed, never by the
// SDK's field names or Go's parser, and nothing reaches the account.
func TestErrorsInTheUsersTerms(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"teams", "create", " "}, "worksection: --title is required"},
		{[]string{"folders", "create", "--title", " "}, "worksection: --title is required"},
		{[]string{"contacts", "add", "--email", "pat@vendor.example", "--name", " "}, "worksection: --name is required\n"},
		{[]string{"contacts", "add", "--email", "pat", "--name", "Pat"}, `worksection: --email "pat" is not a valid email address` + "\n"},
		{[]string{"task", "subscribers", "abc"}, `worksection: task id "abc" is not a number` + "\n"},
		{[]string{"projects", "members", "add", "abc", "--email", "kate.greenway@acme.example"}, `worksection: project id "abc" is not a number` + "\n"},
		{[]string{"subscribe", "--task", "abc", "--email", "kate.greenway@acme.example"}, `worksection: --task "abc" is not a number` + "\n"},
		{[]string{"schedule", "set", "--user", "kate.greenway@acme.example", "--date", "2026-12-24", "--kind", "holiday"},
			"worksection: --kind: want vacation, sick-leave, workday or unset"},
		{[]string{"schedule", "get", "--from", "2026-12-31", "--to", "2026-12-01"}, "worksection: --to is before --from"},
		{[]string{"schedule", "set", "--user", "kate.greenway@acme.example", "--from", "2026-12-31", "--to", "2026-12-01", "--kind", "vacation"},
			"worksection: --to is before --from"},
		{[]string{"schedule", "set", "--user", "kate.greenway@acme.example", "--date", "24/12/2026", "--kind", "vacation"},
			`worksection: --date "24/12/2026" is not a date: want YYYY-MM-DD or DD.MM.YYYY`},
		{[]string{"users", "invite", "--email", "ann@new.example", "--max-invites", "abc"}, `worksection: --max-invites "abc" is not a number` + "\n"},
		{[]string{"sync", "apply", "--from", "x.csv", "--max-invites", "abc"}, `worksection: --max-invites "abc" is not a number` + "\n"},
		{[]string{"users", "list", "--account-url", "acme.worksection.com", "--api-key", "k"},
			`worksection: --account-url "acme.worksection.com" has no scheme: use https://acme.worksection.com` + "\n"},
		{[]string{"users", "list", "--account-url", "user:pw@acme.worksection.com/x?k=1", "--api-key", "k"},
			`worksection: --account-url "acme.worksection.com" has no scheme: use https://acme.worksection.com` + "\n"},
	} {
		r := h.run(tc.args...)
		assert.Equal(t, 1, r.code, "%v", tc.args)
		assert.Contains(t, r.stderr, tc.want, "%v", tc.args)
		for _, bad := range []string{"invalid Title", "invalid Name", "TaskID", "taskID", "changes[0]", "strconv", "End", "NewClient", "pw"} {
			assert.NotContains(t, r.stderr, bad, "%v", tc.args)
		}
	}
	assert.Empty(t, srv.Requests(), "nothing was sent")
}

// An address the account does not know is named as such.
func TestNotAMemberOfTheAccount(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	for _, args := range [][]string{
		{"subscribe", "--task", "1203", "--email", "nobody@x.example"},
		{"unsubscribe", "--task", "1203", "--email", "nobody@x.example"},
		{"projects", "members", "add", "27", "--email", "nobody@x.example"},
		{"projects", "members", "remove", "27", "--email", "nobody@x.example"},
		{"schedule", "set", "--user", "nobody@x.example", "--date", "2026-12-24", "--kind", "vacation"},
		{"schedule", "get", "--users", "nobody@x.example"},
	} {
		r := h.run(args...)
		assert.Equal(t, 1, r.code, "%v", args)
		assert.Equal(t, "worksection: nobody@x.example is not a member of the account\n", r.stderr, "%v", args)
	}
}
