package worksection_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
)

// Nil arguments are errors, never panics.
func TestTrustNilArguments(t *testing.T) {
	t.Parallel()
	_, err := ws.NewClient("https://acme.worksection.com", ws.WithTokenSource((*ws.TokenSource)(nil)))
	assert.ErrorContains(t, err, "nil token source")
	_, err = ws.NewSharedTokenSource(context.Background(), &oauth2.Config{}, nil).Token()
	assert.ErrorContains(t, err, "nil token store")
	//lint:ignore SA1012 a nil context is the point
	_, err = ws.Exchange(nil, &oauth2.Config{}, "code")
	assert.ErrorContains(t, err, "nil context")
	//lint:ignore SA1012 a nil context is the point
	assert.NotNil(t, ws.NewTokenSource(nil, &oauth2.Config{}, nil, nil))
}

// Typed nils are errors too.
func TestTrustTypedNils(t *testing.T) {
	t.Parallel()
	_, err := ws.NewClient("https://acme.worksection.com", ws.WithAPIKey("k"), ws.WithLimiter((*rate.Limiter)(nil)))
	assert.ErrorContains(t, err, "nil limiter")
	var store *ws.FileTokenStore
	_, err = store.Load(context.Background())
	assert.Error(t, err)
}
