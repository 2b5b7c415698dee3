// Command fakeserver runs the worksectiontest fake on a loopback port and
// prints its URL, API key, an access token and sample commands, for trying
// the API with curl, from another process (a CLI test), or with clients in
// other languages. It runs until interrupted.
//
//	go run ./examples/fakeserver -key 7776461cd931e7b1c8e9632ff8e979ce
//
// The md5 hash is checked as PHP computes it: md5(http_build_query(params in
// the order sent) . key), PHP urlencode rules (space as '+', '~' as %7E,
// upper-case hex). Clients that hash the bytes they send with other encoding
// rules (RFC 3986 "%20") or the unencoded values (the vendor's Postman
// collection) need -lenient-hashes.
package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/worksection-go/worksection/worksectiontest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fakeserver:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fakeserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "", "admin API key to accept (random if empty)")
	email := fs.String("token-for", "kate.greenway@acme.example", "member to issue an access token for")
	lenient := fs.Bool("lenient-hashes", false, "also accept md5 hashes over RFC 3986 or unencoded queries (clients in other languages)")
	rateLimit := fs.Duration("rate-limit", 0, "refuse requests arriving sooner than this after the last accepted one (the API's limit is 1s; 0: off)")
	tokenTTL := fs.Duration("token-ttl", 24*time.Hour, "lifetime of issued access tokens")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	var opts []worksectiontest.Option
	if *key != "" {
		opts = append(opts, worksectiontest.WithAPIKey(*key))
	}
	if *lenient {
		opts = append(opts, worksectiontest.WithLenientHashes())
	}
	if *rateLimit > 0 {
		opts = append(opts, worksectiontest.WithRateLimit(*rateLimit))
	}
	opts = append(opts, worksectiontest.WithAccessTokenTTL(*tokenTTL))
	srv := worksectiontest.NewServer(opts...)
	defer srv.Close()
	tok := srv.NewAccessToken(*email)

	// The documented signature: md5 of the PHP-encoded query, then the key.
	query := "action=get_users"
	sum := md5.Sum([]byte(query + srv.APIKey))
	fmt.Fprintf(stdout, "URL:          %s\n", srv.URL)
	fmt.Fprintf(stdout, "API key:      %s\n", srv.APIKey)
	fmt.Fprintf(stdout, "Access token: %s (for %s)\n\n", tok, *email)
	fmt.Fprintf(stdout, "export WORKSECTION_ACCOUNT_URL=%s WORKSECTION_API_KEY=%s\n\n", srv.URL, srv.APIKey)
	fmt.Fprintf(stdout, "curl '%s/api/admin/v2/?%s&hash=%s'\n", srv.URL, query, hex.EncodeToString(sum[:]))
	fmt.Fprintf(stdout, "curl -H 'Authorization: Bearer %s' '%s/api/oauth2?action=me'\n", tok, srv.URL)
	fmt.Fprintf(stdout, "t=$(date +%%s); curl -X POST -H 'Content-Type: application/json; charset=utf-8' "+
		"-H \"Authorization: Admin ${t}_$(printf 'get_users:%%s' $t | openssl dgst -sha256 -hmac '%s' | awk '{print $NF}')\" "+
		"'%s/api/admin/v2?action=get_users'\n\n", srv.APIKey, srv.URL)
	if *lenient {
		fmt.Fprintln(stdout, "md5 hashes: PHP's form, RFC 3986 (%20, bare ~) and unencoded values are all accepted (-lenient-hashes).")
	} else {
		fmt.Fprintln(stdout, "md5 hashes: only PHP's form is accepted, md5(http_build_query(params in order sent) . key): space as +, ~ as %7E,")
		fmt.Fprintln(stdout, "upper-case hex. Clients hashing RFC 3986 (%20) or unencoded values: restart with -lenient-hashes.")
	}
	fmt.Fprintln(stderr, "serving; press Ctrl-C to stop")
	<-ctx.Done()
	return nil
}
