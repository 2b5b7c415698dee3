//go:build !wsnext

package cli

import "github.com/spf13/cobra"

// nextCmds are the commands built on the SDK's project member, task
// subscriber and schedule actions (issue 11); this build lacks them.
func (a *app) nextCmds() []*cobra.Command { return nil }
