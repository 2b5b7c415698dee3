package cli

import (
	"fmt"

	"github.com/schollz/progressbar/v3"

	"github.com/worksection-go/worksection/roster"
)

// progress reports apply steps on stderr: a bar on a terminal, erased when
// done (the result goes to stdout once), and one plain line per step
// otherwise, for logs.
func (a *app) progress(total int) (func(roster.Progress), func()) {
	if total == 0 {
		return nil, func() {}
	}
	if !a.env.IsTerminal(a.env.Stderr) {
		return func(p roster.Progress) {
			say(a.env.Stderr, "[%d/%d] %s %s: %s", p.Done, p.Total, p.Outcome.Action, p.Outcome.Target, p.Outcome.Status)
		}, func() {}
	}
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(a.env.Stderr), progressbar.OptionShowCount(),
		progressbar.OptionSetDescription("applying"), progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(30))
	return func(p roster.Progress) {
			if int64(p.Total) != bar.GetMax64() {
				bar.ChangeMax(p.Total)
			}
			bar.Describe(printable(fmt.Sprintf("%s %s", p.Outcome.Action, p.Outcome.Target)))
			_ = bar.Set(p.Done)
		}, func() {
			_ = bar.Finish()
		}
}
