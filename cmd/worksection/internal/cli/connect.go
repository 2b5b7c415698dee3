package cli

import (
	"context"
	"fmt"

	ws "github.com/worksection-go/worksection"
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

// errPartialCredentials names what is missing when only one of the two
// credential settings is given: never a silent fallback to the fake.
func errPartialCredentials(have, missing string) error {
	return fmt.Errorf("%s is set but %s is not; set both, or neither to use the built-in fake", have, missing)
}

// connect returns the client for this run: --account-url and --api-key,
// else WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY, else a saved
// login, else a built-in fake account (said on stderr).
func (a *app) connect(ctx context.Context) (*ws.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	account, accountFrom := a.setting(a.account, "--account-url", envAccountURL)
	key, keyFrom := a.setting(a.apiKey, "--api-key", envAPIKey)
	var err error
	switch {
	case account != "" && key != "":
		a.client, err = ws.NewClient(account, append([]ws.Option{ws.WithAPIKey(key)}, a.env.Options...)...)
		a.used.apiKey = key
	case account != "":
		return nil, errPartialCredentials(accountFrom, envAPIKey+" (or --api-key)")
	case key != "":
		return nil, errPartialCredentials(keyFrom, envAccountURL+" (or --account-url)")
	default:
		a.client, err = a.savedLogin(ctx)
		if err == nil && a.client == nil {
			a.client = a.fake()
		}
	}
	if err != nil {
		return nil, err
	}
	c := a.client
	a.closers = append(a.closers, func() { _ = c.Close() })
	return c, nil
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
	a.used.fake = srv
	a.notice("%s and %s are not set: using a built-in fake account with sample data (changes are not kept)", envAccountURL, envAPIKey)
	return srv.Client(a.env.Options...)
}

// savedLogin returns a client for the token `worksection login` saved, or
// nil if there is none. Refreshes go through the SDK's shared token source
// on the file store, so two runs of the tool never refresh the same token.
func (a *app) savedLogin(ctx context.Context) (*ws.Client, error) {
	app, store, tok, err := a.loadLogin(ctx)
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the saved login: %w", err)
	case store == nil:
		return nil, nil
	}
	cfg := ws.NewOAuth2Config(app.ClientID, a.env.Getenv(envClientSecret), "")
	if cfg.Endpoint, err = ws.EndpointAt(app.OAuthURL); err != nil {
		return nil, fmt.Errorf("the saved login's OAuth server: %w", err)
	}
	ts := ws.NewSharedTokenSource(ctx, cfg, store)
	a.used.tokens = ts
	return ws.NewClient(ws.AccountURL(tok), append([]ws.Option{ws.WithTokenSource(ts)}, a.env.Options...)...)
}
