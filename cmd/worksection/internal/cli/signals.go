package cli

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	// exitInterrupted is the exit status after SIGINT (128+2, as shells
	// report it); SIGTERM gives 143.
	exitInterrupted = 130
	exitTerminated  = 143
	// flushTimeout bounds the wait for a token renewal at exit: a renewal
	// is itself bounded by the HTTP client's timeout.
	flushTimeout = 45 * time.Second
	// flushNotice is how long a wait at exit lasts before it is explained.
	flushNotice = time.Second
)

// Main runs the command line with the process's signals. The first
// SIGINT or SIGTERM on sigs cancels the command; the tool still waits for
// a token renewal in flight to be saved, since the server has already
// rotated the refresh token. A second signal exits at once through exit,
// saying what may be lost. Main returns Run's exit status, with 143 for
// 130 when the interruption was SIGTERM. A command that was done, or
// that ends on a signal (fake), exits 0.
func Main(env Env, args []string, sigs <-chan os.Signal, exit func(int)) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var first atomic.Value // the first signal
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case sig := <-sigs:
			first.Store(sig)
			cancel()
		case <-done:
			return
		}
		select {
		case <-sigs:
			fmt.Fprintln(env.Stderr, "worksection: interrupted again: exiting without waiting; a sign-in token renewal in flight may be lost "+
				"(if the next run is refused, sign in again with `worksection login`)")
			exit(exitInterrupted)
		case <-done:
		}
	}()
	code := Run(ctx, env, args)
	if code == exitInterrupted && first.Load() == syscall.SIGTERM {
		return exitTerminated
	}
	return code
}

// flush waits, at exit, for a token renewal already started to be saved:
// once the server has answered it, the old refresh token is dead. Its
// failure is reported when the command itself succeeded (else the
// command's error already said it) or was interrupted.
func (a *app) flush(ctx context.Context, succeeded bool) {
	if a.tokens == nil {
		return
	}
	fctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.tokens.Flush(fctx) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(flushNotice):
		a.notice("waiting for the sign-in token's renewal to be saved (press Ctrl-C again to exit at once, losing it)")
		err = <-done
	}
	if err != nil && (succeeded || ctx.Err() != nil) {
		a.notice("warning: the sign-in token could not be renewed: %v", err)
	}
}
