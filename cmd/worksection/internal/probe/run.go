package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/pace"
	"github.com/worksection-go/worksection/internal/transport"
)

// Config says where and how to probe. At least one credential is needed;
// probes that need the other kind report Unknown.
type Config struct {
	Account string                                    // scheme://host of the account
	APIKey  string                                    // the admin API key, or ""
	Token   func(ctx context.Context) (string, error) // an access token source, or nil
	// HTTPClient is copied (redirects are never followed); nil means the
	// SDK's default.
	HTTPClient *http.Client
	// Gap is the pause after each answer before the next request: 1 s,
	// the documented limit, plus the SDK's margin, when zero.
	Gap time.Duration
	// PairGap is how far apart the rate-limit probe sends its two
	// requests: 50 ms when zero.
	PairGap time.Duration
	// MaxWait caps the wait after a rate-limit refusal (Retry-After): 60 s
	// when zero.
	MaxWait     time.Duration
	WriteProbes bool // run the probe that may write (duplicate member)
	Fake        bool // the account is the tool's built-in fake (said in the report)
	Now         func() time.Time
}

func (c *Config) defaults() error {
	c.Account = strings.TrimSuffix(c.Account, "/")
	switch {
	case c.Account == "":
		return errors.New("probe: no account URL")
	case c.APIKey == "" && c.Token == nil:
		return errors.New("probe: no credentials: an API key or an access token is needed")
	}
	if c.Gap == 0 {
		c.Gap = time.Duration(float64(time.Second) * (1 + pace.Margin))
	}
	if c.PairGap == 0 {
		c.PairGap = 50 * time.Millisecond
	}
	if c.MaxWait == 0 {
		c.MaxWait = time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// owner is the account owner as get_users lists them.
type owner struct {
	email, id string
	err       error // why there is none
}

// run is one run's state.
type run struct {
	cfg   Config
	s     *sender
	owner owner
}

// Run probes the account and returns the report. A failing probe does not
// stop the others; when ctx ends, the probe under way and the ones after it
// are reported Unknown and the report is marked Interrupted. The error is
// only for a Config that cannot run.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, s: newSender(cfg), owner: owner{err: errors.New("not read")}}
	rep := &Report{SDKVersion: ws.Version, Date: cfg.Now().UTC(), Account: host(cfg.Account), Fake: cfg.Fake,
		Credentials: credentialKinds(cfg), WriteProbes: cfg.WriteProbes}
	if cfg.APIKey != "" {
		r.readOwnerMD5(ctx)
	}
	for _, p := range probes {
		res := Result{ID: p.id, Title: p.title, Question: p.question, Assumes: p.assumes, Requests: []int{}}
		if ctx.Err() != nil {
			res.Verdict, res.Reason = Unknown, "not run: interrupted"
		} else {
			p.run(r, ctx, &res)
		}
		if ctx.Err() != nil && res.Verdict != Unknown && res.Reason == "" {
			res.Reason = "interrupted"
		}
		rep.Probes = append(rep.Probes, res)
	}
	rep.Interrupted = ctx.Err() != nil
	rep.Requests = r.s.exchanges()
	return rep, nil
}

func host(account string) string {
	_, h, _ := strings.Cut(transport.StripURL(account), "://")
	return h
}

func credentialKinds(cfg Config) string {
	switch {
	case cfg.APIKey != "" && cfg.Token != nil:
		return "admin API key and access token"
	case cfg.APIKey != "":
		return "admin API key"
	}
	return "access token"
}

// readOwnerMD5 reads get_users with the SDK's own md5 signing, for the
// owner's email and id.
func (r *run) readOwnerMD5(ctx context.Context) {
	a, err := r.s.send(ctx, r.s.signMD5("owner", MD5Variant{}, http.MethodGet, []Param{{Key: "action", Value: "get_users"}}))
	r.owner = ownerFrom(a, err)
}

// ownerFrom picks the owner from a get_users answer: the member whose
// role is owner, else the first.
func ownerFrom(a *answer, err error) owner {
	switch {
	case err != nil:
		return owner{err: fmt.Errorf("reading the members failed: %w", err)}
	case !a.ok():
		return owner{err: fmt.Errorf("reading the members failed: %s", a.describe())}
	}
	var users []ws.User
	if err := json.Unmarshal(a.data, &users); err != nil {
		return owner{err: fmt.Errorf("the members' list does not decode: %w", err)}
	}
	if len(users) == 0 {
		return owner{err: errors.New("the account lists no members")}
	}
	o := users[0]
	for _, u := range users {
		if u.Role == ws.RoleOwner {
			o = u
			break
		}
	}
	if o.Email == "" {
		return owner{err: errors.New("the owner has no email")}
	}
	return owner{email: o.Email, id: string(o.ID)}
}

// needsOwner returns why a probe that needs the owner cannot run,
// or "".
func (r *run) needsOwner() string {
	if r.owner.err != nil {
		return "the owner's email is needed: " + r.owner.err.Error()
	}
	return ""
}

// settle records a's number in res and reports whether a is an answer the
// probe can read; if not, res is Unknown with the reason.
func settle(res *Result, a *answer, err error) bool {
	if a != nil {
		res.Requests = append(res.Requests, a.N)
	}
	switch {
	case err != nil:
		res.Verdict, res.Reason = Unknown, "the request failed: "+err.Error()
		return false
	case a.rateLimited():
		res.Verdict, res.Reason = Unknown, "refused by the rate limit ("+a.describe()+"); run doctor again in a minute"
		return false
	}
	return true
}
