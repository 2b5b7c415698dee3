package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Output formats for -o.
const (
	formatTable = "table"
	formatJSON  = "json"
	formatCSV   = "csv"
)

// column is one column of a table and CSV: name is the JSON field name
// --columns takes, header what the table shows.
type column struct{ name, header string }

// cols makes columns from JSON field names, each shown as its name in
// capitals, or as given after a colon: cols("id", "group:TEAM").
func cols(specs ...string) []column {
	out := make([]column, len(specs))
	for i, s := range specs {
		name, header, ok := strings.Cut(s, ":")
		if !ok {
			header = strings.ToUpper(name)
		}
		out[i] = column{name: name, header: header}
	}
	return out
}

// view is a command's result: rows for table and CSV, data for JSON.
type view struct {
	cols   []column   // every column; rows have a cell for each
	shown  int        // how many of cols, the first, show unless --columns chooses; 0: all
	rows   [][]string // one a record or line
	data   any        // what -o json prints (shaped: see shape.go)
	footer string     // table only: a summary after the rows
	status string     // the column of status words, coloured on a terminal
	// text, when set, is what -o table prints instead of the rows, unless
	// --columns or --no-headers asks for the rows as a table.
	text func(w io.Writer, st tableStyle)
	// textFirst: text is printed off a terminal too, unless an output flag
	// asks otherwise (version, fake: what people read in a log).
	textFirst bool
}

// listView is the view of a list of records: one row a record, the list
// as JSON. The columns are shown, then every other JSON field of T (for
// --columns). row gives a record's cells for shown; nil: its JSON values.
func listView[T any](shown []column, items []T, row func(T) []string) view {
	if items == nil {
		items = []T{}
	}
	v := view{cols: shown, shown: len(shown), data: items}
	for _, f := range jsonFields(reflect.TypeFor[T]()) {
		if !slicesHas(shown, f.name) {
			v.cols = append(v.cols, column{name: f.name, header: strings.ToUpper(f.name)})
		}
	}
	for _, it := range items {
		v.rows = append(v.rows, recordRow(v.cols, it, row))
	}
	return v
}

// oneView is the view of one record: one row, and one JSON object (not a
// list of one).
func oneView[T any](toView func([]T) view, item T) view {
	v := toView([]T{item})
	v.data = item
	return v
}

func slicesHas(cs []column, name string) bool {
	for _, c := range cs {
		if c.name == name {
			return true
		}
	}
	return false
}

// recordRow is a record's cells: row's for the first columns, then its
// JSON fields.
func recordRow[T any](cs []column, it T, row func(T) []string) []string {
	var cells []string
	if row != nil {
		cells = row(it)
	}
	if len(cells) == len(cs) {
		return cells
	}
	var fields map[string]any
	if b, err := shapeJSON(it); err == nil {
		rec, _ := decodeJSON(b)
		fields, _ = rec.(map[string]any)
	}
	for _, c := range cs[len(cells):] {
		cells = append(cells, cellText(fields[c.name]))
	}
	return cells
}

// format is -o; without it, JSON with --jq, a table with --columns or
// --no-headers or on a terminal, JSON otherwise.
func (a *app) format() (string, error) {
	switch a.output {
	case "":
		switch {
		case a.out.jqExpr != "":
			return formatJSON, nil
		case a.out.columns != "" || a.out.noHeaders || a.env.IsTerminal(a.env.Stdout):
			return formatTable, nil
		}
		return formatJSON, nil
	case formatTable, formatJSON, formatCSV:
		return a.output, nil
	}
	return "", fmt.Errorf("unknown output format %q for -o; want table, json or csv", a.output)
}

// emit writes v to stdout in the chosen format: every command's output
// goes through here.
func (a *app) emit(v view) error {
	f, err := a.format()
	if err != nil {
		return err
	}
	w := a.env.Stdout
	asText := a.out.columns == "" && !a.out.noHeaders
	switch {
	case v.textFirst && a.output == "" && a.out.jq == nil && asText:
		v.text(w, a.tableStyle())
		return nil
	case a.out.jq != nil:
		return a.emitJQ(w, v.data)
	case f == formatJSON:
		return emitJSON(w, v.data)
	}
	if f == formatCSV {
		return a.emitCSV(w, v, a.pick(&v))
	}
	if v.text != nil && asText {
		v.text(w, a.tableStyle())
		return nil
	}
	a.emitTable(w, v)
	return nil
}

// emitTable prints v's rows as a table: the header, the rows, the
// summary; only the rows with --no-headers.
func (a *app) emitTable(w io.Writer, v view) {
	picked := a.pick(&v)
	st := a.tableStyle()
	if a.out.noHeaders {
		st.write(w, project(v.rows, picked), statusAt(v, picked))
		return
	}
	if len(v.rows) == 0 && v.footer != "" {
		say(w, "%s", v.footer) // the summary says it all
		return
	}
	st.write(w, append([][]string{headers(v.cols, picked)}, project(v.rows, picked)...), statusAt(v, picked))
	if v.footer != "" {
		fmt.Fprintln(w)
		say(w, "%s", v.footer)
	}
}

// emitJSON prints data shaped and indented.
func emitJSON(w io.Writer, data any) error {
	b, err := shapeJSON(data)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", escapeJSON(out.Bytes()))
	return err
}

func (a *app) emitCSV(w io.Writer, v view, picked []int) error {
	cw := csv.NewWriter(w)
	if !a.out.noHeaders {
		_ = cw.Write(safeCSVRow(headers(v.cols, picked)))
	}
	for _, row := range project(v.rows, picked) {
		_ = cw.Write(safeCSVRow(row))
	}
	cw.Flush()
	return cw.Error()
}

// pick is the columns of v to print, by index: those --columns names
// (checked against the command's columns before it ran), else the shown
// ones. A column this result lacks, such as whoami's "host" for a member,
// is added to v, empty.
func (a *app) pick(v *view) []int {
	var out []int
	if a.out.picked == nil {
		n := v.shown
		if n == 0 {
			n = len(v.cols)
		}
		for i := range n {
			out = append(out, i)
		}
		return out
	}
	for _, name := range a.out.picked {
		i := indexOf(v.cols, name)
		if i < 0 {
			i = len(v.cols)
			v.cols = append(v.cols, column{name: name, header: strings.ToUpper(name)})
		}
		out = append(out, i)
	}
	return out
}

// indexOf finds a column by its name or header, in any case; -1 if none.
func indexOf(cs []column, name string) int {
	for i, c := range cs {
		if strings.EqualFold(c.name, name) || strings.EqualFold(c.header, name) {
			return i
		}
	}
	return -1
}

// header is every column's header.
func (v view) header() []string {
	out := make([]string, len(v.cols))
	for i, c := range v.cols {
		out[i] = c.header
	}
	return out
}

func headers(cs []column, picked []int) []string {
	out := make([]string, len(picked))
	for i, p := range picked {
		out[i] = cs[p].header
	}
	return out
}

// project keeps the picked cells of each row, in the picked order.
func project(rows [][]string, picked []int) [][]string {
	out := make([][]string, len(rows))
	for r, row := range rows {
		out[r] = make([]string, len(picked))
		for i, p := range picked {
			if p < len(row) {
				out[r][i] = row[p]
			}
		}
	}
	return out
}

// statusAt is where v's status column is among the picked; -1 if not.
func statusAt(v view, picked []int) int {
	if v.status == "" {
		return -1
	}
	at := indexOf(v.cols, v.status)
	for i, p := range picked {
		if p == at {
			return i
		}
	}
	return -1
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
