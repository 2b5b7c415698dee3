package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestManualDocumentsEveryCommandAndFlag: cmd/worksection/README.md names
// every command of the tree and every flag a user can type.
func TestManualDocumentsEveryCommandAndFlag(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	manual := string(b)
	var missing []string
	need := func(what string) {
		if !strings.Contains(manual, what) {
			missing = append(missing, what)
		}
	}
	root := (&app{env: newHarness(t, nil).environ(nil, nil)}).root()
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		if path := strings.TrimPrefix(c.CommandPath(), "worksection "); c != root {
			need(path)
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name != "help" {
				need("--" + f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, status := range []string{"| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", "| 130 |"} {
		need(status) // a row of the exit status table
	}
	assert.Empty(t, missing, "the manual does not name these")
}
