package roster

import (
	"fmt"
	"strings"
)

// Side is one end of a sync: where people are read from or written to.
// CheckSides holds the one rule for the built-in fakes of the tool and the
// examples: a fake stands in only when every side is fake, so fake data
// never reaches a real account and a real side is never silently paired
// with a fake (a Webasyst team "imported" into a fake account is an
// import that did not happen).
type Side struct {
	Name string   // e.g. "the Webasyst team", "the Worksection account"
	Fake bool     // a built-in fake stands in for it
	Vars []string // the settings that make it real, e.g. WEBASYST_URL, WEBASYST_TOKEN
}

// CheckSides returns nil when every side is fake or every side is real,
// and otherwise an error, before any call, naming what each fake side
// lacks.
func CheckSides(sides ...Side) error {
	var fake, real []string
	for _, s := range sides {
		if s.Fake {
			fake = append(fake, fmt.Sprintf("%s is a built-in fake (%s not set)", s.Name, strings.Join(s.Vars, " and ")))
		} else {
			real = append(real, s.Name)
		}
	}
	if len(fake) == 0 || len(real) == 0 {
		return nil
	}
	return fmt.Errorf("refusing to mix a built-in fake with real data: %s, but %s real; set the missing variables, "+
		"or unset the others to try everything on the fakes", strings.Join(fake, "; "), strings.Join(real, " and ")+isAre(len(real)))
}

func isAre(n int) string {
	if n == 1 {
		return " is"
	}
	return " are"
}
