package sides

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheck(t *testing.T) {
	wa := func(fake bool) Side {
		return Side{Name: "the Webasyst team", Fake: fake, Vars: []string{"WEBASYST_URL", "WEBASYST_TOKEN"}}
	}
	ws := func(fake bool) Side {
		return Side{Name: "the Worksection account", Fake: fake, Vars: []string{"WORKSECTION_ACCOUNT_URL", "WORKSECTION_API_KEY"}}
	}
	assert.NoError(t, Check(wa(true), ws(true)), "all fake: a demo")
	assert.NoError(t, Check(wa(false), ws(false)), "all real")
	assert.NoError(t, Check(), "no sides")

	err := Check(wa(true), ws(false))
	assert.EqualError(t, err, "refusing to mix a built-in fake with real data: the Webasyst team is a built-in fake "+
		"(WEBASYST_URL and WEBASYST_TOKEN not set), but the Worksection account is real; set the missing variables, "+
		"or unset the others to try everything on the fakes")
	err = Check(wa(false), ws(true))
	assert.ErrorContains(t, err, "the Worksection account is a built-in fake (WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY not set)")
	assert.ErrorContains(t, err, "the Webasyst team is real")
}
