package roster

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	users := []ws.User{
		{ID: "1", Email: "Kate@Acme.example", Group: "Dev"},
		{ID: "2", Email: "john@acme.example"},
	}
	teams := []ws.UserGroup{{ID: "10", Title: "Dev"}}
	desired := []Person{
		{Email: " kate@ACME.example ", Team: "dev"},               // member, case differs; team exists by case
		{Email: "new@acme.example", Team: "Sales", Role: "Guest"}, // invite, team to create
		{Email: "other@acme.example", Team: "sales"},              // same new team, not twice
		{Email: "", FirstName: "No", LastName: "Mail"},            // no email
		{Email: "not-an-email"},                                   // invalid
		{Email: "x@acme.example", Role: "boss"},                   // unknown role
		{Email: "y@acme.example", Role: "account admin"},          // cannot be invited
		{Email: "NEW@acme.example"},                               // duplicate of row 2
		{Email: "\u212Aate@acme.example"},                         // Kelvin sign: not Kate
		{Email: "z@acme.example", Projects: []ws.ID{"26", "abc"}}, // bad project id
	}
	p := Diff(desired, users, teams)

	assert.Equal(t, []string{"Sales"}, p.CreateTeams)
	assert.Equal(t, []string{"kate@ACME.example"}, emails(p.Members), "emails are trimmed and compared by ASCII case")
	assert.Equal(t, []string{"new@acme.example", "other@acme.example", "\u212Aate@acme.example", "z@acme.example"}, emails(p.Invite),
		"a bad project id refuses only that project step: z is still invited")
	assert.Equal(t, ws.RoleGuest, p.Invite[0].Role, "roles are normalised")
	require.Len(t, p.Unmanaged, 1)
	assert.Equal(t, ws.ID("2"), p.Unmanaged[0].ID)
	assert.True(t, p.HasChanges())

	reasons := map[int]string{}
	for _, pr := range p.Problems {
		reasons[pr.Row] = pr.Reason
	}
	assert.Equal(t, map[int]string{
		4:  "no email",
		5:  `invalid email "not-an-email"`,
		6:  `unknown role "boss" (want user, guest or reader)`,
		7:  `role "account admin" cannot be invited (want user, guest or reader)`,
		8:  "duplicate of row 2",
		10: `project "abc": not a project id (want digits); the person is still invited`,
	}, reasons)
	last := p.Problems[len(p.Problems)-1]
	assert.Equal(t, ws.ID("abc"), last.Project)
	assert.False(t, last.RowRefused())
	assert.True(t, p.Problems[0].RowRefused())
	require.Len(t, p.AddToProjects, 1)
	assert.Equal(t, ProjectChange{ProjectID: "26", Emails: []string{"z@acme.example"}, rows: []int{10}}, p.AddToProjects[0])
	assert.Equal(t, "No Mail", p.Problems[0].Name)
	assert.Equal(t, "row 4", p.Problems[0].Where())
}

func TestDiffNothingToDo(t *testing.T) {
	t.Parallel()
	p := Diff([]Person{{Email: "a@x.example", Team: "T", Role: ws.RoleOwner}}, []ws.User{{Email: "A@X.example"}}, []ws.UserGroup{{Title: "t"}})
	assert.False(t, p.HasChanges(), "a member's role is not checked for invitability")
	assert.Empty(t, p.Problems)
	assert.Empty(t, p.Unmanaged)
}

func TestDiffProjects(t *testing.T) {
	t.Parallel()
	p := Diff([]Person{
		{Email: "a@x.example", Projects: []ws.ID{"26", "27"}},
		{Email: "b@x.example", Projects: []ws.ID{"26"}},
	}, []ws.User{{Email: "a@x.example"}}, nil)
	require.Len(t, p.AddToProjects, 2)
	assert.Equal(t, ws.ID("26"), p.AddToProjects[0].ProjectID)
	assert.Equal(t, []string{"a@x.example", "b@x.example"}, p.AddToProjects[0].Emails, "members and invitees alike")
	assert.Equal(t, []string{"a@x.example"}, p.AddToProjects[1].Emails)
}

func TestSameEmail(t *testing.T) {
	t.Parallel()
	assert.True(t, SameEmail("Kate@Acme.Example", " kate@acme.example"))
	assert.False(t, SameEmail("\u212Aate@x", "kate@x"), "Unicode folding would match these")
	assert.False(t, SameEmail("stra\u00dfe@x", "strasse@x"))
}

func emails(people []Person) []string {
	out := make([]string, len(people))
	for i, p := range people {
		out[i] = p.Email
	}
	return out
}

// Members whose team or role differ from the source are listed as drift,
// not as changes: the API cannot change them. A blank cell is no drift.
func TestDiffReportsDrift(t *testing.T) {
	t.Parallel()
	users := []ws.User{
		{ID: "1", Email: "kate@acme.example", Name: "Kate", Group: "Dev", Role: ws.RoleUser},
		{ID: "2", Email: "john@acme.example", Group: "Sales", Role: ws.RoleGuest},
		{ID: "3", Email: "ann@acme.example", Group: "Dev", Role: ws.RoleUser},
	}
	teams := []ws.UserGroup{{ID: "10", Title: "Dev"}, {ID: "11", Title: "Sales"}}
	p := Diff([]Person{
		{Email: "kate@acme.example", Team: "Sales", Role: "guest"}, // both differ
		{Email: "john@acme.example", Team: "sales", Role: "Guest"}, // same, by case
		{Email: "ann@acme.example"},                                // blank: left as is
	}, users, teams)
	assert.Equal(t, []Drift{
		{Email: "kate@acme.example", Name: "Kate", Field: "team", Source: "Sales", Account: "Dev"},
		{Email: "kate@acme.example", Name: "Kate", Field: "role", Source: "guest", Account: "user"},
	}, p.Differs)
	assert.False(t, p.HasChanges(), "drift is not a change the API can make")
	assert.NotNil(t, Diff(nil, nil, nil).Differs, "[] in JSON, not null")
}
