package cli

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/worksection-go/worksection/worksectiontest"
)

// fakeFlags are the settings of `worksection fake`.
type fakeFlags struct {
	key       string
	port      int
	rateLimit time.Duration
	tokenTTL  time.Duration
	empty     bool
	lenient   bool
}

// options turns the flags into the fake's options; a port is listened on
// here so that a port in use is a clear error.
func (f fakeFlags) options() ([]worksectiontest.Option, error) {
	var opts []worksectiontest.Option
	if f.port < 0 || f.port > 65535 {
		return nil, fmt.Errorf("--port %d: want 1 to 65535, or 0 for a random port", f.port)
	}
	if f.rateLimit < 0 || f.tokenTTL <= 0 {
		return nil, fmt.Errorf("--rate-limit and --token-ttl want a positive duration such as 1s or 500ms")
	}
	if f.port != 0 {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.port)))
		if err != nil {
			return nil, fmt.Errorf("--port %d: %w", f.port, err)
		}
		opts = append(opts, worksectiontest.WithListener(l))
	}
	switch {
	case f.key != "":
		opts = append(opts, worksectiontest.WithAPIKey(f.key))
	case f.port != 0: // a fixed port: a fixed key too, so the export line is the same every run
		opts = append(opts, worksectiontest.WithAPIKey(fmt.Sprintf("fake-key-%d", f.port)))
	}
	if f.rateLimit > 0 {
		opts = append(opts, worksectiontest.WithRateLimit(f.rateLimit))
	}
	if f.empty {
		opts = append(opts, worksectiontest.Empty())
	}
	if f.lenient {
		opts = append(opts, worksectiontest.WithLenientHashes())
	}
	return append(opts, worksectiontest.WithAccessTokenTTL(f.tokenTTL)), nil
}

func (a *app) fakeCmd() *cobra.Command {
	var f fakeFlags
	c := &cobra.Command{
		Use:   "fake [--port N] [--key KEY] [--rate-limit 1s] [--token-ttl 24h] [--empty]",
		Short: "Run a fake Worksection account in the foreground, for trying the tool and the API",
		Long: `Run the SDK's fake server (worksectiontest) with sample data until interrupted,
and print how to point this tool, curl, or another client at it. State is kept
in memory for as long as it runs, so changes persist across commands.

With --port the export line it prints is the same on every run (the key is
fake-key-PORT unless --key gives one; it is a fake on loopback).
--rate-limit refuses requests that arrive sooner than that after the last one
(the real API allows one a second), to try how a client copes; --token-ttl
sets how long OAuth access tokens live; --empty starts with no members, teams,
contacts or projects. md5 hashes are checked as PHP computes them;
--lenient-hashes also accepts the RFC 3986 and unencoded forms other clients use.`,
		Example: `  worksection fake                                         # runs until Ctrl-C
  worksection fake --port 8765 --key k1 --rate-limit 1s   # runs until Ctrl-C
  worksection fake --empty --token-ttl 1m                 # runs until Ctrl-C`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := f.options()
			if err != nil {
				return err
			}
			srv := worksectiontest.NewServer(opts...)
			defer srv.Close()
			info := fakeInfo{AccountURL: srv.URL, APIKey: srv.APIKey, ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, RateLimit: f.rateLimit.String()}
			if err := a.emit(fakeView(info)); err != nil {
				return err
			}
			<-cmd.Context().Done()
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.key, "key", "", "admin API key the fake accepts (default: fake-key-PORT with --port, else random)")
	fl.IntVar(&f.port, "port", 0, "loopback port to listen on (0: a random free port)")
	fl.DurationVar(&f.rateLimit, "rate-limit", 0, "refuse requests sooner than this after the last accepted one, e.g. 1s (0: off)")
	fl.DurationVar(&f.tokenTTL, "token-ttl", 24*time.Hour, "lifetime of the OAuth access tokens it issues")
	fl.BoolVar(&f.empty, "empty", false, "start with no members, teams, contacts, projects or tasks")
	fl.BoolVar(&f.lenient, "lenient-hashes", false, "also accept md5 hashes over RFC 3986 or unencoded queries (clients in other languages)")
	return c
}

// fakeInfo is how to reach a running fake, as -o json prints it (a fake
// on loopback: its key and client secret are no secrets).
type fakeInfo struct {
	AccountURL   string `json:"account_url"`
	APIKey       string `json:"api_key"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RateLimit    string `json:"rate_limit"` // "0s": off
}

// fakeView is the fake's details: one object as JSON, and on a table how
// to use it: the tool, curl (md5 and HMAC) and OAuth.
func fakeView(info fakeInfo) view {
	v := oneView(func(is []fakeInfo) view { return listView(cols("account_url", "api_key"), is, nil) }, info)
	v.textFirst = true
	v.text = func(w io.Writer, _ tableStyle) {
		fmt.Fprintf(w, "Fake Worksection account at %s (in memory; Ctrl-C stops it)\n\n", info.AccountURL)
		fmt.Fprintf(w, "Point the tool at it from another shell:\n\n")
		fmt.Fprintf(w, "  export %s=%s %s=%s\n", envAccountURL, info.AccountURL, envAPIKey, info.APIKey)
		fmt.Fprintf(w, "  worksection users list\n\n")
		printCurl(w, info)
		fmt.Fprintf(w, "OAuth sign-in against it:\n\n")
		fmt.Fprintf(w, "  export %s=%s %s=%s %s=%s\n", envClientID, info.ClientID, envClientSecret, info.ClientSecret, envOAuthURL, info.AccountURL)
		fmt.Fprintf(w, "  worksection login --context fake-oauth\n")
		if info.RateLimit != "0s" {
			fmt.Fprintf(w, "\nRate limit: a request sooner than %s after the last accepted one is refused (\"Too many requests\").\n", info.RateLimit)
		}
	}
	return v
}

// printCurl prints curl commands signed as the API documents: md5 of the
// PHP-encoded query and the key, and the HMAC header.
func printCurl(w io.Writer, info fakeInfo) {
	const query = "action=get_users"
	sum := md5.Sum([]byte(query + info.APIKey))
	fmt.Fprintf(w, "Or call the API with curl:\n\n")
	fmt.Fprintf(w, "  curl '%s/api/admin/v2/?%s&hash=%s'\n", info.AccountURL, query, hex.EncodeToString(sum[:]))
	fmt.Fprintf(w, "  t=$(date +%%s); curl -X POST -H 'Content-Type: application/json; charset=utf-8' "+
		"-H \"Authorization: Admin ${t}_$(printf 'get_users:%%s' $t | openssl dgst -sha256 -hmac '%s' | awk '{print $NF}')\" "+
		"'%s/api/admin/v2?action=get_users'\n\n", info.APIKey, info.AccountURL)
}
