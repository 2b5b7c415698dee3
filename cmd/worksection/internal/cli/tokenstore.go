package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
)

// tokenStore keeps the login's token. It has the Load and Save of the
// SDK's TokenStore (issue 13), so the SDK's file store can replace
// fileStore when it lands.
type tokenStore interface {
	Load(ctx context.Context) (*oauth2.Token, error)
	Save(ctx context.Context, tok *oauth2.Token) error
}

// errNoToken: nobody has logged in.
var errNoToken = errors.New("no saved login")

// tokenPath is where login saves the token.
func (a *app) tokenPath() (string, error) {
	dir, err := a.env.ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "worksection", "token.json"), nil
}

func (a *app) tokenStore() (tokenStore, error) {
	path, err := a.tokenPath()
	if err != nil {
		return nil, err
	}
	return fileStore{path: path}, nil
}

// loginMeta is what a refresh needs besides the token; it travels in the
// token's extra fields.
type loginMeta struct {
	accountURL, clientID, oauthURL string
}

func loginMetaOf(tok *oauth2.Token) loginMeta {
	str := func(k string) string { s, _ := tok.Extra(k).(string); return s }
	m := loginMeta{accountURL: ws.AccountURL(tok), clientID: str("client_id"), oauthURL: str("oauth_url")}
	if m.oauthURL == "" {
		m.oauthURL = ws.OAuthBaseURL
	}
	return m
}

func (m loginMeta) attach(tok *oauth2.Token) *oauth2.Token {
	return tok.WithExtra(map[string]any{"account_url": m.accountURL, "client_id": m.clientID, "oauth_url": m.oauthURL})
}

// fileStore is a token file with mode 0600, replaced atomically.
type fileStore struct{ path string }

type tokenFile struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	TokenType    string    `json:"token_type"`
	Expiry       time.Time `json:"expiry"`
	AccountURL   string    `json:"account_url"`
	ClientID     string    `json:"client_id"`
	OAuthURL     string    `json:"oauth_url"`
}

func (s fileStore) Load(context.Context) (*oauth2.Token, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoToken
	}
	if err != nil {
		return nil, err
	}
	var f tokenFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", s.path, err) // json errors never quote the token
	}
	tok := &oauth2.Token{AccessToken: f.AccessToken, RefreshToken: f.RefreshToken, TokenType: f.TokenType, Expiry: f.Expiry}
	return loginMeta{accountURL: f.AccountURL, clientID: f.ClientID, oauthURL: f.OAuthURL}.attach(tok), nil
}

func (s fileStore) Save(_ context.Context, tok *oauth2.Token) error {
	m := loginMetaOf(tok)
	b, err := json.MarshalIndent(tokenFile{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType,
		Expiry: tok.Expiry, AccountURL: m.accountURL, ClientID: m.clientID, OAuthURL: m.oauthURL}, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".token-*") // created with mode 0600
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	err = errors.Join(err, tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), s.path)
	}
	if err != nil {
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	return nil
}
