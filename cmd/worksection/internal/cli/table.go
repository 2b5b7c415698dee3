package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"
)

// width measures what a terminal shows: CJK and emoji take two columns,
// combining marks none. East Asian ambiguous characters count as one
// whatever the locale says, so output does not depend on LANG.
var width = &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

// tableStyle is how a table is drawn: fitted to a terminal's width and
// with coloured status words there, plain elsewhere.
type tableStyle struct {
	maxWidth int  // the terminal's width: the widest columns are cut to fit; 0: never cut
	colour   bool // colour status words
}

// tableStyle is this run's: on a terminal, its width (unless --wide) and
// colour (unless NO_COLOR is set, to anything: no-color.org); off one,
// plain and whole.
func (a *app) tableStyle() tableStyle {
	if !a.env.IsTerminal(a.env.Stdout) {
		return tableStyle{}
	}
	st := tableStyle{colour: a.env.Getenv("NO_COLOR") == ""}
	if !a.out.wide {
		st.maxWidth = a.termWidth()
	}
	return st
}

// termWidth is $COLUMNS when set, else the terminal's; 0 when unknown.
func (a *app) termWidth() int {
	if n, err := strconv.Atoi(strings.TrimSpace(a.env.Getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	if a.env.TermWidth != nil {
		return max(a.env.TermWidth(), 0)
	}
	return 0
}

// writeTable aligns rows in columns two spaces apart, whole and plain;
// rows[0] is the header.
func writeTable(w io.Writer, rows [][]string) { tableStyle{}.write(w, rows, -1) }

// minCut is the narrowest a column is cut to: two characters and "…".
const minCut = 3

// write aligns rows in columns two spaces apart. Cells are made
// printable first; then the widest columns are cut with "…" to fit
// maxWidth, and the words in column status (-1: none) are coloured, so
// the only escapes printed are the tool's own.
func (st tableStyle) write(w io.Writer, rows [][]string, status int) {
	cells := make([][]string, len(rows))
	var widths []int
	for r, row := range rows {
		cells[r] = make([]string, len(row))
		for i, cell := range row {
			cells[r][i] = clean(cell)
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], width.StringWidth(cells[r][i]))
		}
	}
	widths = fit(widths, st.maxWidth)
	var b strings.Builder
	for _, row := range cells {
		b.Reset()
		for i, cell := range row {
			cell = width.Truncate(cell, widths[i], "…")
			pad := widths[i] - width.StringWidth(cell)
			if i == status && st.colour {
				cell = paint(cell)
			}
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", pad+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// fit lowers one cap on the widest columns until the row, two spaces
// between columns, is at most maxWidth wide (0: as they are); no column
// is cut below minCut.
func fit(widths []int, maxWidth int) []int {
	total := func(limit int) int {
		n := 2 * (len(widths) - 1)
		for _, wd := range widths {
			n += min(wd, limit)
		}
		return n
	}
	widest := 0
	for _, wd := range widths {
		widest = max(widest, wd)
	}
	if maxWidth <= 0 || total(widest) <= maxWidth {
		return widths
	}
	limit := widest
	for limit > minCut && total(limit) > maxWidth {
		limit--
	}
	out := make([]int, len(widths))
	for i, wd := range widths {
		out[i] = min(wd, limit)
	}
	return out
}

// ANSI colours of status words, by what they mean: done, going ahead,
// needs a look, failed or refused.
const (
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	red    = "\x1b[31m"
	reset  = "\x1b[0m"
)

var statusColours = map[string]string{
	"done": green, "ok": green, "accepted": green, "agrees": green,
	"create team": green, "invite": green, "add to project": green,
	"skipped": yellow, "interrupted": yellow, "differs": yellow, "unmanaged": yellow, "unknown": yellow,
	"failed": red, "refused": red, "refuse row": red, "refuse project": red,
}

// clean is a table cell: printable, and "-" when empty.
func clean(s string) string {
	if s == "" {
		return "-"
	}
	return printable(s)
}

// paint colours a status word; any other text (a cut word, a server's
// text) is left as it is.
func paint(cell string) string {
	if c, ok := statusColours[cell]; ok {
		return c + cell + reset
	}
	return cell
}
