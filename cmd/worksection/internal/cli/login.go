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
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/storedtoken"
	"github.com/worksection-go/worksection/internal/transport"
)

// loginScopes are what the tool's commands need.
var loginScopes = []string{ws.ScopeUsersRead, ws.ScopeUsersWrite, ws.ScopeContactsRead, ws.ScopeContactsWrite,
	ws.ScopeProjectsRead, ws.ScopeProjectsWrite, ws.ScopeTasksRead, ws.ScopeTasksWrite}

func (a *app) loginCmd() *cobra.Command {
	var clientID, oauthURL string
	var timeout time.Duration
	c := &cobra.Command{
		Use:   "login",
		Short: "Sign in with OAuth2 and save the token in a context (the active one, or --context)",
		Long: `Sign in to Worksection with OAuth2 in the browser and save the token in a
context: --context NAME (created if missing), else ` + envContext + `, else the
active context, else a new context "default", which becomes active if none
is. The token goes in the OS keyring, or in a file of mode 0600 in your
config folder where there is none. Saving into an existing context replaces
its credential, if the account is the same.

Needs an OAuth app: ` + envClientID + ` and ` + envClientSecret + ` (the secret is also
needed later, to refresh the token, and is never saved). Register
http://127.0.0.1:PORT/callback as its redirect URL and pass --port PORT.`,
		Example: `  # With "worksection fake" running in another terminal and the OAuth variables it prints exported:
  worksection login --context fake-oauth    # needs a browser
  worksection whoami --context fake-oauth   # needs a browser (to sign in first)`,
		Args: noArgs,
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
			target, err := a.loginTarget()
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			tok, err := a.login(ctx, clientID, oauthURL, secret)
			if err != nil {
				return err
			}
			return a.saveLogin(ctx, savedContext{Name: target, AccountURL: ws.AccountURL(tok), Credential: kindToken,
				ClientID: clientID, OAuthURL: oauthURL}, tok)
		},
	}
	c.Flags().StringVar(&clientID, "client-id", "", "OAuth client id (env "+envClientID+")")
	c.Flags().StringVar(&oauthURL, "oauth-url", "", "OAuth server (env "+envOAuthURL+"; default "+ws.OAuthBaseURL+")")
	c.Flags().IntVar(&a.loginPort, "port", 0, "callback port on 127.0.0.1 (default: any free port)")
	c.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "how long to wait for the sign-in")
	return c
}

// login signs in through the browser and returns the token.
func (a *app) login(ctx context.Context, clientID, oauthURL, secret string) (*oauth2.Token, error) {
	endpoint, err := ws.EndpointAt(oauthURL)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", a.loginPort))
	if err != nil {
		return nil, err
	}
	cfg := ws.NewOAuth2Config(clientID, secret, "http://"+ln.Addr().String()+"/callback", loginScopes...)
	cfg.Endpoint = endpoint
	state := randomHex()
	codes := make(chan callbackResult, 1)
	srv := &http.Server{Handler: callback(state, codes), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	url := cfg.AuthCodeURL(state)
	fmt.Fprintf(a.env.Stderr, "Open this URL to sign in:\n\n  %s\n\n", printable(url))
	if a.env.Browse != nil {
		go a.env.Browse(ctx, url)
	}
	var got callbackResult
	select {
	case got = <-codes:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the sign-in: %w", ctx.Err())
	}
	if got.err != nil {
		return nil, got.err
	}
	tok, err := ws.Exchange(ctx, cfg, got.code)
	if err != nil {
		return nil, err
	}
	if ws.AccountURL(tok) == "" {
		return nil, errors.New("the token response names no account_url")
	}
	return tok, nil
}

// callbackResult is what the redirect to the callback brought: a code,
// or the server's refusal.
type callbackResult struct {
	code string
	err  error
}

// callback receives the redirect, checking state: a code, or an error
// (?error=access_denied) that ends the wait at once.
func callback(state string, results chan<- callbackResult) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res callbackResult
		switch {
		case q.Get("state") != state:
			http.Error(w, "bad state", http.StatusBadRequest)
			return
		case q.Get("error") != "":
			res.err = fmt.Errorf("the sign-in was refused: %s", short(strings.TrimSpace(q.Get("error")+": "+q.Get("error_description")), 300))
		case q.Get("code") == "":
			http.Error(w, "no code", http.StatusBadRequest)
			return
		default:
			res.code = q.Get("code")
		}
		select {
		case results <- res:
			if res.err != nil {
				fmt.Fprintln(w, "Sign-in refused. You can close this tab.")
			} else {
				fmt.Fprintln(w, "Signed in. You can close this tab.")
			}
		default:
			http.Error(w, "already answered", http.StatusConflict)
		}
	})
	return mux
}

// short cuts s to n bytes at a rune boundary: a server's words in an
// error line, not a page.
func short(s string, n int) string {
	s = strings.TrimSuffix(s, ":")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}

// loginTarget is the context login saves into, checked before the browser
// opens: the chosen one, or "default".
func (a *app) loginTarget() (string, error) {
	cfg, err := a.loadConfig()
	if err != nil {
		return "", err
	}
	name, _ := a.chosenContext(cfg)
	if name == "" {
		name = "default"
	}
	return name, checkName(name)
}

// saveLogin keeps the token as the context's credential, replacing what it
// had if it is for the same account.
func (a *app) saveLogin(ctx context.Context, sc savedContext, tok *oauth2.Token) error {
	account, err := transport.ParseBaseURL(sc.AccountURL, false, accountURLExample)
	if err != nil {
		return fmt.Errorf("the token response's account_url: %w", err)
	}
	sc.AccountURL = account
	b, err := storedtoken.Marshal(tok)
	if err != nil {
		return err
	}
	var v view
	activated := false
	err = a.updateConfig(ctx, func(cfg *config) error {
		if old := cfg.find(sc.Name); old != nil {
			if old.host() != sc.host() {
				return fmt.Errorf("%s is for another account than %s, where you signed in: nothing saved; sign in with --context NEW-NAME", old.describe(), sc.host())
			}
			if err := a.secrets(cfg).forget(old); err != nil {
				return err
			}
		}
		if sc.Store, err = a.keepSecret(cfg, sc.Name, string(b)); err != nil {
			return err
		}
		cfg.put(sc)
		if activated = cfg.Active == ""; activated {
			cfg.Active = sc.Name
		}
		v = contextView(cfg, &sc)
		return nil
	})
	if err != nil {
		return err
	}
	if activated {
		a.noteShadowed(sc.Name)
	}
	v.footer = fmt.Sprintf("Signed in to %s; the token is saved in context %q (%s).", sc.host(), sc.Name, storeWords(sc.Store))
	return a.emit(v)
}

// storeWords says where a secret is, for messages.
func storeWords(store string) string {
	if store == storeKeyring {
		return "in the OS keyring"
	}
	return "in a file of mode 0600"
}
