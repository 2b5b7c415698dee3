package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/worksectiontest"
)

// A range is marked in one request; --date stays for one day.
func TestScheduleSetRange(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	kate := findUser(srv.Users(), "kate.greenway@acme.example")
	require.NotNil(t, kate)
	before := len(srv.Schedule(kate.ID))

	r := h.run("schedule", "set", "--user", kate.Email, "--from", "2026-12-30", "--to", "2027-01-02", "--kind", "vacation")
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `{"added":4,"updated":0,"message":"Days added: 4, days updated: 0"}`, r.stdout)
	assert.Equal(t, 1, srv.ActionCount("update_users_schedule"), "one request for the range")
	days := srv.Schedule(kate.ID)
	assert.Len(t, days, before+4)
	for _, d := range []string{"2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"} {
		assert.Equal(t, "vacation", days[d], d)
	}

	r = h.run("schedule", "set", "--user", kate.Email, "--date", "2027-01-02", "--kind", "unset")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, srv.Schedule(kate.ID), "2027-01-02")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "2026-12-30"}, "--to is required with --from"},
		{[]string{"--to", "2026-12-30"}, "--from is required with --to"},
		{[]string{}, "--date or --from and --to is required"},
		{[]string{"--date", "2026-12-30", "--to", "2026-12-31"}, "give one or the other"},
		{[]string{"--from", "2026-01-01", "--to", "2028-01-01"}, "more than 367 days"},
	} {
		args := append([]string{"schedule", "set", "--user", kate.Email, "--kind", "vacation"}, tc.args...)
		oneErrorLine(t, h.run(args...), tc.want)
	}
	assert.Equal(t, 2, srv.ActionCount("update_users_schedule"), "refused before any call")
}
