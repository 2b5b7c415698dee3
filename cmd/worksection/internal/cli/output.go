package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// Output formats for -o.
const (
	formatTable = "table"
	formatJSON  = "json"
	formatCSV   = "csv"
)

// view is a command's result: rows for table and CSV, data for JSON.
type view struct {
	header []string
	rows   [][]string
	data   any
	footer string // table only: a summary after the rows
}

// listView is the view of a list: one row an item, and the list as JSON.
func listView[T any](header []string, items []T, row func(T) []string) view {
	v := view{header: header, data: items}
	for _, it := range items {
		v.rows = append(v.rows, row(it))
	}
	return v
}

// format is -o, or table on a terminal and JSON otherwise.
func (a *app) format() (string, error) {
	switch a.output {
	case "":
		if a.env.IsTerminal(a.env.Stdout) {
			return formatTable, nil
		}
		return formatJSON, nil
	case formatTable, formatJSON, formatCSV:
		return a.output, nil
	}
	return "", fmt.Errorf("unknown output format %q for -o; want table, json or csv", a.output)
}

// emit writes v to stdout in the chosen format.
func (a *app) emit(v view) error {
	f, err := a.format()
	if err != nil {
		return err
	}
	w := a.env.Stdout
	switch f {
	case formatJSON:
		b, err := json.MarshalIndent(v.data, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", escapeJSON(b))
		return err
	case formatCSV:
		cw := csv.NewWriter(w)
		_ = cw.Write(safeCSVRow(v.header))
		for _, row := range v.rows {
			_ = cw.Write(safeCSVRow(row))
		}
		cw.Flush()
		return cw.Error()
	}
	if len(v.rows) == 0 && v.footer != "" {
		say(w, "%s", v.footer) // the summary says it all
		return nil
	}
	writeTable(w, append([][]string{v.header}, v.rows...))
	if v.footer != "" {
		fmt.Fprintln(w)
		say(w, "%s", v.footer)
	}
	return nil
}

// width measures what a terminal shows: CJK and emoji take two columns,
// combining marks none. East Asian ambiguous characters count as one
// whatever the locale says, so output does not depend on LANG.
var width = &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

// writeTable aligns rows in columns two spaces apart; rows[0] is the header.
func writeTable(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, cell := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], width.StringWidth(clean(cell)))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for i, cell := range r {
			cell = clean(cell)
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-width.StringWidth(cell)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// clean is a table cell: printable, and "-" when empty.
func clean(s string) string {
	if s == "" {
		return "-"
	}
	return printable(s)
}

// safeCSVRow makes server data safe to open in a spreadsheet and to print
// on a terminal: control characters and bidirectional overrides go (line
// breaks stay, quoted), and a cell a spreadsheet would run as a formula
// (starting with = + - @, a tab or a carriage return) is prefixed with a
// quote, as OWASP recommends for CSV injection.
func safeCSVRow(row []string) []string {
	out := make([]string, len(row))
	for i, cell := range row {
		cell = multiline(cell)
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			cell = "'" + cell
		}
		out[i] = cell
	}
	return out
}
