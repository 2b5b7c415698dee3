package cli

import (
	"context"
	"encoding/json"
	"fmt"
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

// printRequests prints what a dry run would send: a JSON list with -o
// json, else one line a request.
func (a *app) printRequests(reqs []request) error {
	f, err := a.format()
	if err != nil {
		return err
	}
	w := a.env.Stdout
	if f == formatJSON {
		if reqs == nil {
			reqs = []request{}
		}
		b, err := json.MarshalIndent(reqs, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	if len(reqs) == 0 {
		_, err = fmt.Fprintln(w, "dry run: nothing would be sent")
		return err
	}
	for _, r := range reqs {
		if _, err := fmt.Fprintln(w, r.line()); err != nil {
			return err
		}
	}
	return nil
}

// line is the request as one terminal-safe line:
// `dry run: would send add_user_group title="Sales Team"`.
func (r request) line() string {
	keys := make([]string, 0, len(r.Params))
	for k := range r.Params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("dry run: would send " + r.Action)
	for _, k := range keys {
		v := r.Params[k]
		if v == "" || strings.ContainsAny(v, " \"'=\\") || !strconv.CanBackquote(v) {
			v = strconv.Quote(v) // quoted and escaped: no control character reaches the terminal
		}
		b.WriteString(" " + k + "=" + v)
	}
	return clean(b.String())
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
