package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
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

func (a *app) fakeCmd() *cobra.Command {
	var key string
	c := &cobra.Command{
		Use:   "fake",
		Short: "Run a fake Worksection account in the foreground, for trying the tool and the API",
		Long: `Run the SDK's fake server (worksectiontest) with sample data until interrupted,
and print how to point this tool, curl, or another client at it. State is kept
in memory for as long as it runs, so changes persist across commands.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var opts []worksectiontest.Option
			if key != "" {
				opts = append(opts, worksectiontest.WithAPIKey(key))
			}
			srv := worksectiontest.NewServer(opts...)
			defer srv.Close()
			w := a.env.Stdout
			fmt.Fprintf(w, "Fake Worksection account at %s (in memory; Ctrl-C stops it)\n\n", srv.URL)
			fmt.Fprintf(w, "Point the tool at it from another shell:\n\n")
			fmt.Fprintf(w, "  export %s=%s %s=%s\n", envAccountURL, srv.URL, envAPIKey, srv.APIKey)
			fmt.Fprintf(w, "  worksection users list\n\n")
			fmt.Fprintf(w, "OAuth sign-in against it:\n\n")
			fmt.Fprintf(w, "  export %s=%s %s=%s %s=%s\n", envClientID, srv.ClientID, envClientSecret, srv.ClientSecret, envOAuthURL, srv.URL)
			fmt.Fprintf(w, "  worksection login --context fake-oauth\n")
			<-cmd.Context().Done()
			return nil
		},
	}
	c.Flags().StringVar(&key, "key", "", "admin API key the fake accepts (random if empty)")
	return c
}
