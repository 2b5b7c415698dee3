// Command fakeserver runs the worksectiontest fake on a loopback port and
// prints its URL and API key, for trying the API with curl or with clients
// in other languages. It runs until interrupted.
//
//	go run ./examples/fakeserver -key 7776461cd931e7b1c8e9632ff8e979ce
package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/worksection-go/worksection/worksectiontest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fakeserver:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fakeserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "", "admin API key to accept (random if empty)")
	email := fs.String("token-for", "kate.greenway@acme.example", "member to issue an access token for")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var opts []worksectiontest.Option
	if *key != "" {
		opts = append(opts, worksectiontest.WithAPIKey(*key))
	}
	srv := worksectiontest.NewServer(opts...)
	defer srv.Close()
	tok := srv.NewAccessToken(*email)

	// The documented signature: md5 of the exact query string, then the key.
	query := "action=get_users"
	sum := md5.Sum([]byte(query + srv.APIKey))
	fmt.Fprintf(stdout, "URL:          %s\n", srv.URL)
	fmt.Fprintf(stdout, "API key:      %s\n", srv.APIKey)
	fmt.Fprintf(stdout, "Access token: %s (for %s)\n\n", tok, *email)
	fmt.Fprintf(stdout, "curl '%s/api/admin/v2/?%s&hash=%s'\n", srv.URL, query, hex.EncodeToString(sum[:]))
	fmt.Fprintf(stdout, "curl -H 'Authorization: Bearer %s' '%s/api/oauth2?action=me'\n", tok, srv.URL)
	fmt.Fprintln(stderr, "serving; press Ctrl-C to stop")
	<-ctx.Done()
	return nil
}
