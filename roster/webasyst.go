package roster

import (
	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/webasyst"
)

// FromWebasyst turns a Webasyst Teamwork team (webasyst.Client.TeamList)
// into a roster: each teammate as a user with their primary email, first
// and last name (the display name when both are empty), job title, and
// first group as the team. Teammates without an email become Problems
// when planned.
func FromWebasyst(team []webasyst.Teammate) Source {
	s := Source{People: make([]Person, 0, len(team))}
	for _, tm := range team {
		info := tm.ContactInfo
		first, last := deref(info.FirstName), deref(info.LastName)
		if first == "" && last == "" {
			first = tm.Contact.Name
		}
		s.People = append(s.People, Person{Email: info.PrimaryEmail(), FirstName: first, LastName: last,
			Title: deref(info.JobTitle), Team: tm.Groups.First(), Role: ws.RoleUser})
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
