package cli

import (
	"context"
	"errors"
	"fmt"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/roster"
	"github.com/worksection-go/worksection/worksectiontest"
)

// Environment variables the command reads.
const (
	envAccountURL   = "WORKSECTION_ACCOUNT_URL"
	envAPIKey       = "WORKSECTION_API_KEY"
	envClientID     = "WORKSECTION_CLIENT_ID"
	envClientSecret = "WORKSECTION_CLIENT_SECRET"
	envOAuthURL     = "WORKSECTION_OAUTH_URL"
	envWebasystURL  = "WEBASYST_URL"
	envWebasystTok  = "WEBASYST_TOKEN"
)

// credential says what this run signs in with, for messages: the account's
// host, the kind of credential and where it came from, never the secret.
type credential struct {
	host    string
	kind    string        // kindAPIKey or kindToken
	from    string        // "--api-key", envAPIKey, `context "prod"` or "the built-in fake"
	context *savedContext // the context it came from, if any
	tokens  *tokenStore   // a context's token, if any
}

// fromFake is where the credential comes from when no account is set.
const fromFake = "the built-in fake"

// accountSide is the Worksection account as a side of a command that
// also reads another source (roster.CheckSides); connect must have run.
func (a *app) accountSide() roster.Side {
	return roster.Side{Name: "the Worksection account", Fake: a.cred.from == fromFake,
		Vars: []string{envAccountURL, envAPIKey + " (or a context)"}}
}

// errPartialCredentials names what is missing when only one of the two
// credential settings is given: never a silent fallback to the fake.
func errPartialCredentials(have, missing string) error {
	return fmt.Errorf("%s is set but %s is not; set both, or neither to use the built-in fake", have, missing)
}

// connect returns the client for this run. Precedence: --account-url and
// --api-key, then WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY (each
// setting from its flag or else its variable; half a pair is an error),
// then --context or WORKSECTION_CONTEXT, then the active context, then a
// built-in fake account (said on stderr).
func (a *app) connect(ctx context.Context) (*ws.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	c, err := a.dial(ctx)
	if err != nil {
		return nil, err
	}
	a.client = c
	a.closers = append(a.closers, func() { _ = c.Close() })
	return c, nil
}

func (a *app) dial(ctx context.Context) (*ws.Client, error) {
	account, accountFrom := a.setting(a.account, "--account-url", envAccountURL)
	key, keyFrom := a.setting(a.apiKey, "--api-key", envAPIKey)
	switch {
	case account != "" && key != "":
		if err := checkAccountURL(accountFrom, account); err != nil {
			return nil, err
		}
		if name, from := a.explicitContext(); name != "" {
			a.notice("%s %q is not used: %s and %s come first", from, name, accountFrom, keyFrom)
		}
		a.cred = credential{host: hostOf(account), kind: kindAPIKey, from: keyFrom}
		a.used.apiKey = key
		return ws.NewClient(account, append([]ws.Option{ws.WithAPIKey(key)}, a.env.Options...)...)
	case account != "":
		return nil, errPartialCredentials(accountFrom, envAPIKey+" (or --api-key)")
	case key != "":
		return nil, errPartialCredentials(keyFrom, envAccountURL+" (or --account-url)")
	}
	if _, err := a.env.ConfigDir(); err != nil {
		if name, _ := a.explicitContext(); name == "" {
			return a.fake(), nil // no config folder, so no contexts
		}
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, err
	}
	name, _ := a.chosenContext(cfg)
	if name == "" {
		return a.fake(), nil
	}
	sc, err := cfg.get(name)
	if err != nil {
		return nil, err
	}
	return a.contextClient(ctx, a.secrets(cfg), sc)
}

// setting returns a flag's value, or else the environment variable's, and
// where it came from.
func (a *app) setting(flag, flagName, env string) (value, from string) {
	if flag != "" {
		return flag, flagName
	}
	return a.env.Getenv(env), env
}

func (a *app) fake() *ws.Client {
	srv := worksectiontest.NewServer(a.fakeOptions...)
	a.closers = append(a.closers, srv.Close)
	a.notice("%s and %s are not set: using a built-in fake account with sample data (changes are not kept; no context is active)", envAccountURL, envAPIKey)
	a.cred = credential{host: hostOf(srv.URL), kind: kindAPIKey, from: fromFake}
	a.used.fake = srv
	return srv.Client(a.env.Options...)
}

// contextClient returns a client for a saved context.
func (a *app) contextClient(ctx context.Context, s secrets, sc *savedContext) (*ws.Client, error) {
	a.cred = credential{host: sc.host(), kind: sc.Credential, from: fmt.Sprintf("context %q", sc.Name), context: sc}
	if sc.Credential == kindToken {
		return a.tokenClient(ctx, s, sc)
	}
	key, err := s.read(sc)
	if err != nil {
		return nil, noSecret(sc, err)
	}
	a.used.apiKey = key
	return ws.NewClient(sc.AccountURL, append([]ws.Option{ws.WithAPIKey(key)}, a.env.Options...)...)
}

// tokenClient returns a client for a context's OAuth token. Refreshes go
// through the SDK's shared token source on the context's token store, so
// two runs of the tool never refresh the same token.
func (a *app) tokenClient(ctx context.Context, s secrets, sc *savedContext) (*ws.Client, error) {
	store := s.tokenStore(sc)
	tok, err := store.Load(ctx)
	if err == nil && tok == nil {
		err = errNoSecret
	}
	if err != nil {
		return nil, noSecret(sc, err)
	}
	a.cred.tokens = store
	cfg := ws.NewOAuth2Config(sc.ClientID, a.env.Getenv(envClientSecret), "")
	if cfg.Endpoint, err = ws.EndpointAt(sc.OAuthURL); err != nil {
		return nil, fmt.Errorf("the OAuth server of %s: %w", sc.describe(), err)
	}
	ts := ws.NewSharedTokenSource(ctx, cfg, store)
	a.tokens = ts
	return ws.NewClient(sc.AccountURL, append([]ws.Option{ws.WithTokenSource(ts)}, a.env.Options...)...)
}

// noSecret explains a context whose secret is gone; other errors pass.
func noSecret(sc *savedContext, err error) error {
	if !errors.Is(err, errNoSecret) {
		return err
	}
	if sc.Credential == kindToken {
		return fmt.Errorf("%s has no saved token (signed out?): sign in with `worksection login --context %s`", sc.describe(), sc.Name)
	}
	return fmt.Errorf("%s has no saved API key (signed out?): `worksection context delete %s`, then create it again", sc.describe(), sc.Name)
}
