package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "worksection",
		Short: "Manage a Worksection account's members: users, teams, contacts, projects, schedules, roster sync",
		Long: `worksection manages a Worksection account's members from the command line.

Credentials: --account-url and --api-key, or WORKSECTION_ACCOUNT_URL and
WORKSECTION_API_KEY (Account → API), or a saved "worksection login". With
none of them, commands run against a built-in fake account with sample data.

Output: -o table, json or csv; table on a terminal, JSON otherwise.
Exit status: 0 success, 1 error; "sync plan" exits 2 when there are changes.`,
		SilenceErrors: true, // Run prints errors, on one line
		SilenceUsage:  true,
		// A bad -o is refused before a command changes anything.
		PersistentPreRunE: func(*cobra.Command, []string) error {
			_, err := a.format()
			return err
		},
	}
	root.SetOut(a.env.Stdout)
	root.SetErr(a.env.Stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	f := root.PersistentFlags()
	f.StringVarP(&a.output, "output", "o", "", "output format: table, json or csv (default: table on a terminal, else json)")
	f.StringVar(&a.account, "account-url", "", "account URL, e.g. https://acme.worksection.com (env "+envAccountURL+")")
	f.StringVar(&a.apiKey, "api-key", "", "admin API key (env "+envAPIKey+"; prefer the variable: flags show in ps)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{formatTable, formatJSON, formatCSV}, cobra.ShellCompDirectiveNoFileComp))

	root.AddCommand(a.usersCmd(), a.teamsCmd(), a.contactsCmd(), a.foldersCmd(), a.subscribeCmd(true), a.subscribeCmd(false),
		a.taskCmd(), a.projectsCmd(), a.scheduleCmd(), a.syncCmd(), a.loginCmd(), a.fakeCmd(), a.versionCmd())
	return root
}

// group is a command that only holds subcommands.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs}
	c.AddCommand(subs...)
	return c
}

// required marks flags that must be given.
func required(c *cobra.Command, names ...string) *cobra.Command {
	for _, n := range names {
		_ = c.MarkFlagRequired(n)
	}
	return c
}

// argOrFlag lets a command take its one operand as an argument or as the
// flag --name (bound to *dest): "teams create Sales" or "teams create
// --title Sales".
func argOrFlag(c *cobra.Command, name, usage string, dest *string) *cobra.Command {
	c.Flags().StringVar(dest, name, "", usage+" (or give it as the argument)")
	c.Args = func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) > 1:
			return fmt.Errorf("accepts one %s, received %d arguments", name, len(args))
		case len(args) == 1 && *dest != "" && *dest != args[0]:
			return fmt.Errorf("the %s is given twice: %q and --%s %q", name, args[0], name, *dest)
		case len(args) == 1:
			*dest = args[0]
		case *dest == "":
			return fmt.Errorf("missing the %s: give it as the argument or with --%s", name, name)
		}
		return nil
	}
	return c
}
