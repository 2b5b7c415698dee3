package cli

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/worksectiontest"
)

func TestFit(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []int{4, 10, 3}, fit([]int{4, 10, 3}, 0), "no width: whole")
	assert.Equal(t, []int{4, 10, 3}, fit([]int{4, 10, 3}, 21), "fits")
	assert.Equal(t, []int{4, 8, 3}, fit([]int{4, 10, 3}, 19), "the widest is cut")
	assert.Equal(t, []int{4, 5, 5}, fit([]int{4, 10, 9}, 18), "the widest ones, to one width")
	assert.Equal(t, []int{3, 3, 3}, fit([]int{4, 10, 9}, 5), "never below minCut")
}

// Cells are cut by what a terminal shows: a CJK character is two columns,
// and a cut never splits a character.
func TestWriteCutsByWidth(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	tableStyle{maxWidth: 16}.write(&b, [][]string{{"NAME", "TEAM"}, {"田中太郎さん", "Development"}, {"Zoë", "x"}}, -1)
	assert.Equal(t, ""+
		"NAME     TEAM\n"+
		"田中太…  Develo…\n"+
		"Zoë      x\n", b.String())
	for _, l := range lines(b.String()) {
		assert.LessOrEqual(t, width.StringWidth(l), 16, l)
	}
}

func TestTableFitsTheTerminal(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.tty, h.width = true, 60

	r := h.run("users", "list")
	require.Equal(t, 0, r.code, r.stderr)
	for _, l := range lines(r.stdout) {
		assert.LessOrEqual(t, width.StringWidth(l), 60, l)
	}
	assert.Contains(t, r.stdout, "…")
	assert.NotContains(t, r.stdout, "kate.greenway@acme.example", "the widest columns are cut")

	h.env["COLUMNS"] = "200" // $COLUMNS comes first
	r = h.run("users", "list")
	assert.Contains(t, r.stdout, "kate.greenway@acme.example")
	h.env["COLUMNS"] = "60"
	r = h.run("users", "list", "--wide")
	assert.Contains(t, r.stdout, "kate.greenway@acme.example", "--wide: whole")
	assert.NotContains(t, r.stdout, "…")

	h.tty = false // not a terminal: never cut
	for _, format := range []string{"table", "csv"} {
		r = h.run("users", "list", "-o", format)
		assert.Contains(t, r.stdout, "kate.greenway@acme.example", format)
		assert.NotContains(t, r.stdout, "…", format)
	}
}

// ownEscapes are the only escapes a table prints: the colours of status
// words.
var ownEscapes = regexp.MustCompile(`\x1b\[(0|31|32|33)m`)

func TestStatusColours(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	delete(h.env, "NO_COLOR")
	people := writeCSV(t, "email,team\nred@new.example,Evil\x1b[31mdone\x1b[0m\n,No Email\n")
	apply := func() result {
		return h.run("sync", "apply", "--yes", "-o", "table", "--from", people)
	}

	h.tty = true
	r := apply()
	require.Equal(t, 1, r.code, r.stderr) // a refused row
	assert.Contains(t, r.stdout, "\x1b[32mdone\x1b[0m", "done in green on a terminal")
	assert.Contains(t, r.stdout, "\x1b[31mrefused\x1b[0m", "refused in red")
	assert.NotContains(t, ownEscapes.ReplaceAllString(r.stdout, ""), "\x1b", "the team's escapes are stripped, then colour added")
	assert.Contains(t, r.stdout, "Evil[31mdone[0m", "the server text, without its escapes")

	r = h.run("sync", "plan", "-o", "table", "--from", writeCSV(t, "email\nplan@new.example\n"))
	assert.Contains(t, r.stdout, "\x1b[32minvite\x1b[0m", "plan actions too")

	for _, env := range []string{"1", "0", "no"} { // any non-empty NO_COLOR
		h.env["NO_COLOR"] = env
		r = apply()
		assert.NotContains(t, r.stdout, "\x1b", "NO_COLOR=%s", env)
	}
	delete(h.env, "NO_COLOR")
	h.tty = false
	r = apply()
	assert.NotContains(t, r.stdout, "\x1b", "not a terminal")
	assert.Contains(t, r.stdout, "done")
}
