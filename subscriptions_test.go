package worksection

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The expected queries and hashes below were computed outside this package
// (md5 of query+key), so they check the signer rather than echo it.

func TestSubscribeAndUnsubscribe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		call  func(*Client) error
		query string
	}{
		{"subscribe", func(c *Client) error {
			return c.Subscribe(context.Background(), SubscribeParams{TaskID: "1234", Email: "john.smith@acme.com"})
		}, "action=subscribe&id_task=1234&email_user=john.smith%40acme.com&hash=89c3a33200697426dbedf914c96f4737"},
		{"unsubscribe", func(c *Client) error {
			return c.Unsubscribe(context.Background(), SubscribeParams{TaskID: "1234", Email: "john.smith@acme.com"})
		}, "action=unsubscribe&id_task=1234&email_user=john.smith%40acme.com&hash=aedcc754b9818bcbf75329649f7d8486"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := respond(mt, http.MethodPost, adminURL, 200, fixture(t, "subscribe.json"))
			require.NoError(t, tc.call(c))
			assertRequest(t, rec.last(t), http.MethodPost, tc.query)
		})
	}
}
