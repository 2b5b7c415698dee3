package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/webasyst"
)

// isRefused reports a refused credential: Worksection's, or the Webasyst
// token a sync reads with (exit status 4).
func isRefused(err error) bool {
	return errors.Is(err, ws.ErrUnauthorized) || errors.Is(err, webasyst.ErrUnauthorized)
}

// refused explains a refused credential: which one was used, and what to check.
func (a *app) refused(err error) error {
	c := a.cred
	switch {
	case errors.Is(err, webasyst.ErrUnauthorized):
		return fmt.Errorf("%w; the Webasyst server refused %s: check it", err, envWebasystTok)
	case c.from == "":
		return err // refused before any account was reached, e.g. by the OAuth server at login
	case c.context != nil && c.kind == kindToken && a.env.Getenv(envClientSecret) == "":
		return fmt.Errorf("%w; the OAuth token of context %q for %s was refused or could not be refreshed: set %s (a refresh needs it), or sign in again with `worksection login --context %s`",
			err, c.context.Name, c.host, envClientSecret, c.context.Name)
	case c.context != nil && c.kind == kindToken:
		return fmt.Errorf("%w; %s refused the OAuth token of context %q: sign in again with `worksection login --context %s`",
			err, c.host, c.context.Name, c.context.Name)
	case c.context != nil:
		return fmt.Errorf("%w; %s refused the API key of context %q: check the key (Account → API), then `worksection context delete %s` and create it again",
			err, c.host, c.context.Name, c.context.Name)
	}
	return fmt.Errorf("%w; %s refused the API key from %s: check %s (Account → API)", err, c.host, c.from, c.from)
}

func (a *app) authCmd() *cobra.Command {
	c := group("auth", "Check the credential this run would use", a.authStatusCmd())
	c.Example = "  worksection auth status"
	return c
}

// authStatus is what "auth status" reports; never a secret.
type authStatus struct {
	AccountURL string     `json:"account_url"`
	Host       string     `json:"host"`
	Credential string     `json:"credential"` // "api key" or "oauth token"
	From       string     `json:"from"`       // a flag, a variable, a context or the built-in fake
	Expires    *time.Time `json:"expires,omitempty"`
	Refreshes  *bool      `json:"refreshes,omitempty"` // a token only: it has a refresh token and the client secret is set
	Accepted   bool       `json:"accepted"`

	refreshNote string
}

func (s authStatus) view() view {
	expires, refreshes, status := "", "", "refused"
	if s.Expires != nil {
		expires = s.Expires.Format(time.RFC3339)
	}
	if s.Refreshes != nil {
		refreshes = "no" + s.refreshNote
		if *s.Refreshes {
			refreshes = "yes"
		}
	}
	if s.Accepted {
		status = "accepted"
	}
	return view{cols: cols("host:ACCOUNT", "credential", "from", "expires", "refreshes", "accepted:STATUS", "account_url"), shown: 6,
		rows: [][]string{{s.Host, s.Credential, s.From, expires, refreshes, status, s.AccountURL}}, data: s, status: "accepted"}
}

func (a *app) authStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the account and credential in use, and check it with one read (exit status 4 if refused)",
		Long: `Show the account, the kind of credential and where it comes from (a flag, a
variable, a context or the built-in fake), and for an OAuth token its expiry
and whether it refreshes. One cheap read checks that the account accepts it:
exit status 4 if it is refused.`,
		Example: "  worksection auth status\n  worksection auth status -o json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			st, err := a.checkAuth(cmd.Context(), c)
			if st == nil {
				return err
			}
			if eerr := a.emit(st.view()); eerr != nil {
				return eerr
			}
			return err
		},
	}
}

// checkAuth makes one cheap read with c. It returns the status and, when
// the credential is refused, the error (exit status 4); any other failure
// is an error without a status.
func (a *app) checkAuth(ctx context.Context, c *ws.Client) (*authStatus, error) {
	st := &authStatus{AccountURL: c.AccountURL(), Host: a.cred.host, Credential: a.cred.kind, From: a.cred.from}
	var err error
	if a.cred.kind == kindToken {
		_, err = c.Me(ctx)
	} else {
		_, err = c.GetUserGroups(ctx)
	}
	if err != nil && !errors.Is(err, ws.ErrUnauthorized) {
		return nil, err
	}
	st.Accepted = err == nil
	if a.cred.tokens != nil {
		tok, lerr := a.cred.tokens.Load(ctx) // after the read: a refreshed token if it was due
		if lerr != nil {
			return nil, lerr
		}
		if tok != nil {
			if !tok.Expiry.IsZero() {
				exp := tok.Expiry.UTC().Truncate(time.Second)
				st.Expires = &exp
			}
			refreshes := tok.RefreshToken != "" && a.env.Getenv(envClientSecret) != ""
			st.Refreshes = &refreshes
			switch {
			case tok.RefreshToken == "":
				st.refreshNote = " (no refresh token)"
			case !refreshes:
				st.refreshNote = " (" + envClientSecret + " is not set)"
			}
		}
	}
	return st, err
}

func (a *app) whoamiCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "whoami",
		Short:   "Show who this run signs in as: the member (OAuth token) or the account and key kind (API key)",
		Example: "  worksection whoami\n  worksection whoami -o json",
		Args:    noArgs,
		RunE: a.run(func(ctx context.Context, c *ws.Client) (view, error) {
			if a.cred.kind == kindToken {
				u, err := c.Me(ctx)
				if err != nil {
					return view{}, err
				}
				return oneView(usersView, *u), nil
			}
			// The admin API key belongs to the account, not to a member.
			return accountKeyView(accountKey{c.AccountURL(), a.cred.host, "admin " + a.cred.kind, a.cred.from}), nil
		}),
	}
}

// accountKey is whoami's answer for an admin API key, which belongs to
// the account, not to a member.
type accountKey struct {
	AccountURL string `json:"account_url"`
	Host       string `json:"host"`
	Credential string `json:"credential"`
	From       string `json:"from"`
}

func accountKeyView(k accountKey) view {
	return oneView(func(ks []accountKey) view {
		return listView(cols("host:ACCOUNT", "credential", "from"), ks, nil)
	}, k)
}

func (a *app) logoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Forget the secret of a context (--context, else " + envContext + ", else the active one); the context stays",
		Long: `Forget the secret (API key or OAuth token) of the context chosen by --context,
else ` + envContext + `, else the active one. The context stays, without a
credential, so commands that use it fail until "worksection login --context
NAME" (or "context delete NAME" and "context create NAME"); it never falls
back to the built-in fake. Nothing is sent to the account.`,
		Example: `  echo 0123456789abcdef | worksection context create acme --account-url https://acme.worksection.com --api-key-stdin
  worksection logout
  worksection logout --context acme`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			name, _ := a.chosenContext(cfg)
			if name == "" {
				return errors.New("no context to log out of: give --context NAME (see `worksection context list`)")
			}
			sc, err := cfg.get(name)
			if err != nil {
				return err
			}
			if err := a.secrets(cfg).forget(sc); err != nil {
				return err
			}
			v := contextView(cfg, sc)
			v.footer = fmt.Sprintf("Logged out: the %s of context %q is forgotten.", sc.Credential, sc.Name)
			return a.emit(v)
		},
	}
}
