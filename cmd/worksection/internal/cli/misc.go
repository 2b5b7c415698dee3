package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
)

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			v := "(devel)"
			if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
				v = bi.Main.Version
			}
			_, err := fmt.Fprintf(a.env.Stdout, "worksection %s (SDK %s, %s %s/%s)\n", v, ws.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
