package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/worksection-go/worksection/roster"
)

// addYes gives c the --yes flag of a write that asks first.
func (a *app) addYes(c *cobra.Command) {
	c.Flags().BoolVarP(&a.yes, "yes", "y", false, "apply without asking (needed when standard input is not a terminal)")
}

// mayApply checks, before anything is read or sent, sync apply's and
// users invite's --max-invites, and that the changes can be confirmed.
func (a *app) mayApply(maxInvites int) error {
	if err := checkMaxInvites(maxInvites); err != nil {
		return err
	}
	return a.mayAsk()
}

// checkMaxInvites refuses a --max-invites below 1.
func checkMaxInvites(n int) error {
	if n < 1 {
		return fmt.Errorf("--max-invites must be at least 1, not %d", n)
	}
	return nil
}

// mayAsk refuses, before any call, a write that would have to ask for
// confirmation with no terminal to ask on.
func (a *app) mayAsk() error {
	if a.yes || a.dryRun || a.stdinIsTerminal() {
		return nil
	}
	return errors.New("standard input is not a terminal, so the changes cannot be confirmed: pass --yes to apply them without asking (the API cannot remove a member once invited)")
}

func (a *app) stdinIsTerminal() bool {
	return a.env.StdinIsTerminal != nil && a.env.StdinIsTerminal()
}

// confirm shows the plan on stderr and asks to apply it, unless --yes or
// there is nothing to change. Any answer but y or yes cancels.
func (a *app) confirm(ctx context.Context, p roster.Plan) error {
	if a.yes || !p.HasChanges() {
		return nil
	}
	if err := a.mayAsk(); err != nil {
		return err
	}
	v := planView(p)
	v.footer = strings.TrimSuffix(v.footer, " Run sync apply to make these changes.")
	rows := [][]string{v.header()}
	for _, r := range v.rows {
		if r[0] != "unmanaged" { // left as is: not a change to confirm
			rows = append(rows, r)
		}
	}
	writeTable(a.env.Stderr, rows)
	fmt.Fprintf(a.env.Stderr, "\n%s\n\nApply these changes to %s? [y/N] ", v.footer, a.cred.host)
	answer, err := readLine(ctx, a.env.Stdin)
	if err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	return errors.New("cancelled: nothing was changed")
}

// readLine reads one line of in, or returns when ctx ends.
func readLine(ctx context.Context, in io.Reader) (string, error) {
	if in == nil {
		return "", errors.New("no answer: standard input is closed")
	}
	type answer struct {
		line string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReader(in).ReadString('\n')
		got <- answer{line, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case a := <-got:
		if a.err != nil && a.line == "" {
			return "", fmt.Errorf("no answer: %w", a.err)
		}
		return a.line, nil
	}
}
