// Command worksection manages a Worksection account's members from the
// command line: users, teams, contacts, folders, task subscribers, project
// members, schedules, and a plan/apply sync of a roster from a CSV file or
// a Webasyst team.
//
//	go install github.com/worksection-go/worksection/cmd/worksection@latest
//	worksection users list                 # no setup: runs on a built-in fake account
//	worksection sync plan --from people.csv
//
// Credentials: --account-url and --api-key, or WORKSECTION_ACCOUNT_URL and
// WORKSECTION_API_KEY, or a saved context (`worksection context create`,
// `worksection login`). Run `worksection help` for the commands.
package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/worksection-go/worksection/cmd/worksection/internal/cli"
)

func main() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	os.Exit(cli.Main(cli.System(), os.Args[1:], sigs, os.Exit))
}
