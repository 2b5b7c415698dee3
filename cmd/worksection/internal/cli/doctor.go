package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/cmd/worksection/internal/probe"
	"github.com/worksection-go/worksection/worksectiontest"
)

// exitDiffers is doctor's status when a probe finds the server differs
// from what the SDK assumes.
const exitDiffers = 3

// fakeLimit is the built-in fake's rate limit during doctor: the
// documented one request a second, shortened so a run on the fake is quick.
const fakeLimit = 200 * time.Millisecond

func (a *app) doctorCmd() *cobra.Command {
	var write bool
	c := &cobra.Command{
		Use:   "doctor",
		Short: "Check what the SDK assumes about the server against this account (read-only unless --write-probes)",
		Long: `Probe the account for what the SDK assumes about the server and no public
document settles: md5 signing of awkward values, where the hash may stand,
the HMAC header, JSON bodies with an access token, the rate limit's answer,
me's shape, and (with --write-probes) how a duplicate member is refused.

Each probe reports the question, what the SDK assumes, what the server did
and a verdict: agrees, differs (with what works instead, when found) or
unknown (with why). At most 20 requests in all, paced at one a second; all
of them are listed. No secret, hash or HMAC credential is ever printed.

To report a difference, attach the output of "worksection doctor -o json"
to a bug report.

Exit status: 0 when every probe agrees or is unknown, 3 when any differs,
4 when the account refused the credential for every request, 1 on another
error (such as an account that no request reached), 130 when interrupted.`,
		Example: "  worksection doctor\n  worksection doctor -o json > doctor.json\n  worksection doctor --write-probes",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.doctor(cmd.Context(), write) },
	}
	c.Flags().BoolVar(&write, "write-probes", false,
		"also run the probe that may write: add_user with the owner's email, which the server should refuse as a duplicate")
	return c
}

func (a *app) doctor(ctx context.Context, write bool) error {
	a.fakeOptions = []worksectiontest.Option{worksectiontest.WithRateLimit(fakeLimit)}
	c, err := a.connect(ctx)
	if err != nil {
		return err
	}
	rep, err := probe.Run(ctx, a.probeConfig(c.AccountURL(), write))
	if err != nil {
		return err
	}
	if err := a.emit(doctorView(rep)); err != nil {
		return err
	}
	switch {
	case rep.Interrupted:
		return fmt.Errorf("doctor interrupted: the report above holds what was found: %w", context.Canceled)
	case !rep.Answered():
		return errors.New("doctor: no request reached " + rep.Account + "; see the report above")
	case rep.Refused():
		return fmt.Errorf("doctor: %s accepted no request (see the report above): %w", rep.Account, ws.ErrUnauthorized)
	case !rep.Accepted():
		return errors.New("doctor: " + rep.Account + " accepted no request; see the report above")
	case rep.Count(probe.Differs) > 0:
		return exitCode(exitDiffers)
	}
	return nil
}

// probeConfig gives the probes the credential connect chose.
func (a *app) probeConfig(account string, write bool) probe.Config {
	cfg := probe.Config{Account: account, WriteProbes: write, Gap: a.env.ProbeGap}
	switch u := a.used; {
	case u.fake != nil:
		// The fake takes both kinds of credential, so every probe runs.
		tok := u.fake.NewAccessToken(u.fake.Users()[0].Email)
		cfg.Fake, cfg.APIKey, cfg.Gap = true, u.fake.APIKey, fakeLimit+fakeLimit/10
		cfg.Token = func(context.Context) (string, error) { return tok, nil }
	case u.apiKey != "":
		cfg.APIKey = u.apiKey
	case a.tokens != nil:
		cfg.Token = func(context.Context) (string, error) {
			t, err := a.tokens.Token()
			if err != nil {
				return "", err
			}
			return t.AccessToken, nil
		}
	}
	return cfg
}

// doctorView is the report: the whole of it as JSON, one row a probe as
// CSV, and on a table a text for people.
func doctorView(rep *probe.Report) view {
	v := listView(cols("id:PROBE", "verdict", "server_did", "works_instead", "unknown_because"), rep.Probes, nil)
	v.data, v.status = rep, "verdict"
	v.text = func(w io.Writer, st tableStyle) { writeReport(w, rep, st) }
	return v
}

// writeReport is the table format: each probe as a block, then the
// requests. Every text from the server goes through clean.
func writeReport(w io.Writer, rep *probe.Report, st tableStyle) {
	where := rep.Account
	if rep.Fake {
		where += " (the built-in fake)"
	}
	fmt.Fprintf(w, "worksection doctor: %s, SDK %s, %s\n", clean(where), rep.SDKVersion, rep.Date.Format("2006-01-02 15:04 MST"))
	writes := "off (--write-probes runs them)"
	if rep.WriteProbes {
		writes = "on"
	}
	fmt.Fprintf(w, "Credentials: %s; write probes: %s\n", rep.Credentials, writes)
	for i, p := range rep.Probes {
		fmt.Fprintf(w, "\n%d. %s: %s\n", i+1, p.Title, strings.ToUpper(string(p.Verdict)))
		for _, l := range [][2]string{{"Question", p.Question}, {"SDK assumes", p.Assumes}, {"Server did", p.Observed},
			{"Works instead", p.Instead}, {"Unknown because", p.Reason}, {"Requests", joinInts(p.Requests)}} {
			if l[1] != "" {
				fmt.Fprintf(w, "   %-16s %s\n", l[0]+":", clean(l[1]))
			}
		}
	}
	fmt.Fprintf(w, "\nRequests (%d of at most %d):\n", len(rep.Requests), probe.MaxRequests)
	rows := [][]string{{"N", "PROBE", "METHOD", "PATH", "ACTION", "SIGNING", "BODY", "ANSWER", "MS"}}
	for _, e := range rep.Requests {
		rows = append(rows, []string{strconv.Itoa(e.N), e.Probe, e.Method, e.Path, e.Action, e.Signing, e.Body, e.Answer(), strconv.FormatInt(e.Millis, 10)})
	}
	st.write(w, rows, -1)
	fmt.Fprintf(w, "\n%d probes: %d agree, %d differ, %d unknown.", len(rep.Probes), rep.Count(probe.Agrees), rep.Count(probe.Differs), rep.Count(probe.Unknown))
	if rep.Interrupted {
		fmt.Fprint(w, " Interrupted: the probes not run are unknown.")
	}
	fmt.Fprintln(w, " To report a difference, attach the output of `worksection doctor -o json` to a bug report.")
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
