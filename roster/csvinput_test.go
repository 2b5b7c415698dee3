package roster

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Excel writes ";" in many locales, and "Unicode text" as tab-separated
// UTF-16 with a byte order mark.
func TestReadCSVDelimitersAndUTF16(t *testing.T) {
	t.Parallel()
	utf16le := func(s string) string {
		b := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return string(b)
	}
	utf16be := func(s string) string {
		b := []byte{0xFE, 0xFF}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u>>8), byte(u))
		}
		return string(b)
	}
	for name, in := range map[string]string{
		"semicolon":  "email;first_name;team\nann@x.example;Ann;\"Sales; EMEA\"\nолег@x.example;Олег;Dev\n",
		"tab":        "email\tfirst_name\tteam\nann@x.example\tAnn\tSales; EMEA\nолег@x.example\tОлег\tDev\n",
		"utf-16le":   utf16le("email\tfirst_name\tteam\r\nann@x.example\tAnn\tSales; EMEA\r\nолег@x.example\tОлег\tDev\r\n"),
		"utf-16be":   utf16be("email,first_name,team\nann@x.example,Ann,\"Sales; EMEA\"\nолег@x.example,Олег,Dev\n"),
		"comma, bom": "\uFEFFemail,first_name,team\nann@x.example,Ann,\"Sales; EMEA\"\nолег@x.example,Олег,Dev\n",
	} {
		s, err := ReadCSV(strings.NewReader(in))
		require.NoError(t, err, name)
		assert.Empty(t, s.Problems, name)
		require.Len(t, s.People, 2, name)
		assert.Equal(t, Person{Email: "ann@x.example", FirstName: "Ann", Team: "Sales; EMEA"}, s.People[0], name)
		assert.Equal(t, "Олег", s.People[1].FirstName, name)
		assert.Equal(t, []int{2, 3}, s.Lines, name)
	}
}

// Invalid UTF-8 (a file saved as Windows-1251 or Latin-1) is refused with
// the line of the first bad byte, not read as mojibake.
func TestReadCSVRefusesInvalidUTF8(t *testing.T) {
	t.Parallel()
	_, err := ReadCSV(strings.NewReader("email,first_name\nann@x.example,Ann\nbo@x.example,\xc1\xee\n"))
	require.ErrorIs(t, err, ErrEncoding)
	assert.Contains(t, err.Error(), "line 3")
	_, err = ReadCSV(strings.NewReader("\xFF\xFEe\x00m"))
	assert.ErrorIs(t, err, ErrEncoding, "odd-length UTF-16")
}

// The one rule for ragged rows: missing cells at the end are empty; cells
// beyond the header must be empty, else the row is refused.
func TestReadCSVRaggedRows(t *testing.T) {
	t.Parallel()
	in := "email,first_name,team\n" +
		"ann@x.example\n" + // fewer cells: the rest are empty
		"bo@x.example,Bo,Sales,,\n" + // trailing empty cells: fine
		"cy@x.example,Cy,Sales,Oops\n" // a value beyond the header: refused
	s, err := ReadCSV(strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, []Person{{Email: "ann@x.example"}, {Email: "bo@x.example", FirstName: "Bo", Team: "Sales"}}, s.People)
	require.Len(t, s.Problems, 1)
	assert.Equal(t, 4, s.Problems[0].Line)
	assert.Contains(t, s.Problems[0].Reason, "4 cells, the header has 3")
}
