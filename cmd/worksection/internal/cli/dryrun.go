package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-querystring/query"
	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/roster"
)

// request is one call a --dry-run would send: the action and its
// parameters as they go on the wire (the API key and hash aside).
type request struct {
	Action string            `json:"action"`
	Params map[string]string `json:"params"`
}

// newRequest renders params (an SDK parameter struct) as the action's
// query.
func newRequest(action string, params any) request {
	r := request{Action: action, Params: map[string]string{}}
	vals, err := query.Values(params)
	if err != nil { // the SDK's own parameter structs always encode
		panic(fmt.Sprintf("dry run of %s: %v", action, err))
	}
	for k := range vals {
		r.Params[k] = vals.Get(k)
	}
	return r
}

// addDryRun gives c the --dry-run flag.
func (a *app) addDryRun(c *cobra.Command) {
	c.Flags().BoolVar(&a.dryRun, "dry-run", false, "print what would be sent (one line a request; JSON with -o json) and send nothing")
}

// write is the RunE of a command that changes the account: with --dry-run
// it prints the requests reqs returns and sends nothing; otherwise it runs
// f as run does.
func (a *app) write(reqs func() []request, f func(ctx context.Context, c *ws.Client) (view, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if a.dryRun {
			return a.printRequests(reqs())
		}
		return a.run(f)(cmd, args)
	}
}

// printRequests prints what a dry run would send.
func (a *app) printRequests(reqs []request) error {
	return a.emit(requestsView(reqs))
}

// requestsView is a dry run's requests: JSON a list of them, a table one
// line a request.
func requestsView(reqs []request) view {
	v := listView(cols("action", "params"), reqs, func(r request) []string { return []string{r.Action, r.params()} })
	v.text = func(w io.Writer, _ tableStyle) {
		if len(reqs) == 0 {
			fmt.Fprintln(w, "dry run: nothing would be sent")
		}
		for _, r := range reqs {
			fmt.Fprintln(w, r.line())
		}
	}
	return v
}

// line is the request as one terminal-safe line:
// `dry run: would send add_user_group title="Sales Team"`.
func (r request) line() string {
	return clean(strings.TrimSpace("dry run: would send " + r.Action + " " + r.params()))
}

// params are the request's parameters as key=value, sorted by key, values
// quoted and escaped where needed: no control character reaches the terminal.
func (r request) params() string {
	keys := make([]string, 0, len(r.Params))
	for k := range r.Params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := r.Params[k]
		if v == "" || strings.ContainsAny(v, " \"'=\\") || !strconv.CanBackquote(v) {
			v = strconv.Quote(v)
		}
		parts[i] = k + "=" + v
	}
	return strings.Join(parts, " ")
}

// scheduleRequest is the update_users_schedule request for changes: data
// maps each member to the days to mark, as UpdateUsersSchedule sends it.
func scheduleRequest(changes []ws.ScheduleChange) request {
	data := map[string]map[string]string{}
	for _, ch := range changes {
		if data[ch.User] == nil {
			data[ch.User] = map[string]string{}
		}
		data[ch.User][ch.Date.Format("02.01.2006")] = string(ch.Kind)
	}
	b, _ := json.Marshal(data) // maps of strings always encode
	return request{Action: "update_users_schedule", Params: map[string]string{"data": string(b)}}
}

// planRequests are the writes roster.Apply would send for p.
func planRequests(p roster.Plan) []request {
	var reqs []request
	for _, t := range p.CreateTeams {
		reqs = append(reqs, newRequest("add_user_group", ws.AddUserGroupParams{Title: t}))
	}
	for _, in := range p.Invite {
		reqs = append(reqs, newRequest("add_user", ws.AddUserParams{Email: in.Email, FirstName: in.FirstName, LastName: in.LastName,
			Title: in.Title, Group: in.Team, Department: in.Department, Role: in.Role}))
	}
	for _, ch := range p.AddToProjects {
		reqs = append(reqs, newRequest("add_project_members", ws.ProjectMembersParams{ProjectID: ch.ProjectID, Emails: ch.Emails}))
	}
	return reqs
}
