package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
)

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Example: "  worksection version\n  worksection version -o json",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			v := versionInfo{Version: "(devel)", SDK: ws.Version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
			if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
				v.Version = bi.Main.Version
			}
			return a.emit(versionView(v))
		},
	}
}

// versionInfo is what version prints.
type versionInfo struct {
	Version string `json:"version"`
	SDK     string `json:"sdk"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// versionView is one object as JSON and one line on a table:
// "worksection v1.2.0 (SDK 0.9.0, go1.26.0 linux/amd64)".
func versionView(v versionInfo) view {
	out := oneView(func(vs []versionInfo) view { return listView(cols("version", "sdk", "go", "os", "arch"), vs, nil) }, v)
	out.textFirst = true
	out.text = func(w io.Writer, _ tableStyle) {
		fmt.Fprintf(w, "worksection %s (SDK %s, %s %s/%s)\n", v.Version, v.SDK, v.Go, v.OS, v.Arch)
	}
	return out
}
