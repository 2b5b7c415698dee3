package worksectiontest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

// TestSDKMembersActions runs the SDK's six members actions against the
// fake in each signing mode: the fake checks each mode's request shape, the
// SDK decodes the fake's recorded shapes, and the state reads back.
func TestSDKMembersActions(t *testing.T) {
	t.Parallel()
	for name, client := range map[string]func(*worksectiontest.Server) *ws.Client{
		"md5":  func(s *worksectiontest.Server) *ws.Client { return s.Client() },
		"hmac": func(s *worksectiontest.Server) *ws.Client { return s.Client(ws.WithHMACSigning()) },
		"token": func(s *worksectiontest.Server) *ws.Client {
			c, err := ws.NewClient(s.URL, ws.WithAccessToken(s.NewAccessToken("john.smith@acme.example")), ws.WithRateLimit(rate.Inf, 0))
			require.NoError(t, err)
			return c
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := worksectiontest.NewServer()
			defer srv.Close()
			c := client(srv)

			p := ws.ProjectMembersParams{ProjectID: "28", Emails: []string{"yuki.tanaka@acme.example", "liam.obrien@acme.example"}}
			require.NoError(t, c.AddProjectMembers(ctx, p))
			require.NoError(t, c.AddProjectMembers(ctx, p), "idempotent")
			assert.Equal(t, p.Emails, srv.ProjectMembers("28"))
			members, err := c.GetProjectMembers(ctx, "28")
			require.NoError(t, err)
			assert.Equal(t, []ws.UserRef{{ID: "3998", Email: "yuki.tanaka@acme.example", Name: "Yuki Tanaka"},
				{ID: "3997", Email: "liam.obrien@acme.example", Name: "Liam O'Brien"}}, members)
			require.NoError(t, c.DeleteProjectMembers(ctx, ws.ProjectMembersParams{ProjectID: "28", Emails: []string{"yuki.tanaka@acme.example"}}))
			assert.Equal(t, []string{"liam.obrien@acme.example"}, srv.ProjectMembers("28"))
			err = c.AddProjectMembers(ctx, ws.ProjectMembersParams{ProjectID: "28", Emails: []string{"stranger@else.example"}})
			assert.ErrorIs(t, err, ws.ErrInvalidEmail)
			_, err = c.GetProjectMembers(ctx, "999")
			assert.ErrorIs(t, err, ws.ErrNotFound)

			subs, err := c.GetTaskSubscribers(ctx, "1201")
			require.NoError(t, err)
			assert.Equal(t, []ws.UserRef{{ID: "3993", Email: "john.smith@acme.example", Name: "John Smith"},
				{ID: "3994", Email: "kate.greenway@acme.example", Name: "Kate Greenway"}}, subs)
			subs, err = c.GetTaskSubscribers(ctx, "1203")
			require.NoError(t, err)
			assert.Empty(t, subs)
			_, err = c.GetTaskSubscribers(ctx, "999")
			assert.ErrorIs(t, err, ws.ErrNotFound)

			day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
			upd, err := c.UpdateUsersSchedule(ctx, []ws.ScheduleChange{
				{User: "yuki.tanaka@acme.example", Date: day("2026-06-07"), Kind: ws.DayVacation},
				{User: "3998", Date: day("2026-12-24"), Kind: ws.DaySickLeave},
				{User: "3995", Date: day("2026-03-02"), Kind: ws.DayUnset},
			})
			require.NoError(t, err)
			assert.Equal(t, ws.ScheduleUpdate{Added: 1, Updated: 2, Message: "Days added: 1, days updated: 2"}, *upd)
			assert.Equal(t, map[string]string{"2026-06-07": "vacation", "2026-12-24": "sick-leave", "2026-12-31": "vacation"}, srv.Schedule("3998"))

			got, err := c.GetUsersSchedule(ctx, ws.ScheduleQuery{Users: []string{"yuki.tanaka@acme.example", "3995"},
				Start: day("2026-03-01"), End: day("2026-12-24")})
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.Equal(t, ws.ID("3995"), got[0].UserID)
			assert.Equal(t, []ws.ScheduleDay{{Date: day("2026-03-07"), Kind: ws.DayWorkday}}, got[0].Days)
			assert.Equal(t, "Олег Коваль", got[0].Name)
			assert.Equal(t, []ws.ScheduleDay{{Date: day("2026-06-07"), Kind: ws.DayVacation}, {Date: day("2026-12-24"), Kind: ws.DaySickLeave}}, got[1].Days)

			for _, r := range srv.Requests() {
				assert.NotContains(t, r.Outcome, "Bad request", r.Action)
			}
		})
	}
}
