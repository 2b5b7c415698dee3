package roster

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckSides(t *testing.T) {
	wa := func(fake bool) Side {
		return Side{Name: "the Webasyst team", Fake: fake, Vars: []string{"WEBASYST_URL", "WEBASYST_TOKEN"}}
	}
	wsSide := func(fake bool) Side {
		return Side{Name: "the Worksection account", Fake: fake, Vars: []string{"WORKSECTION_ACCOUNT_URL", "WORKSECTION_API_KEY"}}
	}
	assert.NoError(t, CheckSides(wa(true), wsSide(true)), "all fake: a demo")
	assert.NoError(t, CheckSides(wa(false), wsSide(false)), "all real")
	assert.NoError(t, CheckSides(), "no sides")

	err := CheckSides(wa(true), wsSide(false))
	assert.EqualError(t, err, "refusing to mix a built-in fake with real data: the Webasyst team is a built-in fake "+
		"(WEBASYST_URL and WEBASYST_TOKEN not set), but the Worksection account is real; set the missing variables, "+
		"or unset the others to try everything on the fakes")
	err = CheckSides(wa(false), wsSide(true))
	assert.ErrorContains(t, err, "the Worksection account is a built-in fake (WORKSECTION_ACCOUNT_URL and WORKSECTION_API_KEY not set)")
	assert.ErrorContains(t, err, "the Webasyst team is real")
}
