package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// completeFrom completes --from: "webasyst", "-" (standard input), CSV
// files, and folders on the way to one.
func completeFrom(_ *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, w := range []string{"webasyst", "-"} {
		if strings.HasPrefix(w, typed) {
			out = append(out, w)
		}
	}
	directive := cobra.ShellCompDirectiveNoFileComp
	matches, _ := filepath.Glob(globEscape(typed) + "*")
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && fi.IsDir() {
			out = append(out, m+string(filepath.Separator))
			directive |= cobra.ShellCompDirectiveNoSpace // a folder is a step, not the answer
		} else if strings.EqualFold(filepath.Ext(m), ".csv") {
			out = append(out, m)
		}
	}
	return out, directive
}

// globEscape quotes what filepath.Glob would read as a pattern.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`).Replace(s)
}

// completeContexts completes --context with the saved contexts' names.
func (a *app) completeContexts(_ *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []string
	for _, sc := range cfg.Contexts {
		if strings.HasPrefix(sc.Name, typed) {
			names = append(names, sc.Name)
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// noFileCompletion makes every flag that takes a value but no file (an
// email, a team, a title, a date, a URL…) complete nothing rather than the
// names of files, unless it completes something of its own already.
func noFileCompletion(root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Value.Type() == "bool" {
				return
			}
			if _, has := c.GetFlagCompletionFunc(f.Name); !has {
				_ = c.RegisterFlagCompletionFunc(f.Name, cobra.NoFileCompletions)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
