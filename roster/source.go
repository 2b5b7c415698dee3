package roster

import (
	"context"
	"slices"

	ws "github.com/worksection-go/worksection"
)

// Source is a desired roster read from a file or another product, with
// the rows it could not read.
type Source struct {
	People   []Person
	Lines    []int     // Lines[i] is the file line of People[i]; nil when the source has no lines
	Problems []Problem // rows refused while reading, with their Line
}

// Diff is Diff over s.People, with the rows refused while reading added
// to the plan's Problems and every Problem given its file line.
func (s Source) Diff(users []ws.User, teams []ws.UserGroup) Plan {
	return s.locate(Diff(s.People, users, teams))
}

// Load is Load over s.People, with Problems located as for Diff.
func (s Source) Load(ctx context.Context, c *ws.Client) (Plan, error) {
	p, err := Load(ctx, c, s.People)
	if err != nil {
		return Plan{}, err
	}
	return s.locate(p), nil
}

func (s Source) locate(p Plan) Plan {
	for i := range p.Problems {
		if r := p.Problems[i].Row; r > 0 && r <= len(s.Lines) {
			p.Problems[i].Line = s.Lines[r-1]
		}
		if d := p.Problems[i].dupOf; d > 0 && d <= len(s.Lines) {
			p.Problems[i].Reason = duplicate("line", s.Lines[d-1])
		}
	}
	p.Problems = append(slices.Clone(s.Problems), p.Problems...)
	if s.Lines != nil {
		slices.SortStableFunc(p.Problems, func(a, b Problem) int { return a.Line - b.Line })
	}
	return p
}
