package webasyst

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors, matched with errors.Is against *APIError.
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
// status (Tasks errors arrive with HTTP 200).
type APIError struct {
	HTTPStatus  int
	Code        string // e.g. "invalid_token", "access_denied", "error"
	Description string // error_description or error_message; may be empty
}

// Error reads like "webasyst: invalid_token: Invalid access token (HTTP 401)".
func (e *APIError) Error() string {
	s := "webasyst: " + e.Code
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
	switch target {
	case ErrUnauthorized:
		return e.Code == "invalid_token" || e.Code == "token_required" || e.HTTPStatus == http.StatusUnauthorized
	case ErrForbidden:
		return e.Code == "access_denied" || e.HTTPStatus == http.StatusForbidden
	case ErrPaymentRequired:
		return e.Code == "payment_required" || e.HTTPStatus == http.StatusPaymentRequired
	}
	return false
}

// ResponseError is a response that is neither data nor an error body: an
// HTML page, an empty, truncated or oversized body. It never includes the
// request URL.
type ResponseError struct {
	HTTPStatus int
	Excerpt    string // the start of the body, secrets masked
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
