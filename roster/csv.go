package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	ws "github.com/worksection-go/worksection"
)

// The CSV columns ReadCSV knows, named in the header row in any order.
const (
	ColEmail      = "email"
	ColFirstName  = "first_name"
	ColLastName   = "last_name"
	ColTitle      = "title"
	ColTeam       = "team"
	ColDepartment = "department"
	ColRole       = "role"
	ColProjects   = "projects" // project ids separated by spaces, commas or semicolons
)

// ErrNoHeader is returned by ReadCSV for input without a header row naming
// the email column.
var ErrNoHeader = errors.New("roster: CSV has no header row with an email column")

// ReadCSV reads a roster: UTF-8 with or without a byte order mark, or
// UTF-16 with one (input that is neither is refused with ErrEncoding,
// naming the line); cells separated by commas, semicolons or tabs, which
// the header line shows; a header row naming the columns (any order, any
// case; unknown columns ignored), then one person per row. Blank rows are
// skipped.
//
// A row is read against the header cell by cell: cells missing at its end
// are empty, and cells beyond the header must be empty (the trailing
// separators spreadsheets write); a row with a value beyond the header is
// refused. A refused or malformed row (a stray quote) becomes a Problem
// with its line number and reading goes on with the next line. Roles and
// emails are checked by Diff, not here.
func ReadCSV(r io.Reader) (Source, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Source{}, fmt.Errorf("roster: reading CSV: %w", err)
	}
	if data, err = toUTF8(data); err != nil {
		return Source{}, err
	}
	if !bytes.ContainsRune(data, '\n') {
		// Lines ended by CR alone (classic Mac, Excel's "CSV (Macintosh)"):
		// read as lines, not as one header row with everyone in it.
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	var s Source
	var cols *columnIndex
	for rec := range records(data, delimiter(data), &s.Problems) {
		if cols == nil {
			if cols = header(rec.fields); cols == nil {
				return Source{}, fmt.Errorf("%w (line %d: %q)", ErrNoHeader, rec.line, strings.Join(rec.fields, ","))
			}
			continue
		}
		if blank(rec.fields) {
			continue
		}
		if len(rec.fields) > cols.cells && !blank(rec.fields[cols.cells:]) {
			s.Problems = append(s.Problems, Problem{Line: rec.line,
				Reason: fmt.Sprintf("malformed row: %d cells, the header has %d", len(rec.fields), cols.cells)})
			continue
		}
		s.People = append(s.People, cols.person(rec.fields))
		s.Lines = append(s.Lines, rec.line)
	}
	if cols == nil {
		return Source{}, ErrNoHeader
	}
	return s, nil
}

type record struct {
	line   int
	fields []string
}

// records yields the CSV records of data. After a parse error it records
// a Problem and starts afresh on the line after the bad record's first
// line, so one stray quote costs one row, not the rest of the file.
func records(data []byte, comma rune, problems *[]Problem) func(yield func(record) bool) {
	return func(yield func(record) bool) {
		offset, base := 0, 0 // byte offset and line number before the current reader
		for offset < len(data) {
			cr := csv.NewReader(bytes.NewReader(data[offset:]))
			cr.FieldsPerRecord = -1
			cr.Comma = comma
			restart := false
			for !restart {
				fields, err := cr.Read()
				var pe *csv.ParseError
				switch {
				case errors.Is(err, io.EOF):
					return
				case errors.As(err, &pe):
					*problems = append(*problems, Problem{Line: base + pe.StartLine, Reason: "malformed row: " + pe.Err.Error()})
					bad := max(pe.StartLine, 1)
					offset, base = offset+lineOffset(data[offset:], bad), base+bad
					restart = true
				case err != nil:
					*problems = append(*problems, Problem{Line: base + 1, Reason: "malformed row: " + err.Error()})
					return
				default:
					line, _ := cr.FieldPos(0)
					if !yield(record{line: base + line, fields: fields}) {
						return
					}
				}
			}
		}
	}
}

// lineOffset returns the byte offset just after line n (1-based) of b.
func lineOffset(b []byte, n int) int {
	off := 0
	for range n {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			return len(b)
		}
		off += i + 1
	}
	return off
}

// columnIndex locates the known columns in a header row.
type columnIndex struct {
	cells int            // cells in the header row
	at    map[string]int // column name -> cell index
}

// header reads the header row; it returns nil if the row has no email
// column. Names are matched ignoring case, with spaces or hyphens for
// underscores; the first of two equal names wins.
func header(fields []string) *columnIndex {
	c := &columnIndex{cells: len(fields), at: map[string]int{}}
	norm := strings.NewReplacer(" ", "_", "-", "_")
	for i, f := range fields {
		name := norm.Replace(strings.ToLower(strings.TrimSpace(f)))
		if _, dup := c.at[name]; !dup {
			c.at[name] = i
		}
	}
	if _, ok := c.at[ColEmail]; !ok {
		return nil
	}
	return c
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func (c *columnIndex) person(fields []string) Person {
	cell := func(col string) string {
		if i, ok := c.at[col]; ok && i < len(fields) {
			return strings.TrimSpace(fields[i])
		}
		return ""
	}
	p := Person{Email: cell(ColEmail), FirstName: cell(ColFirstName), LastName: cell(ColLastName), Title: cell(ColTitle),
		Team: cell(ColTeam), Department: cell(ColDepartment), Role: ws.Role(cell(ColRole))}
	for _, id := range strings.FieldsFunc(cell(ColProjects), func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t'
	}) {
		p.Projects = append(p.Projects, ws.ID(id))
	}
	return p
}
