// Command subscribe subscribes a member to a task, or unsubscribes them.
//
//	go run ./examples/subscribe -task 1201 -email yuki.tanaka@acme.example
//	go run ./examples/subscribe -task 1201 -email yuki.tanaka@acme.example -unsubscribe
//
// With WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY set it changes that
// account; otherwise it runs on the built-in fake server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/examples/internal/exampleenv"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "subscribe:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv exampleenv.Getenv, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("subscribe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	task := fs.String("task", "", "task ID (required)")
	email := fs.String("email", "", "member's email (required)")
	unsubscribe := fs.Bool("unsubscribe", false, "unsubscribe instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *task == "" || *email == "" || fs.NArg() > 0 {
		return errors.New("usage: subscribe -task ID -email ADDRESS [-unsubscribe]")
	}
	p := ws.SubscribeParams{TaskID: ws.ID(*task), Email: *email}
	if err := p.Validate(); err != nil {
		return err // before starting a fake or touching the network
	}
	c, done, err := exampleenv.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer done()
	if *unsubscribe {
		if err := c.Unsubscribe(ctx, p); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "unsubscribed %s from task %s\n", p.Email, p.TaskID)
		return nil
	}
	if err := c.Subscribe(ctx, p); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "subscribed %s to task %s\n", p.Email, p.TaskID)
	return nil
}
