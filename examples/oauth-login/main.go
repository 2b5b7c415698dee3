// Command oauth-login signs a person in with Worksection's OAuth2, saves
// the token in a worksection.FileTokenStore (a 0600 file, replaced
// atomically, with an OS lock beside it) and prints who they are.
//
// It starts a callback server on 127.0.0.1, prints the authorize URL for
// you to open (it opens nothing by itself), exchanges the code for a token,
// and calls Me through worksection.NewSharedTokenSource. Every refresh
// invalidates the previous refresh token, so the source refreshes under the
// file's lock and saves each new pair there: other processes on this host
// that use the same file share the token without logging each other out.
//
// With WORKSECTION_CLIENT_ID and WORKSECTION_CLIENT_SECRET set it uses
// Worksection (register http://127.0.0.1:PORT/callback, or set
// WORKSECTION_REDIRECT_URL to the HTTPS address that forwards to it).
// Otherwise it runs the whole flow against the built-in fake server,
// playing the browser itself.
//
// The token goes in the user's config folder (on Linux
// ~/.config/worksection/oauth-login-token.json), never the working
// directory; -token-file chooses another file. Before it exits the program
// flushes the token source: a refresh the server has answered must reach
// the file, or the next run's refresh token is dead.
//
//	go run ./examples/oauth-login
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "oauth-login:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("oauth-login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tokenFile := fs.String("token-file", "", "where to save the token, mode 0600 (default: worksection/oauth-login-token.json in the user's config folder)")
	timeout := fs.Duration("timeout", 5*time.Minute, "how long to wait for the sign-in")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tokenFile == "" {
		var err error
		if *tokenFile, err = defaultTokenFile(); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	if r := getenv("WORKSECTION_REDIRECT_URL"); r != "" {
		redirect = r
	}

	var cfg *oauth2.Config
	fake := getenv("WORKSECTION_CLIENT_ID") == ""
	if fake {
		srv := worksectiontest.NewServer()
		defer srv.Close()
		fmt.Fprintf(stderr, "WORKSECTION_CLIENT_ID is not set: signing in to the built-in fake server at %s\n", srv.URL)
		cfg = srv.OAuthConfig(redirect, ws.ScopeUsersRead)
	} else {
		cfg = ws.NewOAuth2Config(getenv("WORKSECTION_CLIENT_ID"), getenv("WORKSECTION_CLIENT_SECRET"), redirect, ws.ScopeUsersRead)
	}

	state := randomState()
	codes := make(chan string, 1)
	callbackSrv := &http.Server{Handler: callback(state, codes), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = callbackSrv.Serve(ln) }()
	defer callbackSrv.Close()

	authURL := cfg.AuthCodeURL(state)
	fmt.Fprintf(stdout, "Open this URL to sign in:\n\n  %s\n\n", authURL)
	if fake {
		go openAsBrowser(ctx, authURL) // the fake approves at once and redirects to the callback
	}

	var code string
	select {
	case code = <-codes:
	case <-ctx.Done():
		return fmt.Errorf("waiting for the sign-in: %w", ctx.Err())
	}
	tok, err := ws.Exchange(ctx, cfg, code)
	if err != nil {
		return err
	}
	store := ws.NewFileTokenStore(*tokenFile)
	if err := store.Save(ctx, tok); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Token saved to %s\n", *tokenFile)

	ts := ws.NewSharedTokenSource(ctx, cfg, store)
	defer flush(ctx, ts, stderr)
	c, err := ws.NewClientFromToken(ctx, cfg, tok, ws.WithTokenSource(ts))
	if err != nil {
		return err
	}
	me, err := c.Me(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Signed in as %s <%s>, %s in %s, account %s\n", me.Name, me.Email, me.Role, me.Group, c.AccountURL())
	return nil
}

// flush waits for a refresh already started to be saved, even after ctx
// ended (Ctrl-C): the server has rotated the refresh token by then.
func flush(ctx context.Context, ts *ws.SharedTokenSource, stderr io.Writer) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := ts.Flush(ctx); err != nil {
		fmt.Fprintln(stderr, "oauth-login: renewing the token:", err)
	}
}

// defaultTokenFile is the token's file in the user's config folder.
func defaultTokenFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config folder for the token (use -token-file): %w", err)
	}
	dir = filepath.Join(dir, "worksection")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return filepath.Join(dir, "oauth-login-token.json"), nil
}

// callback receives the redirect with the code, checking state.
func callback(state string, codes chan<- string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("state") != state || q.Get("code") == "" {
			http.Error(w, "bad state or no code", http.StatusBadRequest)
			return
		}
		select {
		case codes <- q.Get("code"):
			fmt.Fprintln(w, "Signed in. You can close this tab.")
		default:
			http.Error(w, "already signed in", http.StatusConflict)
		}
	})
	return mux
}

func openAsBrowser(ctx context.Context, u string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

func randomState() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
