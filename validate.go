package worksection

import (
	"net/mail"
	"strings"
)

// checkEmail insists on exactly one bare address: the API takes one email
// per call and answers "Invalid email" for a list.
func checkEmail(action, field, email string) error {
	if strings.TrimSpace(email) == "" {
		return &ValidationError{Action: action, Field: field, Reason: "required"}
	}
	if strings.ContainsAny(email, ",; \t\r\n") {
		return &ValidationError{Action: action, Field: field, Reason: "want exactly one address, no lists or spaces"}
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return &ValidationError{Action: action, Field: field, Reason: "not a valid email address"}
	}
	return nil
}

// checkRequired refuses an empty or blank value.
func checkRequired(action, field, value string) error {
	if strings.TrimSpace(value) == "" {
		return &ValidationError{Action: action, Field: field, Reason: "required"}
	}
	return nil
}

// checkTaskID insists on a task id of digits.
func checkTaskID(action string, id ID) error {
	if id == "" {
		return &ValidationError{Action: action, Field: "id_task", Reason: "required"}
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return &ValidationError{Action: action, Field: "id_task", Reason: "want digits only"}
		}
	}
	return nil
}
