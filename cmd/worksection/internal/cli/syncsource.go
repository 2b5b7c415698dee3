package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/worksection-go/worksection/roster"
	"github.com/worksection-go/worksection/webasyst"
	"github.com/worksection-go/worksection/webasyst/webasysttest"
)

// The --from values that are not file names.
const (
	fromWebasyst = "webasyst" // the Webasyst Teamwork team
	fromStdin    = "-"        // CSV on standard input
)

// source reads the roster --from names. A Webasyst team is read only
// after the account is known: a built-in fake stands in for one side only
// when the other is fake too.
func (a *app) source(ctx context.Context, from string, allowEmpty bool) (roster.Source, error) {
	src, err := a.readSource(ctx, from)
	if err == nil && !allowEmpty && len(src.People) == 0 && len(src.Problems) == 0 {
		what := "the CSV file " + strconv.Quote(from) + " has a header row only"
		switch from {
		case fromWebasyst:
			what = "the Webasyst team has no members"
		case fromStdin:
			what = "the CSV on standard input has a header row only"
		}
		err = fmt.Errorf("%s: the roster names nobody, which is more likely a mistake than the goal (pass --allow-empty if it is)", what)
	}
	return src, err
}

// readSource reads the roster --from names: a CSV file, standard input
// (-), or the Webasyst team.
func (a *app) readSource(ctx context.Context, from string) (roster.Source, error) {
	if from == fromWebasyst {
		if _, err := a.connect(ctx); err != nil {
			return roster.Source{}, err
		}
		wa, fake, err := a.webasyst()
		if err != nil {
			return roster.Source{}, err
		}
		err = roster.CheckSides(roster.Side{Name: "the Webasyst team", Fake: fake, Vars: []string{envWebasystURL, envWebasystTok}}, a.accountSide())
		if err != nil {
			return roster.Source{}, err
		}
		if fake {
			a.notice("%s and %s are not set: reading a built-in fake Webasyst team", envWebasystURL, envWebasystTok)
		}
		team, err := wa.TeamList(ctx)
		if err != nil {
			return roster.Source{}, fmt.Errorf("reading the Webasyst team: %w", err)
		}
		return roster.FromWebasyst(team), nil
	}
	if from == fromStdin {
		src, err := roster.ReadCSV(a.env.Stdin)
		if err != nil {
			return roster.Source{}, fmt.Errorf("standard input: %w", err)
		}
		return src, nil
	}
	f, err := os.Open(from)
	if err != nil {
		return roster.Source{}, err
	}
	defer f.Close()
	src, err := roster.ReadCSV(f)
	if err != nil {
		return roster.Source{}, fmt.Errorf("%s: %w", from, err)
	}
	return src, nil
}

// webasyst connects to WEBASYST_URL with WEBASYST_TOKEN, or to a built-in
// fake team (fake) when neither is set.
func (a *app) webasyst() (c *webasyst.Client, fake bool, err error) {
	base, tok := a.env.Getenv(envWebasystURL), a.env.Getenv(envWebasystTok)
	switch {
	case base != "" && tok != "":
		c, err := webasyst.NewClient(base, tok)
		return c, false, err
	case base != "":
		return nil, false, errPartialCredentials(envWebasystURL, envWebasystTok)
	case tok != "":
		return nil, false, errPartialCredentials(envWebasystTok, envWebasystURL)
	}
	srv := webasysttest.NewServer()
	a.closers = append(a.closers, srv.Close)
	return srv.Client(), true, nil
}
