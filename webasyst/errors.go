package webasyst

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors, matched with errors.Is against *APIError and
// *ResponseError.
var (
	// ErrUnauthorized: the token is missing, unknown or expired
	// (token_required, invalid_token, HTTP 401).
	ErrUnauthorized = errors.New("webasyst: unauthorized")
	// ErrForbidden: the user or the token's scope has no access to Teamwork
	// (access_denied, HTTP 403).
	ErrForbidden = errors.New("webasyst: forbidden")
	// ErrPaymentRequired: the Teamwork licence is not active (HTTP 402).
	ErrPaymentRequired = errors.New("webasyst: payment required")
)

// APIError is an error body: the framework's {"error","error_description"}
// or the Tasks app's {"error":"error","error_message"}, whatever the HTTP
// status (Tasks errors arrive with HTTP 200). A Code or Description that
// holds the access token, in any escaping, is replaced whole by a note
// that it was withheld.
type APIError struct {
	HTTPStatus  int
	Code        string // e.g. "invalid_token", "access_denied", "error"; "" when not a string
	Description string // error_description or error_message; may be empty
}

// Error reads like "webasyst: invalid_token: Invalid access token (HTTP 401)".
func (e *APIError) Error() string {
	s := "webasyst: " + cmp.Or(e.Code, "error")
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.HTTPStatus != 0 && e.HTTPStatus != http.StatusOK {
		s += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	return s
}

// Is matches ErrUnauthorized, ErrForbidden and ErrPaymentRequired by code
// or HTTP status.
func (e *APIError) Is(target error) bool {
	return target != nil && (codeSentinel(e.Code) == target || statusSentinel(e.HTTPStatus) == target)
}

// codeSentinel is the sentinel an error code means, or nil.
func codeSentinel(code string) error {
	switch code {
	case "invalid_token", "token_required":
		return ErrUnauthorized
	case "access_denied":
		return ErrForbidden
	case "payment_required":
		return ErrPaymentRequired
	}
	return nil
}

// serverCode reports whether code is one the framework or the Tasks app
// sends: the server's own word, kept even when a short token happens to
// be part of it.
func serverCode(code string) bool {
	switch code {
	case "token_required", "invalid_token", "access_denied", "payment_required", "app_not_installed", "invalid_method", "invalid_request", "disabled", "server_error",
		"account_suspended", "error", "fail":
		return true
	}
	return false
}

// statusSentinel is the sentinel an HTTP status means, or nil.
func statusSentinel(status int) error {
	switch status {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusPaymentRequired:
		return ErrPaymentRequired
	}
	return nil
}

// ResponseError is a response that is neither data nor an error body: an
// HTML page, an empty, truncated or oversized body. It never includes the
// request URL.
type ResponseError struct {
	HTTPStatus int
	Excerpt    string // the start of the body; withheld whole if it holds the token
	Err        error
}

// Error names the HTTP status, the problem and a body excerpt.
func (e *ResponseError) Error() string {
	s := fmt.Sprintf("webasyst: tasks.team.getList: HTTP %d: %v", e.HTTPStatus, e.Err)
	if e.Excerpt != "" {
		s += fmt.Sprintf(" (body: %q)", e.Excerpt)
	}
	return s
}

// Unwrap returns the underlying problem.
func (e *ResponseError) Unwrap() error { return e.Err }

// Is matches ErrUnauthorized (HTTP 401), ErrForbidden (403) and
// ErrPaymentRequired (402), as for an *APIError: a proxy's HTML login page
// means the same as the framework's JSON.
func (e *ResponseError) Is(target error) bool {
	return target != nil && statusSentinel(e.HTTPStatus) == target
}
