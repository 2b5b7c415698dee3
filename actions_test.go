package worksection

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every action the client sends is in the action table, and docs/actions.md's
// table lists each with its method and retry class.
func TestActionTable(t *testing.T) {
	t.Parallel()
	sent := map[string]bool{}
	files, err := os.ReadDir(".")
	require.NoError(t, err)
	literal := regexp.MustCompile(`(?:call|callEnvelope|getList\[[^\]]*\])\(ctx, (?:c, )?"([a-z_]+)"|(?:const action|action) = "([a-z_]+)"|projectMembers\(ctx, "([a-z_]+)"|subscription\(ctx, "([a-z_]+)"`)
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(f.Name())
		require.NoError(t, err)
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			for _, name := range m[1:] {
				if name != "" {
					sent[name] = true
				}
			}
		}
	}
	require.NotEmpty(t, sent)
	for name := range sent {
		_, err := lookupAction(name)
		assert.NoError(t, err, "action %q is sent but not in the table", name)
	}
	_, err = lookupAction("get_projects")
	assert.Error(t, err, "an action missing from the table is refused")

	readme, err := os.ReadFile("docs/actions.md")
	require.NoError(t, err)
	for _, a := range actionTable {
		row := regexp.MustCompile("(?m)^\\| `" + a.name + "` \\|.*$").Find(readme)
		if !assert.NotNil(t, row, "docs/actions.md has no row for %s", a.name) {
			continue
		}
		assert.Contains(t, string(row), "| "+a.method()+" |", a.name)
		assert.Contains(t, string(row), a.retry.String(), a.name)
		if a.scope != "" {
			assert.Contains(t, string(row), "`"+a.scope+"`", a.name)
		}
	}
}
