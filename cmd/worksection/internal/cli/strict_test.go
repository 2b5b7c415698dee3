package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A mistyped command line exits 1 with one line naming what was wrong, so
// a script stops; asking for help still exits 0.
func TestTyposAreErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	for args, want := range map[string]string{
		"users lst":            `unknown command "lst" for "worksection users"; did you mean "list"?`,
		"users show x":         `unknown command "show" for "worksection users"`,
		"completion tcsh":      `unknown command "tcsh" for "worksection completion"`,
		"help bogus":           `unknown help topic "bogus"`,
		"help users lst":       `unknown help topic "users lst"`,
		"users list extra-arg": `"worksection users list" accepts no arguments; got "extra-arg"`,
		"--bogus users list":   "unknown flag: --bogus",
		"users list --bogus":   "unknown flag: --bogus",
		"usrs":                 `unknown command "usrs" for "worksection"; did you mean "users"?`,
		"projects members lst": `unknown command "lst" for "worksection projects members"`,
	} {
		r := h.run(splitArgs(args)...)
		oneErrorLine(t, r, want)
		assert.Empty(t, r.stdout, args)
	}
	for _, args := range []string{"", "-h", "users", "users -h", "help", "help users", "help users list", "completion", "completion bash", "sync apply -h"} {
		r := h.run(splitArgs(args)...)
		assert.Equal(t, 0, r.code, "%q: %s", args, r.stderr)
		assert.NotEmpty(t, r.stdout, args)
	}
}

func splitArgs(s string) []string { return strings.Fields(s) }
