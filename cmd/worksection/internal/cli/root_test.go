package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shellWords splits an example line as a shell would: spaces, and double
// quotes around a word with spaces.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// The examples in the help of the commands this tool adds or changed run
// as printed on the built-in fake (fake itself aside: it runs until
// interrupted).
func TestHelpExamplesRunOnTheFake(t *testing.T) {
	t.Parallel()
	paths := [][]string{
		{"users", "list"}, {"users", "get"}, {"users", "invite"}, {"teams", "create"}, {"contacts", "add"},
		{"folders", "create"}, {"subscribe"}, {"unsubscribe"}, {"projects", "members", "add"},
		{"projects", "members", "remove"}, {"projects", "members", "list"}, {"task", "subscribers"}, {"schedule", "get"}, {"schedule", "set"}, {"sync", "plan"}, {"sync", "apply"},
	}
	root := (&app{env: newHarness(t, nil).environ(nil, nil)}).root()
	for _, path := range append(paths, nil) { // nil: the root command
		cmd, rest, err := root.Find(path)
		require.NoError(t, err, "%v", path)
		require.Empty(t, rest, "%v", path)
		require.NotEmpty(t, cmd.Example, "%v has examples", path)
		for _, line := range exampleLines(cmd) {
			want := 0
			if i := strings.Index(line, "#"); i >= 0 { // a comment names the exit status
				_, _ = fmt.Sscanf(line[i:], "# exit %d", &want)
				line = line[:i]
			}
			r := newHarness(t, nil).run(shellWords(line)[1:]...)
			assert.Equal(t, want, r.code, "%s: %s", line, r.stderr)
		}
	}
	r := newHarness(t, nil).run("fake", "-h")
	assert.Contains(t, r.stdout, "Examples:\n  worksection fake\n  worksection fake --port 8080 --key k1")
}

func exampleLines(c *cobra.Command) []string {
	var out []string
	for _, l := range strings.Split(c.Example, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "worksection ") && !strings.Contains(l, "people.csv") { // not lines that need your own file or a pipe
			out = append(out, l)
		}
	}
	return out
}
