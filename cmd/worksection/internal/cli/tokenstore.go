package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
)

// The login keeps two files in the config folder: the token, in the SDK's
// file token store (mode 0600, atomic replace, an OS lock, so two runs of
// the tool never refresh the same token), and the OAuth app it came from,
// which a refresh needs.
const (
	tokenFileName = "token.json"
	appFileName   = "login.json"
)

// loginApp is the OAuth app a login used; the secret is never saved.
type loginApp struct {
	ClientID string `json:"client_id"`
	OAuthURL string `json:"oauth_url"`
}

// configPath is a file of the tool's in the user's config folder.
func (a *app) configPath(name string) (string, error) {
	dir, err := a.env.ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "worksection", name), nil
}

// tokenStore is the saved login's token store.
func (a *app) tokenStore() (*ws.FileTokenStore, error) {
	path, err := a.configPath(tokenFileName)
	if err != nil {
		return nil, err
	}
	return ws.NewFileTokenStore(path), nil
}

// saveLogin keeps the token and the app it came from.
func (a *app) saveLogin(ctx context.Context, app loginApp, tok *oauth2.Token) error {
	store, err := a.tokenStore()
	if err != nil {
		return err
	}
	path, _ := a.configPath(appFileName)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(app)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return err
	}
	return store.Save(ctx, tok)
}

// loadLogin returns the saved login's app and token store, or a nil store
// if nobody has logged in.
func (a *app) loadLogin(ctx context.Context) (loginApp, *ws.FileTokenStore, *oauth2.Token, error) {
	var app loginApp
	path, err := a.configPath(appFileName)
	if err != nil {
		return app, nil, nil, nil // no config folder, so no saved login
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return app, nil, nil, nil
	}
	if err == nil {
		err = json.Unmarshal(b, &app)
	}
	if err != nil {
		return app, nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	store, err := a.tokenStore()
	if err != nil {
		return app, nil, nil, err
	}
	tok, err := store.Load(ctx)
	switch {
	case err != nil:
		return app, nil, nil, err
	case tok == nil: // half a login is an error, never a quiet fall back to the fake
		return app, nil, nil, fmt.Errorf("%s names an OAuth app but there is no saved token; run `worksection login` again", path)
	}
	if app.OAuthURL == "" {
		app.OAuthURL = ws.OAuthBaseURL
	}
	return app, store, tok, nil
}
