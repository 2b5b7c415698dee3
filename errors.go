package worksection

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Sentinel errors, matched with errors.Is; the concrete error (*APIError,
// *ResponseError, *ValidationError) carries the details.
var (
	// ErrUnauthorized: the hash or token was refused (status code 2 "Action
	// hash is missed or invalid", HTTP 401, an expired or revoked token).
	ErrUnauthorized = errors.New("worksection: unauthorized")
	// ErrRateLimited: HTTP 429 or a "Too many requests" error envelope.
	ErrRateLimited = errors.New("worksection: rate limited")
	// ErrInvalidInput: the client refused the call before sending it.
	ErrInvalidInput = errors.New("worksection: invalid input")
	// ErrMaybeApplied: a write failed after it may have reached the server
	// and reading back could not confirm it; check before sending it again.
	ErrMaybeApplied = errors.New("worksection: the write may have been applied")
	// ErrNotFound: an envelope saying a project, task or file does not
	// exist ("Project is invalid", "Task is invalid", "File not found").
	ErrNotFound = errors.New("worksection: not found")
	// ErrInvalidEmail: an "Invalid email" envelope, such as a project
	// member or subscriber who is not an account member.
	ErrInvalidEmail = errors.New("worksection: invalid email")
	// ErrNotMember: "Invalid email" about a well-formed address from an
	// action taking members (subscribe, unsubscribe, add/delete_project_members,
	// the schedule actions). It also matches ErrInvalidEmail.
	ErrNotMember = errors.New("worksection: not a member of the account")
	// ErrAlreadyExists: add_user's answer about an email already a member.
	ErrAlreadyExists = errors.New("worksection: already a member")
)

// APIError is an error envelope from the API:
// {"status":"error","status_code":10,"message":"Field is required","message_details":"email"}.
// The real API sends these with HTTP 200. Upstream reuses codes for
// different messages, so match on Message (or the sentinels), not Code alone.
type APIError struct {
	Action     string // the action called, e.g. "add_user"
	Code       int    // status_code; 0 when absent
	Message    string // message, e.g. "Field is required"
	Details    string // message_details: the field name or offending value
	HTTPStatus int    // the HTTP status the envelope came with
	// RetryAfter is the server's Retry-After hint, zero when absent.
	RetryAfter time.Duration

	// matched holds the sentinels the server's words matched before
	// masking (a one-letter API key must not hide "Task is invalid" from
	// ErrNotFound); nil for an APIError built by hand.
	matched []error
}

// apiSentinels are the sentinels an APIError may match.
var apiSentinels = []error{ErrNotFound, ErrInvalidEmail, ErrUnauthorized, ErrRateLimited, ErrNotMember, ErrAlreadyExists}

// newAPIError classifies an envelope's error by the server's words, then masks it.
func newAPIError(e APIError, mask func(string) string) *APIError {
	e.matched = slices.DeleteFunc(slices.Clone(apiSentinels), func(s error) bool { return !e.matches(s) })
	e.Message, e.Details = mask(e.Message), mask(e.Details)
	return &e
}

// Error reads like "worksection: add_user: Field is required (code 10, email)".
func (e *APIError) Error() string {
	s := "worksection: " + e.Action + ": " + e.Message
	var extra []string
	if e.Code != 0 {
		extra = append(extra, fmt.Sprintf("code %d", e.Code))
	}
	if e.Details != "" {
		extra = append(extra, e.Details)
	}
	if e.HTTPStatus != 0 && e.HTTPStatus != http.StatusOK {
		extra = append(extra, fmt.Sprintf("HTTP %d", e.HTTPStatus))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

// Is matches the sentinels by HTTP status and the server's message as sent
// (codes are reused for different messages, so never by code alone).
func (e *APIError) Is(target error) bool {
	if e.matched != nil {
		return slices.Contains(e.matched, target)
	}
	return e.matches(target)
}

// matches classifies e's fields as they are.
func (e *APIError) matches(target error) bool {
	switch target {
	case ErrNotFound:
		m := strings.ToLower(e.Message)
		return m == "project is invalid" || m == "task is invalid" || m == "file not found"
	case ErrInvalidEmail:
		return strings.EqualFold(e.Message, "invalid email")
	case ErrUnauthorized:
		return e.HTTPStatus == http.StatusUnauthorized ||
			e.Code == 2 && containsFold(e.Message, "hash") ||
			containsFold(e.Message, "token") || containsFold(e.Details, "token") ||
			containsFold(e.Details, "invalid_grant") || containsFold(e.Details, "invalid_client")
	case ErrRateLimited:
		return e.HTTPStatus == http.StatusTooManyRequests || containsFold(e.Message, "too many requests")
	}
	return e.isMembership(target) // ErrNotMember, ErrAlreadyExists
}

// LogValue renders the error as structured slog fields.
func (e *APIError) LogValue() slog.Value {
	return slog.GroupValue(slog.String("action", e.Action), slog.Int("code", e.Code),
		slog.String("message", e.Message), slog.String("details", e.Details), slog.Int("http_status", e.HTTPStatus))
}

// ResponseError is a response the client could not read as an envelope (an
// HTML page, an empty, cut or oversized body, data of the wrong shape). It
// never includes the request URL.
type ResponseError struct {
	Action     string
	HTTPStatus int
	Excerpt    string // the start of the body, with any secret masked
	RetryAfter time.Duration
	Err        error // what was wrong
}

// Error names the action, the HTTP status, the problem and a body excerpt.
func (e *ResponseError) Error() string {
	s := fmt.Sprintf("worksection: %s: HTTP %d: %v", e.Action, e.HTTPStatus, e.Err)
	if e.Excerpt != "" {
		s += fmt.Sprintf(" (body: %q)", e.Excerpt)
	}
	return s
}

// Unwrap returns the underlying problem.
func (e *ResponseError) Unwrap() error { return e.Err }

// Is matches ErrUnauthorized for HTTP 401 and ErrRateLimited for HTTP 429.
func (e *ResponseError) Is(target error) bool {
	return target == ErrUnauthorized && e.HTTPStatus == http.StatusUnauthorized ||
		target == ErrRateLimited && e.HTTPStatus == http.StatusTooManyRequests
}

// ValidationError is input the client refused before any network call.
// It matches ErrInvalidInput.
type ValidationError struct {
	Action string
	Field  string // the Go field at fault, e.g. "Email"
	Reason string
}

// Error reads like "worksection: add_user: invalid Email: want one address".
func (e *ValidationError) Error() string {
	return fmt.Sprintf("worksection: %s: invalid %s: %s", e.Action, e.Field, e.Reason)
}

// Is matches ErrInvalidInput.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), sub)
}

// maybeAppliedError is a write's failure after an attempt that may have
// been applied; it matches ErrMaybeApplied.
type maybeAppliedError struct {
	action string
	err    error
}

func (e *maybeAppliedError) Error() string {
	return e.err.Error() + " (" + e.action + " may have been applied and may still appear: check before sending it again)"
}

func (e *maybeAppliedError) Unwrap() error { return e.err }

func (e *maybeAppliedError) Is(target error) bool { return target == ErrMaybeApplied }
