package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/storedtoken"
)

// Where a context's secret is kept.
const (
	storeKeyring = "keyring"
	storeFile    = "file"
)

// envNoKeyring keeps secrets in the file even where a keyring exists (CI,
// tests, a keyring that would ask for a password on every run).
const envNoKeyring = "WORKSECTION_NO_KEYRING"

// keyringService is the service name of the tool's keyring entries.
const keyringService = "worksection"

// Keyring is the OS keyring: github.com/zalando/go-keyring's functions.
type Keyring interface {
	Set(service, user, secret string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// osKeyring is the OS keyring through github.com/zalando/go-keyring.
type osKeyring struct{}

func (osKeyring) Set(service, user, secret string) error   { return keyring.Set(service, user, secret) }
func (osKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (osKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// errNoSecret is a context whose secret is gone (after logout).
var errNoSecret = errors.New("no saved secret")

// secrets keeps contexts' secrets: in the OS keyring when there is one,
// else each in a file of mode 0600 under <tool dir>/secrets/.
type secrets struct {
	dir       string  // the tool's folder in the config folder
	keyring   Keyring // nil: none
	noKeyring string  // why keyring is nil
}

func (a *app) secrets(cfg *config) secrets {
	s := secrets{dir: cfg.dir, keyring: a.env.Keyring, noKeyring: "no OS keyring"}
	if a.env.Getenv(envNoKeyring) != "" {
		s.keyring, s.noKeyring = nil, envNoKeyring+" is set"
	}
	return s
}

// user names a context's keyring entry: the context and the tool's folder,
// so two config folders (or a test's) never share entries.
func (s secrets) user(name string) string { return name + "@" + s.dir }

// file is where a context's secret is kept without a keyring.
func (s secrets) file(name string) string { return filepath.Join(s.dir, "secrets", name) }

// save keeps a new secret for a context: in the keyring if it takes it,
// else in the file. It returns where it went and, for the file, why the
// keyring was not used.
func (s secrets) save(name, secret string) (store, why string, err error) {
	why = s.noKeyring
	if s.keyring != nil {
		err := s.keyring.Set(keyringService, s.user(name), secret)
		if err == nil {
			_ = os.Remove(s.file(name)) // an older secret of that name
			return storeKeyring, "", nil
		}
		why = "no OS keyring: " + oneLine(err.Error())
	}
	if err := s.write(storeFile, name, secret); err != nil {
		return "", "", err
	}
	return storeFile, why, nil
}

// write replaces a context's secret where it is kept.
func (s secrets) write(store, name, secret string) error {
	if store == storeKeyring {
		if s.keyring == nil {
			return fmt.Errorf("the secret of context %q is in the OS keyring, which is not used now (%s)", name, s.noKeyring)
		}
		return s.keyring.Set(keyringService, s.user(name), secret)
	}
	return writePrivate(s.file(name), []byte(secret))
}

// read returns a context's secret, or errNoSecret if there is none.
func (s secrets) read(sc *savedContext) (string, error) {
	if sc.Store == storeKeyring {
		if s.keyring == nil {
			return "", fmt.Errorf("the secret of %s is in the OS keyring, which is not used now (%s)", sc.describe(), s.noKeyring)
		}
		secret, err := s.keyring.Get(keyringService, s.user(sc.Name))
		switch {
		case errors.Is(err, keyring.ErrNotFound):
			return "", errNoSecret
		case err != nil:
			return "", fmt.Errorf("reading the secret of %s from the OS keyring: %s", sc.describe(), oneLine(err.Error()))
		}
		return secret, nil
	}
	b, err := os.ReadFile(s.file(sc.Name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", errNoSecret
	}
	if err != nil {
		return "", fmt.Errorf("reading the secret of %s: %w", sc.describe(), err)
	}
	return string(b), nil
}

// forget removes a context's secret wherever it is; none is not an error.
func (s secrets) forget(sc *savedContext) error {
	if sc.Store == storeKeyring {
		if s.keyring == nil {
			return fmt.Errorf("the secret of %s is in the OS keyring, which is not used now (%s)", sc.describe(), s.noKeyring)
		}
		if err := s.keyring.Delete(keyringService, s.user(sc.Name)); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return fmt.Errorf("removing the secret of %s from the OS keyring: %s", sc.describe(), oneLine(err.Error()))
		}
	}
	if err := os.Remove(s.file(sc.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// tokenStore is a context's OAuth token as a ws.TokenStore: the token is
// the context's secret (keyring or file) and the lock is the SDK's file
// lock beside the secrets, so two runs of the tool never refresh the same
// token, whichever store holds it.
type tokenStore struct {
	s    secrets
	sc   *savedContext
	lock *ws.FileTokenStore // only its Lock is used
}

func (s secrets) tokenStore(sc *savedContext) *tokenStore {
	return &tokenStore{s: s, sc: sc, lock: ws.NewFileTokenStore(s.file(sc.Name))}
}

// Load returns the token, or nil if there is none.
func (t *tokenStore) Load(context.Context) (*oauth2.Token, error) {
	secret, err := t.s.read(t.sc)
	if errors.Is(err, errNoSecret) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	tok, err := storedtoken.Unmarshal([]byte(secret))
	if err != nil {
		return nil, fmt.Errorf("the token of %s: %w", t.sc.describe(), err)
	}
	return tok, nil
}

// Save replaces the token where the context keeps it.
func (t *tokenStore) Save(_ context.Context, tok *oauth2.Token) error {
	b, err := storedtoken.Marshal(tok)
	if err != nil {
		return err
	}
	return t.s.write(t.sc.Store, t.sc.Name, string(b))
}

// Lock takes the context's lock file (secrets/NAME.lock, mode 0600).
func (t *tokenStore) Lock(ctx context.Context) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(t.s.file(t.sc.Name)), 0o700); err != nil {
		return nil, err
	}
	return t.lock.Lock(ctx)
}
