package worksection

import "strings"

// memberActions are the actions whose "Invalid email" answer about a
// well-formed address means it is not a member of the account.
var memberActions = map[string]bool{
	"subscribe":              true,
	"unsubscribe":            true,
	"add_project_members":    true,
	"delete_project_members": true,
	"get_users_schedule":     true,
	"update_users_schedule":  true,
}

// isMembership matches ErrNotMember and ErrAlreadyExists.
func (e *APIError) isMembership(target error) bool {
	switch target {
	case ErrNotMember:
		return e.isNotMember()
	case ErrAlreadyExists:
		return e.isAlreadyExists()
	}
	return false
}

// isNotMember reports an "Invalid email" answer to a member action whose
// details name only well-formed addresses (a malformed one is a typo).
func (e *APIError) isNotMember() bool {
	for a := range strings.SplitSeq(e.Details, ",") {
		if !validAddrSpec(strings.TrimSpace(a)) {
			return false
		}
	}
	return memberActions[e.Action] && strings.EqualFold(e.Message, "invalid email")
}

// isAlreadyExists reports add_user's "User already exists": the message
// holds "already" or "exist". afterFailure reads back on it.
func (e *APIError) isAlreadyExists() bool {
	return e.Action == "add_user" && (containsFold(e.Message, "already") || containsFold(e.Message, "exist"))
}
