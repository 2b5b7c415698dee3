package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// sharedExamples are the examples of the commands built generically:
// groups, list commands, and cobra's help and completion. Every line runs
// as printed on the built-in fake (TestEveryCommandsExamplesRunAsPrinted).
var sharedExamples = map[string]string{
	"users":            "worksection users list\nworksection users get kate.greenway@acme.example",
	"users list":       "worksection users list\nworksection users list -o csv --columns email,name,role",
	"teams":            "worksection teams list\nworksection teams create Sales --dry-run",
	"teams list":       "worksection teams list\nworksection teams list --jq '.[] | select(.client) | .title'",
	"contacts":         "worksection contacts list\nworksection contacts add --email pat@vendor.example --name \"Pat Doe\" --dry-run",
	"contacts list":    "worksection contacts list\nworksection contacts list -o csv --columns email,name,group",
	"folders":          "worksection folders list\nworksection folders create Vendors --dry-run",
	"folders list":     "worksection folders list\nworksection folders list -o json",
	"projects":         "worksection projects members list 26",
	"projects members": "worksection projects members list 26\nworksection projects members add 27 --email kate.greenway@acme.example --dry-run",
	"task":             "worksection task subscribers 1201",
	"schedule":         "worksection schedule get --users kate.greenway@acme.example",
	"sync":             "worksection sync plan --from examples/people.csv   # exit 2: the plan has changes",
	"completion":       "worksection completion bash > worksection.bash",
	"completion bash": "source <(worksection completion bash)\n" +
		"mkdir -p ~/.local/share/bash-completion/completions && worksection completion bash > ~/.local/share/bash-completion/completions/worksection",
	"completion zsh": "worksection completion zsh > _worksection   # then move it into a folder of $fpath",
	"completion fish": "mkdir -p ~/.config/fish/completions && " +
		"worksection completion fish > ~/.config/fish/completions/worksection.fish",
	"completion powershell": "worksection completion powershell > worksection.ps1   # then dot-source it in your profile",
}

// addExamples gives the generic commands their examples, and the
// completion command a word on what bash needs.
func addExamples(root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), root.Name()), " ")
		if ex, ok := sharedExamples[path]; ok && c.Example == "" {
			c.Example = "  " + strings.ReplaceAll(ex, "\n", "\n  ")
		}
		if path == "completion" {
			c.Long += "\n\nBash completion needs the bash-completion package (apt install bash-completion,\n" +
				"brew install bash-completion@2); zsh, fish and PowerShell need nothing more."
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
