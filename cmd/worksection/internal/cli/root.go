package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
)

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "worksection",
		Short: "Manage a Worksection account's members: users, teams, contacts, projects, schedules, roster sync",
		Long: `worksection manages a Worksection account's members from the command line.

Credentials, first found wins:
  1. flags: --account-url and --api-key
  2. variables: ` + envAccountURL + ` and ` + envAPIKey + ` (Account → API)
     (a flag and a variable may make the pair; half a pair is an error)
  3. a context named by --context NAME or ` + envContext + `=NAME
  4. the active context ("worksection context use NAME")
  5. with none of them, a built-in fake account with sample data
"worksection context create" saves an account and its API key, "worksection
login" an OAuth token; "worksection auth status" shows which one is used.

Output: -o table, json or csv; table on a terminal, JSON otherwise. Every
field of a record is always present in JSON (lists [] when empty, never null).
--jq EXPR filters the JSON (strings print raw); --columns email,name picks the
columns of a table or CSV by JSON field name; --no-headers drops the header
row. On a terminal, tables are cut to its width ($COLUMNS, else the terminal's;
--wide: whole) and status words are coloured unless NO_COLOR is set.

Exit status: 0 success, 1 error, 2 "sync plan" has changes,
3 "doctor" found the server differs from what the SDK assumes,
4 a credential was refused (authentication): the account's or WEBASYST_TOKEN,
130 interrupted (Ctrl-C).`,
		Example: `  worksection users list
  worksection users get kate.greenway@acme.example -o json
  worksection schedule set --user kate.greenway@acme.example --date 2026-12-24 --kind vacation --dry-run`,
		SilenceErrors: true, // Run prints errors, on one line
		SilenceUsage:  true,
		// Bad output flags are refused before a command sends anything.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.checkOutput(cmd) },
	}
	root.SetOut(a.env.Stdout)
	root.SetErr(a.env.Stderr)
	root.SetFlagErrorFunc(flagError)
	f := root.PersistentFlags()
	f.StringVarP(&a.output, "output", "o", "", "output format: table, json or csv (default: table on a terminal, else json)")
	f.StringVar(&a.account, "account-url", "", "account URL, e.g. https://acme.worksection.com (env "+envAccountURL+")")
	f.StringVar(&a.apiKey, "api-key", "", "admin API key (env "+envAPIKey+"; prefer the variable or a context: flags show in ps)")
	f.StringVar(&a.contextFlag, "context", "", "use this saved context for this run (env "+envContext+"; see 'worksection context')")
	a.addOutputFlags(root)
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{formatTable, formatJSON, formatCSV}, cobra.ShellCompDirectiveNoFileComp))

	root.AddCommand(a.usersCmd(), a.teamsCmd(), a.contactsCmd(), a.foldersCmd(), a.subscribeCmd(true), a.subscribeCmd(false),
		a.taskCmd(), a.projectsCmd(), a.scheduleCmd(), a.syncCmd(), a.loginCmd(), a.fakeCmd(), a.versionCmd(),
		a.contextCmd(), a.authCmd(), a.logoutCmd(), a.whoamiCmd(), a.doctorCmd())
	_ = root.RegisterFlagCompletionFunc("context", a.completeContexts)
	strict(root)
	addExamples(root)
	noFileCompletion(root)
	a.describeColumns(root)
	return root
}

// group is a command that only holds subcommands.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Args: noArgs}
	c.AddCommand(subs...)
	return c
}

// run is the RunE of a command that asks the account one thing: connect,
// call f, print its view. The view is printed only when f returns no error,
// so f may build it from a failed call's nil result.
func (a *app) run(f func(ctx context.Context, c *ws.Client) (view, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		c, err := a.connect(cmd.Context())
		if err != nil {
			return err
		}
		v, err := f(cmd.Context(), c)
		if err != nil {
			return err
		}
		return a.emit(v)
	}
}

// listCmd is a "list" command printing what get returns, such as
// (*ws.Client).GetUsers.
func listCmd[T any](a *app, short string, get func(*ws.Client, context.Context) ([]T, error), toView func([]T) view) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: short,
		Args:  noArgs,
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			items, err := get(c, ctx)
			return toView(items), err
		}),
	}
}

// validated refuses params that fail their Validate before runE starts, so
// bad input fails before connecting to anything. params is a pointer to
// the variable the flags fill.
func validated(params interface{ Validate() error }, runE func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := params.Validate(); err != nil {
			return err
		}
		return runE(cmd, args)
	}
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
		}
		if strings.TrimSpace(*dest) == "" {
			return fmt.Errorf("--%s is required (give it as the argument or with --%s)", name, name)
		}
		return nil
	}
	return c
}

// idArgOrFlag is argOrFlag for an id: `task id "abc" is not a number` is
// refused before anything is sent.
func idArgOrFlag(c *cobra.Command, name string, dest *string) *cobra.Command {
	argOrFlag(c, name, "the "+name+" id", dest)
	args := c.Args
	c.Args = func(cmd *cobra.Command, a []string) error {
		if err := args(cmd, a); err != nil {
			return err
		}
		return checkID(name, *dest)
	}
	return c
}
