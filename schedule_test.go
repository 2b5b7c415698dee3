package worksection

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected queries and hashes were computed outside Go (PHP-style
// urlencode, md5 of query+key).

func TestGetUsersSchedule(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodGet, adminURL, 200, fixture(t, "get_users_schedule.json"))
	got, err := c.GetUsersSchedule(context.Background(), ScheduleQuery{Users: []string{"kate.greenway@acme.example", "3993"},
		Start: date("2021-06-07"), End: date("2021-06-13")})
	require.NoError(t, err)
	assert.Equal(t, "action=get_users_schedule&users=kate.greenway%40acme.example%2C3993&datestart=07.06.2021&dateend=13.06.2021&hash=cfcaf4f93b755c0723b890a30f7d8e1c",
		rec.last(t).URL.RawQuery)
	assert.Equal(t, []UserSchedule{
		{UserID: "3993", Email: "john.smith@acme.example", Name: "John Smith", Group: "Management"},
		{UserID: "3994", Email: "kate.greenway@acme.example", Name: "Kate Greenway", Group: "Development", Days: []ScheduleDay{
			{Date: date("2021-06-07"), Kind: DayVacation}, {Date: date("2021-06-08"), Kind: DayVacation},
			{Date: date("2021-06-12"), Kind: DaySickLeave}}},
	}, got, "sorted by user id, days by date, PHP's [] as no days")

	rec = respond(mt, http.MethodGet, adminURL, 200, `{"status":"ok","data":[]}`)
	got, err = c.GetUsersSchedule(context.Background(), ScheduleQuery{})
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, "action=get_users_schedule&hash=", rec.last(t).URL.RawQuery[:len("action=get_users_schedule&hash=")], "zero times and no users are omitted")
}

func TestUpdateUsersSchedule(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := respond(mt, http.MethodPost, adminURL, 200, fixture(t, "update_users_schedule.json"))
	got, err := c.UpdateUsersSchedule(context.Background(), []ScheduleChange{
		{User: "kate.greenway@acme.example", Date: date("2021-06-07"), Kind: DayVacation},
		{User: "3993", Date: date("2021-06-12"), Kind: DayUnset},
		{User: "kate.greenway@acme.example", Date: date("2021-06-08"), Kind: DayVacation},
	})
	require.NoError(t, err)
	assert.Equal(t, &ScheduleUpdate{Added: 2, Updated: 1, Message: "Days added: 2, days updated: 1"}, got)
	assert.Equal(t, "action=update_users_schedule&data=%7B%22kate.greenway%40acme.example%22%3A%7B%2207.06.2021%22%3A%22vacation%22%2C%2208.06.2021%22%3A%22vacation%22%7D%2C%223993%22%3A%7B%2212.06.2021%22%3A%22unset%22%7D%7D&hash=a0bfade3968db4bf5ca08a34d714ed9c",
		rec.last(t).URL.RawQuery)
}
