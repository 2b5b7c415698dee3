package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"

	"github.com/worksection-go/worksection/cmd/worksection/internal/probe"
	"github.com/worksection-go/worksection/roster"
)

// outputFlags are the flags that shape what a command prints, beside -o.
type outputFlags struct {
	jqExpr    string          // --jq
	jq        *gojq.Code      // --jq compiled, before any call
	columns   string          // --columns
	picked    []string        // --columns, checked: the column names in order
	noHeaders bool            // --no-headers
	wide      bool            // --wide
	ctx       context.Context // the run's, which ends a --jq query on Ctrl-C
}

// addOutputFlags gives root, and so every command, the output flags.
func (a *app) addOutputFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	f.StringVar(&a.out.jqExpr, "jq", "", "filter the JSON output with a jq expression (implies -o json); strings print raw, one a line")
	f.StringVar(&a.out.columns, "columns", "", "the columns of -o table and csv, by JSON field name: --columns email,name,role")
	f.BoolVar(&a.out.noHeaders, "no-headers", false, "print tables and CSV without the header row (and a table without its summary)")
	f.BoolVar(&a.out.wide, "wide", false, "on a terminal, show table cells whole instead of cutting the widest columns to fit")
	_ = root.RegisterFlagCompletionFunc("jq", cobra.NoFileCompletions)
	_ = root.RegisterFlagCompletionFunc("columns", func(cmd *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
		views, _ := a.commandViews(cmd)
		done := typed[:strings.LastIndex(typed, ",")+1] // the names already typed stay: "email,"
		var out []string
		for _, c := range columnsOf(views) {
			out = append(out, done+c.name)
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
}

// checkOutput refuses, before the command sends anything, output flags
// that cannot work together or with cmd, a bad --jq expression and an
// unknown column.
func (a *app) checkOutput(cmd *cobra.Command) error {
	f, err := a.format()
	if err != nil {
		return err
	}
	o := &a.out
	o.ctx = cmd.Context()
	if changed(cmd, "jq") && strings.TrimSpace(o.jqExpr) == "" {
		return errors.New("--jq needs an expression, like --jq '.[].email'")
	}
	views, ok := a.commandViews(cmd)
	if !ok {
		return noRecords(cmd, a.output != "", o)
	}
	if err := o.conflicts(f); err != nil {
		return err
	}
	if o.jqExpr != "" {
		if o.jq, err = compileJQ(o.jqExpr); err != nil {
			return err
		}
	}
	if changed(cmd, "columns") {
		o.picked, err = pickColumns(cmd, o.columns, views)
	}
	return err
}

// conflicts refuses output flags that cannot go with each other or with
// format f.
func (o *outputFlags) conflicts(f string) error {
	columns := o.columns != "" || o.noHeaders
	switch {
	case o.jqExpr != "" && f != formatJSON:
		return fmt.Errorf("--jq filters JSON: it cannot be used with -o %s", f)
	case o.jqExpr != "" && columns:
		return errors.New("--jq prints JSON, which has no columns or headers: drop --columns and --no-headers, or --jq")
	case columns && f == formatJSON:
		return errors.New("--columns and --no-headers are for -o table and -o csv, not JSON (use --jq to pick fields)")
	}
	return nil
}

// compileJQ parses and compiles a --jq expression, with no environment:
// $ENV is empty, and input and debug are refused.
func compileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err == nil {
		var code *gojq.Code
		if code, err = gojq.Compile(q); err == nil {
			return code, nil
		}
	}
	return nil, fmt.Errorf("--jq %q: %w", expr, err)
}

// changed reports whether the flag name was given, empty or not.
func changed(cmd *cobra.Command, name string) bool {
	f := cmd.Flag(name)
	return f != nil && f.Changed
}

// noRecords refuses output flags on a command that prints no records
// (help, completion). A group is let run: it prints its help, or says
// what subcommand it does not have.
func noRecords(cmd *cobra.Command, output bool, o *outputFlags) error {
	if cmd.HasSubCommands() {
		return nil
	}
	for _, f := range []struct {
		set  bool
		name string
	}{{output, "-o"}, {o.jqExpr != "", "--jq"}, {o.columns != "", "--columns"}, {o.noHeaders, "--no-headers"}, {o.wide, "--wide"}} {
		if f.set {
			return fmt.Errorf("%s does not apply to '%s', which prints no records", f.name, cmd.CommandPath())
		}
	}
	return nil
}

// pickColumns checks --columns against the columns cmd's views have.
func pickColumns(cmd *cobra.Command, list string, views []view) ([]string, error) {
	all := columnsOf(views)
	var picked []string
	for _, name := range strings.Split(list, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		i := indexOf(all, name)
		if i < 0 {
			names := make([]string, len(all))
			for j, c := range all {
				names[j] = c.name
			}
			return nil, fmt.Errorf("--columns: '%s' has no column %q; it has %s", cmd.CommandPath(), name, strings.Join(names, ", "))
		}
		picked = append(picked, all[i].name)
	}
	if len(picked) == 0 {
		return nil, errors.New("--columns names no column: give JSON field names, like --columns email,name")
	}
	return picked, nil
}

// describeColumns ends the help of each command that prints records with
// the columns --columns takes.
func (a *app) describeColumns(c *cobra.Command) {
	for _, sub := range c.Commands() {
		a.describeColumns(sub)
	}
	views, ok := a.commandViews(c)
	if !ok {
		return
	}
	long := c.Long
	if long == "" {
		long = c.Short
	}
	lines := []string{"Columns (--columns, -o table or csv):"}
	for _, col := range columnsOf(views) {
		if last := &lines[len(lines)-1]; len(*last)+1+len(col.name) <= 78 {
			*last += " " + col.name
		} else {
			lines = append(lines, "  "+col.name)
		}
	}
	if c.Flags().Lookup("dry-run") != nil {
		lines = append(lines, "With --dry-run: action params.")
	}
	c.Long = long + "\n\n" + strings.Join(lines, "\n")
}

// columnsOf is every column of views, once.
func columnsOf(views []view) []column {
	var all []column
	for _, v := range views {
		for _, c := range v.cols {
			if !slicesHas(all, c.name) {
				all = append(all, c)
			}
		}
	}
	return all
}

// commandViews are the views cmd can print, empty, for their columns; a
// dry run prints its requests. false: cmd prints no records.
func (a *app) commandViews(cmd *cobra.Command) ([]view, bool) {
	if a.dryRun {
		return []view{requestsView(nil)}, true
	}
	contexts := []view{contextsView(&config{}, nil)}
	views := map[string][]view{
		"users list": {usersView(nil)}, "users get": {usersView(nil)}, "users invite": {applyView(applyResult{})},
		"teams list": {teamsView(nil)}, "teams create": {teamsView(nil)},
		"contacts list": {contactsView(nil)}, "contacts add": {contactsView(nil)},
		"folders list": {foldersView(nil)}, "folders create": {foldersView(nil)},
		"subscribe": {subscriptionsView(nil)}, "unsubscribe": {subscriptionsView(nil)},
		"task subscribers": {refsView(nil)}, "projects members list": {refsView(nil)},
		"projects members add": {refsView(nil)}, "projects members remove": {refsView(nil)},
		"schedule get": {scheduleView(nil)}, "schedule set": {updatesView(nil)},
		"sync plan": {planView(roster.Plan{})}, "sync apply": {applyView(applyResult{})},
		"context create": contexts, "context list": contexts, "context use": contexts, "context active": contexts,
		"context delete": contexts, "login": contexts, "logout": contexts,
		"auth status": {authStatus{}.view()}, "whoami": {usersView(nil), accountKeyView(accountKey{})},
		"doctor": {doctorView(&probe.Report{})}, "fake": {fakeView(fakeInfo{})}, "version": {versionView(versionInfo{})},
	}
	v, ok := views[strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")]
	return v, ok
}

// emitJQ prints what --jq makes of data: strings raw, one a line, as jq -r
// and gh do; other values as compact JSON, one a line. Both are made safe
// for a terminal.
func (a *app) emitJQ(w io.Writer, data any) error {
	b, err := shapeJSON(data)
	if err != nil {
		return err
	}
	in, err := decodeJSON(b)
	if err != nil {
		return err
	}
	ctx := a.out.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	iter := a.out.jq.RunWithContext(ctx, in)
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := v.(error); isErr {
			if halt, ok := err.(*gojq.HaltError); ok && halt.Value() == nil {
				return nil // halt: stop here, as jq does
			}
			return fmt.Errorf("--jq %q: %w", a.out.jqExpr, err)
		}
		if s, isText := v.(string); isText {
			_, err = fmt.Fprintln(w, plainText(s))
		} else {
			out, _ := gojq.Marshal(v) // only JSON values come out of a query of JSON
			_, err = fmt.Fprintf(w, "%s\n", escapeJSON(out))
		}
		if err != nil {
			return err
		}
	}
}
