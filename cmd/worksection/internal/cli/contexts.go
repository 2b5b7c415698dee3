package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/transport"
)

// envContext chooses a context for one run, like --context.
const envContext = "WORKSECTION_CONTEXT"

// accountURLExample is the form of an account URL, for errors.
const accountURLExample = "https://<account>.worksection.com"

// Credential kinds, as shown to the user.
const (
	kindAPIKey = "api key"
	kindToken  = "oauth token"
)

// savedContext is one account the tool knows: its URL, the kind of
// credential and where its secret is. The secret itself is never in the
// config file.
type savedContext struct {
	Name       string `json:"name"`
	AccountURL string `json:"account_url"`
	Credential string `json:"credential"` // kindAPIKey or kindToken
	Store      string `json:"store"`      // storeKeyring or storeFile
	// The OAuth app a token came from, which a refresh needs (its secret
	// comes from WORKSECTION_CLIENT_SECRET, never from a file).
	ClientID string `json:"client_id,omitempty"`
	OAuthURL string `json:"oauth_url,omitempty"`
}

// host is the account's host, which messages show instead of anything secret.
func (sc *savedContext) host() string { return hostOf(sc.AccountURL) }

// describe names the context with its host and credential kind for messages.
func (sc *savedContext) describe() string {
	return fmt.Sprintf("context %q (%s, %s)", sc.Name, sc.host(), sc.Credential)
}

// hostOf is an account URL's host, or the URL if it does not parse.
func hostOf(account string) string {
	if u, err := url.Parse(account); err == nil && u.Host != "" {
		return u.Host
	}
	return transport.StripURL(account)
}

// config is the tool's config file, <config folder>/worksection/config.json
// (mode 0600): the contexts and which one is active.
type config struct {
	Active string `json:"active,omitempty"`
	// FileNoticeGiven records that the tool has said once that this config
	// keeps secrets in a file because there is no keyring.
	FileNoticeGiven bool           `json:"file_notice_given,omitempty"`
	Contexts        []savedContext `json:"contexts"`

	dir string // <config folder>/worksection
}

const configFileName = "config.json"

// toolDir is the tool's folder in the user's config folder.
func (a *app) toolDir() (string, error) {
	dir, err := a.env.ConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding your config folder: %w", err)
	}
	return filepath.Join(dir, "worksection"), nil
}

// loadConfig reads the config file; a missing file is an empty config.
func (a *app) loadConfig() (*config, error) {
	dir, err := a.toolDir()
	if err != nil {
		return nil, err
	}
	cfg := &config{dir: dir}
	path := filepath.Join(dir, configFileName)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return cfg, nil
	case err != nil:
		return nil, fmt.Errorf("reading the config: %w", err)
	}
	if err := json.Unmarshal(b, cfg); err != nil {
		return nil, fmt.Errorf("reading the config %s: %w", path, err)
	}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("the config %s: %w", path, err)
	}
	return cfg, nil
}

// check refuses a config edited into something the tool would not write,
// before any of it is used or printed.
func (c *config) check() error {
	for i, sc := range c.Contexts {
		if err := checkName(sc.Name); err != nil {
			return fmt.Errorf("context %d: %w", i+1, err)
		}
		if _, err := transport.ParseBaseURL(sc.AccountURL, false, accountURLExample); err != nil {
			return fmt.Errorf("context %q: account_url: %w", sc.Name, err)
		}
		kindOK := sc.Credential == kindAPIKey || sc.Credential == kindToken
		if !kindOK || (sc.Store != storeKeyring && sc.Store != storeFile) {
			return fmt.Errorf("context %q: credential %q or store %q is not one the tool writes", sc.Name, sc.Credential, sc.Store)
		}
	}
	if c.Active != "" && c.find(c.Active) == nil {
		return fmt.Errorf("the active context %q does not exist", c.Active)
	}
	return nil
}

// updateConfig changes the config on a fresh read under the lock
// config.json.lock (the SDK's file lock), so two runs that change contexts
// at once lose neither change. f's error leaves the file as it was.
func (a *app) updateConfig(ctx context.Context, f func(*config) error) error {
	dir, err := a.toolDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	unlock, err := ws.NewFileTokenStore(filepath.Join(dir, configFileName)).Lock(ctx)
	if err != nil {
		return fmt.Errorf("locking the config: %w", err)
	}
	defer unlock()
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if err := f(cfg); err != nil {
		return err
	}
	return cfg.save()
}

// save writes the config atomically with mode 0600.
func (c *config) save() error {
	slices.SortFunc(c.Contexts, func(x, y savedContext) int { return strings.Compare(x.Name, y.Name) })
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := writePrivate(filepath.Join(c.dir, configFileName), append(b, '\n')); err != nil {
		return fmt.Errorf("saving the config: %w", err)
	}
	return nil
}

// find returns the context called name, or nil.
func (c *config) find(name string) *savedContext {
	for i := range c.Contexts {
		if c.Contexts[i].Name == name {
			return &c.Contexts[i]
		}
	}
	return nil
}

// get returns the context called name, or an error listing the known ones.
func (c *config) get(name string) (*savedContext, error) {
	if sc := c.find(name); sc != nil {
		return sc, nil
	}
	if len(c.Contexts) == 0 {
		return nil, fmt.Errorf("no context %q: there are none yet; create one with `worksection context create %s --account-url URL`", name, name)
	}
	names := make([]string, len(c.Contexts))
	for i, sc := range c.Contexts {
		names[i] = sc.Name
	}
	return nil, fmt.Errorf("no context %q; have %s (see `worksection context list`)", name, strings.Join(names, ", "))
}

// put adds sc or replaces the context of its name.
func (c *config) put(sc savedContext) {
	if old := c.find(sc.Name); old != nil {
		*old = sc
		return
	}
	c.Contexts = append(c.Contexts, sc)
}

// remove drops the context called name, and makes none active if it was.
func (c *config) remove(name string) {
	c.Contexts = slices.DeleteFunc(c.Contexts, func(sc savedContext) bool { return sc.Name == name })
	if c.Active == name {
		c.Active = ""
	}
}

// validName keeps context names usable as file names and keyring entries.
var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

func checkName(name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("context name %q: use up to 64 letters, digits, - and _, starting with a letter or digit", name)
	}
	return nil
}

// chosenContext is the context this run uses when no flags or variables
// give the credentials: --context, else WORKSECTION_CONTEXT, else the
// active one. It returns "" when none is chosen, and where the choice came
// from.
func (a *app) chosenContext(cfg *config) (name, from string) {
	if name, from := a.explicitContext(); name != "" {
		return name, from
	}
	if cfg.Active != "" {
		return cfg.Active, "the active context"
	}
	return "", ""
}

// explicitContext is the context named for this run by --context or else
// WORKSECTION_CONTEXT, and which of them named it.
func (a *app) explicitContext() (name, from string) {
	if a.contextFlag != "" {
		return a.contextFlag, "--context"
	}
	return a.env.Getenv(envContext), envContext
}

// writePrivate writes b to path atomically (a temporary file renamed over
// it) with mode 0600, making its folder with mode 0700.
func writePrivate(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*") // mode 0600
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return errors.Join(err, os.Remove(f.Name()))
	}
	return nil
}
