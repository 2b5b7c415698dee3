package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// strict makes every mistyped command line an error (exit 1) naming what
// was wrong, so a script does not carry on after a typo: an unknown
// subcommand of a group (cobra would print the group's help and succeed),
// an unknown help topic, and an unknown flag before the command (which
// cobra would read as taking the next word as its value).
func strict(root *cobra.Command) {
	root.TraverseChildren = true // flags are parsed level by level: "--bogus users" fails on --bogus
	root.InitDefaultCompletionCmd()
	root.SetHelpCommand(&cobra.Command{
		Use:     "help [command]",
		Short:   "Help about any command",
		Example: "  worksection help users\n  worksection help sync plan",
		Args:    cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				return fmt.Errorf("unknown help topic %q (see '%s --help')", strings.Join(args, " "), root.CommandPath())
			}
			return target.Help()
		},
	})
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.SuggestionsMinimumDistance = 2
		if c.HasSubCommands() && !c.Runnable() {
			c.Args = cobra.ArbitraryArgs
			c.RunE = unknownSubcommand
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// unknownSubcommand runs a group: alone, it shows the group's help; with a
// word, that word is no subcommand of it.
func unknownSubcommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return c.Help()
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", closest(args[0], s))
	}
	return fmt.Errorf("%s (see '%s --help')", msg, c.CommandPath())
}

// closest is the suggestion fewest edits away from typed ("lst": "list",
// not "get"), the first of equals.
func closest(typed string, suggestions []string) string {
	best := suggestions[0]
	for _, s := range suggestions[1:] {
		if editDistance(typed, s) < editDistance(typed, best) {
			best = s
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// noArgs is the Args of a command that takes no operands.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%q accepts no arguments; got %q (see '%s --help')", c.CommandPath(), args[0], c.CommandPath())
	}
	return nil
}
