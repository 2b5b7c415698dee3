package roster

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
)

func TestReadCSV(t *testing.T) {
	t.Parallel()
	in := "\uFEFFRole,Email,Notes,First Name,last_name,team,projects\n" +
		"guest,ann@x.example,likes tea,Ann,Lee,Sales,\"26, 27\"\n" +
		"\n" +
		",,,,,,\n" +
		"user,bob@x.example,\"quoted, with comma\",Bob,,Dev,\n"
	s, err := ReadCSV(strings.NewReader(in))
	require.NoError(t, err)
	assert.Empty(t, s.Problems)
	require.Len(t, s.People, 2)
	assert.Equal(t, Person{Email: "ann@x.example", FirstName: "Ann", LastName: "Lee", Team: "Sales", Role: ws.Role("guest"),
		Projects: []ws.ID{"26", "27"}}, s.People[0])
	assert.Equal(t, "bob@x.example", s.People[1].Email)
	assert.Equal(t, []int{2, 5}, s.Lines)
}

func TestReadCSVMalformedRowsDoNotStopTheFile(t *testing.T) {
	t.Parallel()
	in := "email,first_name,last_name\n" +
		"a@x.example,Ann,Lee\n" +
		"b@x.example,Bob \"the builder\",Smith\n" + // bare quote
		"c@x.example,\"Cy,Long\n" + // quote never closed
		"d@x.example,Dee,Dot\n" +
		"e@x.example,Eve,Ever,extra\n" + // more cells than the header
		"f@x.example,Fay,Fox\n"
	s, err := ReadCSV(strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, []string{"a@x.example", "d@x.example", "f@x.example"}, emails(s.People))
	assert.Equal(t, []int{2, 5, 7}, s.Lines)
	require.Len(t, s.Problems, 3)
	assert.Equal(t, 3, s.Problems[0].Line)
	assert.Contains(t, s.Problems[0].Reason, "malformed row")
	assert.Equal(t, 4, s.Problems[1].Line)
	assert.Equal(t, 6, s.Problems[2].Line)
	assert.Contains(t, s.Problems[2].Reason, "4 cells, the header has 3")
}

func TestReadCSVNoHeader(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "\n\n", "name,team\nAnn,Sales\n"} {
		_, err := ReadCSV(strings.NewReader(in))
		assert.ErrorIs(t, err, ErrNoHeader, "%q", in)
	}
}

func TestSourceLocatesProblems(t *testing.T) {
	t.Parallel()
	in := "email,role\n" +
		"a@x.example,user\n" +
		"b@x.example,\"bad\"quote\n" +
		"c@x.example,boss\n" +
		"A@X.example,user\n"
	s, err := ReadCSV(strings.NewReader(in))
	require.NoError(t, err)
	p := s.Diff(nil, nil)
	require.Len(t, p.Problems, 3)
	assert.Equal(t, []int{3, 4, 5}, []int{p.Problems[0].Line, p.Problems[1].Line, p.Problems[2].Line})
	assert.Contains(t, p.Problems[1].Reason, "unknown role")
	assert.Equal(t, "duplicate of line 2", p.Problems[2].Reason)
	assert.Equal(t, "line 5", p.Problems[2].Where())
	assert.Equal(t, []string{"a@x.example"}, emails(p.Invite))
}

// Lines ended by CR alone are lines.
func TestReadCSVWithCROnlyLineEnds(t *testing.T) {
	t.Parallel()
	src, err := ReadCSV(strings.NewReader("email,first_name\rnew1@example.com,Ann\rnew2@example.com,Bob\r"))
	require.NoError(t, err)
	require.Len(t, src.People, 2)
	assert.Equal(t, "new2@example.com", src.People[1].Email)
	assert.Equal(t, []int{2, 3}, src.Lines)
}
