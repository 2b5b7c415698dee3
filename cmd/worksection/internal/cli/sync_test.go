package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/worksection-go/worksection/webasyst/webasysttest"
	"github.com/worksection-go/worksection/worksectiontest"
)

// The built-in fake Webasyst team is never planned into or invited into a
// real account, nor a real team into the fake account: the command refuses
// before any call, naming the missing variables.
func TestSyncNeverMixesAFakeWithARealSide(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	wa := webasysttest.NewServer()
	defer wa.Close()
	for _, cmd := range []string{"plan", "apply"} {
		h := newHarness(t, srv) // a real account, no Webasyst variables
		oneErrorLine(t, h.run("sync", cmd, "--from", "webasyst"),
			"the Webasyst team is a built-in fake (WEBASYST_URL and WEBASYST_TOKEN not set)", "the Worksection account is real")

		h = newHarness(t, nil) // a real team, no account
		h.env[envWebasystURL], h.env[envWebasystTok] = wa.URL, wa.Token
		r := h.run("sync", cmd, "--from", "webasyst")
		assert.Equal(t, 1, r.code)
		last := lines(r.stderr)[len(lines(r.stderr))-1]
		assert.Contains(t, last, "the Worksection account is a built-in fake (WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY (or a context) not set)")
		assert.Contains(t, last, "the Webasyst team is real")
	}
	assert.Empty(t, srv.Requests(), "nothing reached the real account")
	assert.Zero(t, wa.Requests(), "nothing was read from the real team")

	r := newHarness(t, nil).run("sync", "apply", "--from", "webasyst") // both fake: a demo
	assert.Contains(t, r.stderr, "[6/6] invite eve@webasyst.example: done")
}
