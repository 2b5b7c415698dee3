package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
)

// loginScopes are what the tool's commands need.
var loginScopes = []string{ws.ScopeUsersRead, ws.ScopeUsersWrite, ws.ScopeContactsRead, ws.ScopeContactsWrite,
	ws.ScopeProjectsRead, ws.ScopeProjectsWrite, ws.ScopeTasksRead, ws.ScopeTasksWrite}

func (a *app) loginCmd() *cobra.Command {
	var clientID, oauthURL string
	var timeout time.Duration
	c := &cobra.Command{
		Use:   "login",
		Short: "Sign in with OAuth2 and save the token (mode 0600) in your config folder",
		Long: `Sign in to Worksection with OAuth2 in the browser and save the token, mode 0600,
in your config folder (worksection/token.json). Later commands use it when
` + envAccountURL + ` and ` + envAPIKey + ` are not set.

Needs an OAuth app: ` + envClientID + ` and ` + envClientSecret + ` (the secret is also
needed later, to refresh the token). Register http://127.0.0.1:PORT/callback
as its redirect URL and pass --port PORT.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if clientID == "" {
				clientID = a.env.Getenv(envClientID)
			}
			if oauthURL == "" {
				oauthURL = a.env.Getenv(envOAuthURL)
			}
			if oauthURL == "" {
				oauthURL = ws.OAuthBaseURL
			}
			secret := a.env.Getenv(envClientSecret)
			switch {
			case clientID == "" && secret == "":
				return fmt.Errorf("login needs an OAuth app: set %s and %s (`worksection fake` prints a pair for its fake)", envClientID, envClientSecret)
			case clientID == "":
				return errPartialCredentials(envClientSecret, envClientID+" (or --client-id)")
			case secret == "":
				return errPartialCredentials(envClientID, envClientSecret)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			return a.login(ctx, loginApp{ClientID: clientID, OAuthURL: oauthURL}, secret)
		},
	}
	c.Flags().StringVar(&clientID, "client-id", "", "OAuth client id (env "+envClientID+")")
	c.Flags().StringVar(&oauthURL, "oauth-url", "", "OAuth server (env "+envOAuthURL+"; default "+ws.OAuthBaseURL+")")
	c.Flags().IntVar(&a.loginPort, "port", 0, "callback port on 127.0.0.1 (default: any free port)")
	c.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "how long to wait for the sign-in")
	return c
}

func (a *app) login(ctx context.Context, app loginApp, secret string) error {
	path, err := a.configPath(tokenFileName)
	if err != nil {
		return fmt.Errorf("finding your config folder: %w", err)
	}
	endpoint, err := ws.EndpointAt(app.OAuthURL)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", a.loginPort))
	if err != nil {
		return err
	}
	cfg := ws.NewOAuth2Config(app.ClientID, secret, "http://"+ln.Addr().String()+"/callback", loginScopes...)
	cfg.Endpoint = endpoint
	state := randomHex()
	codes := make(chan string, 1)
	srv := &http.Server{Handler: callback(state, codes), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	url := cfg.AuthCodeURL(state)
	fmt.Fprintf(a.env.Stderr, "Open this URL to sign in:\n\n  %s\n\n", url)
	if a.env.Browse != nil {
		go a.env.Browse(ctx, url)
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
	account := ws.AccountURL(tok)
	if account == "" {
		return errors.New("the token response names no account_url")
	}
	if err := a.saveLogin(ctx, app, tok); err != nil {
		return fmt.Errorf("saving the token: %w", err)
	}
	_, err = fmt.Fprintf(a.env.Stdout, "Signed in to %s; token saved to %s (mode 0600).\n", account, path)
	return err
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

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
