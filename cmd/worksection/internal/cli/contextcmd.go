package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/worksection-go/worksection/internal/transport"
)

func (a *app) contextCmd() *cobra.Command {
	c := group("context", "Manage contexts: saved accounts with their credentials",
		a.contextCreateCmd(), a.contextListCmd(), a.contextUseCmd(), a.contextActiveCmd(), a.contextDeleteCmd())
	c.Long = `A context is a saved account: its URL and its credential (an admin API key
from "context create", or an OAuth token from "worksection login"). The
secret goes in the OS keyring; where there is none (a headless machine, CI,
or ` + envNoKeyring + ` set) it goes in a file of mode 0600 in your config folder,
and the tool says so once. Nothing here ever prints a secret.

The active context is used when neither --account-url/--api-key nor
` + envAccountURL + `/` + envAPIKey + ` are given; --context NAME or
` + envContext + `=NAME chooses another one for a single run.`
	c.Example = `  # Your account's URL, and its API key (Account → API) instead of 0123456789abcdef:
  echo 0123456789abcdef | worksection context create acme --account-url https://acme.worksection.com --api-key-stdin
  worksection context list
  worksection context use acme`
	return c
}

func (a *app) contextCreateCmd() *cobra.Command {
	var fromStdin bool
	c := &cobra.Command{
		Use:   "create NAME --account-url URL [--api-key-stdin]",
		Short: "Save an account and its admin API key as a context, and make it active",
		Long: `Save an account and its admin API key as the context NAME, and make it active.
The key is typed at a prompt (not shown) or, with --api-key-stdin, read from
standard input; never from a flag, which other users can see in ps.`,
		Example: `  # Your account's URL, and its API key (Account → API): asked for on a terminal, or read from stdin:
  echo 0123456789abcdef | worksection context create acme --account-url https://acme.worksection.com --api-key-stdin
  # Against "worksection fake --port 8765 --key k1" running in another terminal:
  echo k1 | worksection context create fake --account-url http://127.0.0.1:8765 --api-key-stdin`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := a.newContext(args[0])
			if err != nil {
				return err
			}
			key, err := a.readAPIKey(cmd.Context(), sc.host(), fromStdin)
			if err != nil {
				return err
			}
			var v view
			err = a.updateConfig(cmd.Context(), func(cfg *config) error {
				if err := notTaken(cfg, sc.Name); err != nil { // by another run while the key was typed
					return err
				}
				if sc.Store, err = a.keepSecret(cfg, sc.Name, key); err != nil {
					return err
				}
				cfg.put(*sc)
				cfg.Active = sc.Name
				v = contextView(cfg, sc)
				return nil
			})
			if err != nil {
				return err
			}
			a.noteShadowed(sc.Name)
			return a.emit(v)
		},
	}
	c.Flags().BoolVar(&fromStdin, "api-key-stdin", false, "read the API key from standard input when it is not a terminal (a terminal is always prompted, echo off)")
	return c
}

// newContext checks a new context's name and --account-url before the key
// is asked for.
func (a *app) newContext(name string) (*savedContext, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if a.apiKey != "" {
		return nil, errors.New("context create never takes the key from --api-key (flags show in ps): type it at the prompt, or pipe it with --api-key-stdin")
	}
	if a.account == "" {
		return nil, errors.New("--account-url is required: the account's address, like https://acme.worksection.com")
	}
	if err := checkAccountURL("--account-url", a.account); err != nil {
		return nil, err
	}
	account, err := transport.ParseBaseURL(a.account, false, accountURLExample)
	if err != nil {
		return nil, fmt.Errorf("--account-url: %w", err)
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, err
	}
	if err := notTaken(cfg, name); err != nil {
		return nil, err
	}
	return &savedContext{Name: name, AccountURL: account, Credential: kindAPIKey}, nil
}

// notTaken refuses a context name in use: create never replaces one.
func notTaken(cfg *config, name string) error {
	if old := cfg.find(name); old != nil {
		return fmt.Errorf("%s exists; to replace it: `worksection context delete %s`, then create it again", old.describe(), name)
	}
	return nil
}

// readAPIKey reads the key from a prompt with echo off when stdin is a
// terminal, else from stdin with --api-key-stdin. Ctrl-C at the prompt
// ends it and turns echo back on.
func (a *app) readAPIKey(ctx context.Context, host string, fromStdin bool) (string, error) {
	in := a.env.Stdin
	if in == nil {
		in = strings.NewReader("")
	}
	f, isFile := in.(*os.File)
	var b []byte
	var err error
	switch {
	case isFile && term.IsTerminal(int(f.Fd())): // with --api-key-stdin too: a key typed on a terminal is never echoed
		fmt.Fprintf(a.env.Stderr, "API key for %s (Account → API; not shown as you type): ", printable(host))
		b, err = readPassword(ctx, int(f.Fd()))
		fmt.Fprintln(a.env.Stderr)
	case fromStdin:
		b, err = io.ReadAll(io.LimitReader(in, 64<<10))
	default:
		return "", errors.New("no terminal to ask for the API key: pipe it in with --api-key-stdin")
	}
	if err != nil {
		return "", fmt.Errorf("reading the API key: %w", err)
	}
	key := strings.TrimSpace(string(b))
	switch {
	case key == "":
		return "", errors.New("no API key given")
	case strings.IndexFunc(key, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return "", errors.New("the API key must be one word on one line") // never quoted: it is a secret
	}
	return key, nil
}

// readPassword reads a line with echo off until ctx ends (Ctrl-C), when it
// restores the terminal: the process is about to exit and must not leave
// echo off.
func readPassword(ctx context.Context, fd int) ([]byte, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		return nil, ctx.Err()
	}
}

// keepSecret saves a context's secret and, the first time this config
// keeps one in a file, says so on stderr. The caller saves cfg.
func (a *app) keepSecret(cfg *config, name, secret string) (store string, err error) {
	s := a.secrets(cfg)
	store, why, err := s.save(name, secret)
	if err != nil {
		return "", fmt.Errorf("saving the secret of context %q: %w", name, err)
	}
	if store == storeFile && !cfg.FileNoticeGiven {
		cfg.FileNoticeGiven = true
		a.notice("%s: secrets are kept in files of mode 0600 in %s (said once)", why, filepath.Dir(s.file(name)))
	}
	return store, nil
}

func (a *app) contextListCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List the contexts: name, account, credential kind and where the secret is",
		Example: "  worksection context list\n  worksection context list -o json",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			return a.emit(contextsView(cfg, cfg.Contexts))
		},
	}
}

func (a *app) contextUseCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "use NAME",
		Short: "Make a context the active one",
		Example: `  echo 0123456789abcdef | worksection context create acme --account-url https://acme.worksection.com --api-key-stdin
  worksection context use acme`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var v view
			err := a.updateConfig(cmd.Context(), func(cfg *config) error {
				sc, err := cfg.get(args[0])
				if err != nil {
					return err
				}
				cfg.Active = sc.Name
				v = contextView(cfg, sc)
				return nil
			})
			if err != nil {
				return err
			}
			a.noteShadowed(args[0])
			return a.emit(v)
		},
	}
}

// noteShadowed says, when a context has just been made active, which
// variables will keep runs from using it.
func (a *app) noteShadowed(name string) {
	var by []string
	for _, v := range []string{envAccountURL, envAPIKey} {
		if a.env.Getenv(v) != "" {
			by = append(by, v)
		}
	}
	if c := a.env.Getenv(envContext); c != "" && c != name {
		by = append(by, envContext)
	}
	verb := "comes"
	if len(by) > 1 {
		verb = "come"
	}
	if len(by) > 0 {
		a.notice("context %q is active, but %s set in this shell %s first (see `worksection auth status`)", name, strings.Join(by, " and "), verb)
	}
}

func (a *app) contextActiveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "active",
		Short: "Show the context commands use: --context, else " + envContext + ", else the active one",
		Long: `Show the context commands use: --context, else ` + envContext + `, else the one
made active by "context use" or "context create". Exit status 1 if none.
Credentials in flags or variables still come first: see "worksection auth status".`,
		Example: `  echo 0123456789abcdef | worksection context create acme --account-url https://acme.worksection.com --api-key-stdin
  worksection context active
  worksection context active -o json`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			name, _ := a.chosenContext(cfg)
			if name == "" {
				return errors.New("no context is active: create one with `worksection context create NAME --account-url URL`")
			}
			sc, err := cfg.get(name)
			if err != nil {
				return err
			}
			return a.emit(contextView(cfg, sc))
		},
	}
}

func (a *app) contextDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a context and its secret",
		Example: `  echo 0123456789abcdef | worksection context create acme --account-url https://acme.worksection.com --api-key-stdin
  worksection context delete acme`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var v view
			err := a.updateConfig(cmd.Context(), func(cfg *config) error {
				sc, err := cfg.get(args[0])
				if err != nil {
					return err
				}
				deleted := *sc
				s := a.secrets(cfg)
				if err := s.forget(sc); err != nil {
					return err
				}
				_ = os.Remove(s.file(sc.Name) + ".lock") // an OAuth token's refresh lock
				cfg.remove(deleted.Name)
				v = contextView(cfg, &deleted)
				return nil
			})
			if err != nil {
				return err
			}
			return a.emit(v)
		},
	}
}

// contextJSON is a context as -o json shows it: never its secret.
type contextJSON struct {
	Name       string `json:"name"`
	Active     bool   `json:"active"`
	AccountURL string `json:"account_url"`
	Host       string `json:"host"`
	Credential string `json:"credential"` // "api key" or "oauth token"
	Store      string `json:"store"`      // "keyring" or "file"
}

func contextRecord(cfg *config, sc *savedContext) contextJSON {
	return contextJSON{Name: sc.Name, Active: sc.Name == cfg.Active, AccountURL: sc.AccountURL,
		Host: sc.host(), Credential: sc.Credential, Store: sc.Store}
}

func (c contextJSON) row() []string {
	active := ""
	if c.Active {
		active = "*"
	}
	return []string{active, c.Name, c.Host, c.Credential, c.Store}
}

// contextsView lists contexts; JSON is a list, [] when there are none.
func contextsView(cfg *config, list []savedContext) view {
	items := make([]contextJSON, 0, len(list))
	for i := range list {
		items = append(items, contextRecord(cfg, &list[i]))
	}
	return listView(cols("active", "name", "host:ACCOUNT", "credential", "store"), items, contextJSON.row)
}

// contextView is one context; JSON is one object.
func contextView(cfg *config, sc *savedContext) view {
	v := contextsView(cfg, []savedContext{*sc})
	v.data = contextRecord(cfg, sc) // one object, not a list of one
	return v
}
