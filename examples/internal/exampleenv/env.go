// Package exampleenv connects the example programs to an account: the one
// named by WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY, or else a
// freshly started fake server.
package exampleenv

import (
	"errors"
	"fmt"
	"io"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

// Getenv reads an environment variable; tests pass a map's lookup.
type Getenv func(string) string

// Connect returns a client and a function that releases what it started.
// Without credentials it starts the fake and says so on stderr; with only
// one of the two variables set it fails, naming the missing one, rather
// than quietly using the fake.
func Connect(getenv Getenv, stderr io.Writer, opts ...ws.Option) (*ws.Client, func(), error) {
	account, key := getenv("WORKSECTION_ACCOUNT_URL"), getenv("WORKSECTION_API_KEY")
	switch {
	case account != "" && key != "":
		c, err := ws.NewClient(account, append([]ws.Option{ws.WithAPIKey(key)}, opts...)...)
		return c, func() {}, err
	case account != "":
		return nil, nil, errors.New("WORKSECTION_ACCOUNT_URL is set but WORKSECTION_API_KEY is not; set both, or neither to use the built-in fake")
	case key != "":
		return nil, nil, errors.New("WORKSECTION_API_KEY is set but WORKSECTION_ACCOUNT_URL is not; set both, or neither to use the built-in fake")
	}
	srv := worksectiontest.NewServer()
	fmt.Fprintf(stderr, "WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY are not set: using the built-in fake server at %s\n", srv.URL)
	return srv.Client(opts...), srv.Close, nil
}
