package worksection

import (
	"fmt"
	"net/http"
)

// retryClass says what the client may do after an attempt failed in a way
// that may have reached the server.
type retryClass int

const (
	// read: no effect on the server; resent freely.
	read retryClass = iota + 1
	// idempotent: repeating it leaves the same state (setting a day twice,
	// adding a subscriber twice, creating a team the server then returns).
	idempotent
	// deduplicated: the server refuses a second copy (one member per
	// email), so a resend is safe; a refused duplicate is read back.
	deduplicated
	// atMostOnce: nothing stops a second copy (contacts may share an
	// email), so after a failure that may have been applied it is never
	// resent, only read back (ErrMaybeApplied unless the record is there).
	atMostOnce
)

func (r retryClass) String() string {
	return map[retryClass]string{read: "read", idempotent: "idempotent write",
		deduplicated: "write the server deduplicates", atMostOnce: "at-most-once write"}[r]
}

// actionSpec is everything the request pipeline knows about an action.
type actionSpec struct {
	name    string
	retry   retryClass
	scope   string // OAuth2 scope the user API needs (Worksection publishes none: inferred from names)
	userAPI bool   // callable only with an access token
}

// method is GET for reads and POST for writes, in query-signed modes.
func (a actionSpec) method() string {
	if a.retry == read {
		return http.MethodGet
	}
	return http.MethodPost
}

// actionTable lists every action the client sends; a test checks
// docs/actions.md's table against it.
var actionTable = [...]actionSpec{
	{name: "get_users", retry: read, scope: ScopeUsersRead},
	{name: "add_user", retry: deduplicated, scope: ScopeUsersWrite},
	{name: "get_user_groups", retry: read, scope: ScopeUsersRead},
	{name: "add_user_group", retry: idempotent, scope: ScopeUsersWrite},
	{name: "get_contacts", retry: read, scope: ScopeContactsRead},
	{name: "add_contact", retry: atMostOnce, scope: ScopeContactsWrite},
	{name: "get_contact_groups", retry: read, scope: ScopeContactsRead},
	{name: "add_contact_group", retry: idempotent, scope: ScopeContactsWrite},
	{name: "subscribe", retry: idempotent, scope: ScopeTasksWrite},
	{name: "unsubscribe", retry: idempotent, scope: ScopeTasksWrite},
	{name: "me", retry: read, userAPI: true},
	{name: "get_users_schedule", retry: read, scope: ScopeUsersRead},
	{name: "update_users_schedule", retry: idempotent, scope: ScopeUsersWrite},
	{name: "add_project_members", retry: idempotent, scope: ScopeProjectsWrite},
	{name: "delete_project_members", retry: idempotent, scope: ScopeProjectsWrite},
	{name: "get_project", retry: read, scope: ScopeProjectsRead},
	{name: "get_task", retry: read, scope: ScopeTasksRead},
}

// lookupAction returns an action's spec; an unknown name is a bug here.
func lookupAction(name string) (actionSpec, error) {
	for _, a := range actionTable {
		if a.name == name {
			return a, nil
		}
	}
	return actionSpec{}, fmt.Errorf("worksection: internal error: action %q is not in the action table", name)
}
