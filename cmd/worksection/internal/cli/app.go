// Package cli implements the worksection command: the cobra commands, the
// credential lookup, and the output formats.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

// Env is everything the command takes from the outside world; tests
// replace each part.
type Env struct {
	Getenv     func(string) string
	Stdin      io.Reader // where `context create --api-key-stdin` reads the key; a terminal is prompted
	Stdout     io.Writer
	Stderr     io.Writer
	IsTerminal func(io.Writer) bool // whether output goes to a terminal
	// TermWidth is the width of the terminal Stdout is, in columns; nil or
	// 0: unknown ($COLUMNS is used, else tables are not cut).
	TermWidth func() int
	// StdinIsTerminal reports whether Stdin is a terminal, where a write
	// that cannot be undone may ask for confirmation; nil: it is not.
	StdinIsTerminal func() bool
	ConfigDir       func() (string, error)                // the user's config folder: contexts and secret files
	Options         []ws.Option                           // extra client options (tests turn off rate limiting)
	Browse          func(ctx context.Context, url string) // opens the sign-in URL; nil prints it only
	Keyring         Keyring                               // the OS keyring for contexts' secrets; nil: none (a file instead)
	// ProbeGap is the pause doctor leaves after each answer (tests shorten
	// it); 0 means the documented one request a second, with a margin.
	ProbeGap time.Duration
}

// System is the real environment of a process.
func System() Env {
	return Env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, IsTerminal: isTerminal, TermWidth: stdoutWidth,
		StdinIsTerminal: func() bool { return term.IsTerminal(int(os.Stdin.Fd())) },
		ConfigDir:       os.UserConfigDir, Keyring: osKeyring{}}
}

func stdoutWidth() int {
	w, _, err := term.GetSize(int(os.Stdout.Fd()))
	if err != nil {
		return 0
	}
	return w
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// exitCode ends a command with a status but no message, like sync plan's
// 2 for "there are changes".
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// exitUnauthorized is the exit status when the account refuses the
// credential (ws.ErrUnauthorized).
const exitUnauthorized = 4

// Run runs the command line args and returns the process exit status:
// 0 on success, 1 on any error (printed as one line on stderr), 4 when the
// credential is refused, 130 when ctx ended (interrupted), and what a
// command asks for otherwise (sync plan: 2 when there are changes). Before
// it returns, it waits for a token renewal in flight to be saved.
func Run(ctx context.Context, env Env, args []string) int {
	a := &app{env: env}
	code := a.execute(ctx, args)
	a.flush(ctx, code == 0)
	a.close()
	return code
}

// execute runs the command and prints its error.
func (a *app) execute(ctx context.Context, args []string) int {
	root := a.root()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	err = inUserTerms(cmd, err)
	var code exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		a.notice("interrupted")
		return exitInterrupted
	}
	status := 1
	if isRefused(err) {
		status, err = exitUnauthorized, a.refused(err)
	}
	msg := oneLine(err.Error())
	if !strings.HasPrefix(msg, "worksection: ") { // SDK errors name the package already
		msg = "worksection: " + msg
	}
	say(a.env.Stderr, "%s", msg)
	return status
}

// oneLine joins a multi-line message (cobra's suggestions, errors.Join)
// into one line.
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}

// app holds one run's state: flags and what it started.
type app struct {
	env         Env
	output      string // -o
	out         outputFlags
	account     string     // --account-url
	apiKey      string     // --api-key
	contextFlag string     // --context
	cred        credential // what connect signed in with, for messages
	closers     []func()
	tokens      *ws.SharedTokenSource // a saved login's, flushed at exit
	client      *ws.Client
	loginPort   int  // login --port
	dryRun      bool // --dry-run of a write
	yes         bool // --yes: apply without asking
	// used is the secret behind client, for doctor, which signs its own
	// requests (a token is in tokens); fakeOptions configure the built-in
	// fake it starts.
	used        usedCredential
	fakeOptions []worksectiontest.Option
}

// usedCredential is the API key or built-in fake connect chose, if any.
type usedCredential struct {
	apiKey string
	fake   *worksectiontest.Server
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

func (a *app) notice(format string, args ...any) {
	say(a.env.Stderr, "worksection: "+format, args...)
}
