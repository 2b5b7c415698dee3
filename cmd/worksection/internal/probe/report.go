// Package probe asks a live Worksection account what the SDK assumes about
// it and no public document settles: how the md5 hash encodes awkward
// values and where it may stand, whether the HMAC header and JSON bodies
// are accepted, how the rate limit answers, me's shape, and how a
// duplicate member is refused. `worksection doctor` runs it.
//
// Each probe sends the fewest requests that settle its question, through
// the signers of package auth and the SDK's own error classification, and
// reports a Verdict. Nothing it reports holds a secret: the key, tokens,
// hashes and HMAC credentials are masked in every server text it keeps.
package probe

import (
	"time"
)

// Verdict is a probe's answer.
type Verdict string

// The verdicts.
const (
	Agrees  Verdict = "agrees"  // the server does what the SDK assumes
	Differs Verdict = "differs" // it does not; Instead says what works, when found
	Unknown Verdict = "unknown" // not settled with these credentials; Reason says why
)

// Result is one probe's report.
type Result struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Question string  `json:"question"`
	Assumes  string  `json:"sdk_assumes"`
	Verdict  Verdict `json:"verdict"`
	// Observed is what the server did, in words.
	Observed string `json:"server_did,omitempty"`
	// Instead is what works instead, for a probe that differs and found it.
	Instead string `json:"works_instead,omitempty"`
	// Reason says why the verdict is unknown.
	Reason   string `json:"unknown_because,omitempty"`
	Requests []int  `json:"requests"` // numbers of the Exchanges it sent
}

// Exchange is one request sent and what came back: never a parameter
// value, a hash or a credential; server texts are masked.
type Exchange struct {
	N       int    `json:"n"`
	Probe   string `json:"probe"` // the Result.ID it was sent for, or "owner"
	Method  string `json:"method"`
	Path    string `json:"path"`
	Action  string `json:"action"`
	Signing string `json:"signing"` // e.g. "md5 over PHP urlencode, hash last"
	Body    string `json:"body,omitempty"`

	HTTPStatus int    `json:"http_status,omitempty"` // 0: no answer
	Status     string `json:"status,omitempty"`      // the envelope's status
	Code       *int   `json:"status_code,omitempty"`
	Message    string `json:"message,omitempty"`
	Details    string `json:"message_details,omitempty"`
	RetryAfter string `json:"retry_after,omitempty"` // the header as sent
	Date       string `json:"date,omitempty"`        // the server's Date header
	Error      string `json:"error,omitempty"`       // no answer, or one that is not an envelope
	// Refused: the SDK would read the answer as a refused credential
	// (ErrUnauthorized: a hash or token the server did not accept).
	Refused bool  `json:"credential_refused,omitempty"`
	Millis  int64 `json:"duration_ms"`
}

// Report is a whole run.
type Report struct {
	SDKVersion  string     `json:"sdk_version"`
	Date        time.Time  `json:"date"`
	Account     string     `json:"account_host"`
	Fake        bool       `json:"fake"`        // the run used the tool's built-in fake
	Credentials string     `json:"credentials"` // the kinds used, never the secrets
	WriteProbes bool       `json:"write_probes"`
	Interrupted bool       `json:"interrupted,omitempty"`
	Probes      []Result   `json:"probes"`
	Requests    []Exchange `json:"requests"`
}

// Count returns how many probes have verdict v.
func (r *Report) Count(v Verdict) int {
	n := 0
	for _, p := range r.Probes {
		if p.Verdict == v {
			n++
		}
	}
	return n
}

// Answered reports whether any request got an HTTP answer: when none
// did, the account could not be reached at all.
func (r *Report) Answered() bool {
	for _, e := range r.Requests {
		if e.HTTPStatus != 0 {
			return true
		}
	}
	return false
}

// Accepted reports whether any request was answered "ok": when none was,
// the credentials were likely refused.
func (r *Report) Accepted() bool {
	for _, e := range r.Requests {
		if e.Status == "ok" {
			return true
		}
	}
	return false
}

// Refused reports whether no request was accepted and the server refused
// the credentials: the run learnt nothing but that.
func (r *Report) Refused() bool {
	refused := false
	for _, e := range r.Requests {
		switch {
		case e.Status == "ok":
			return false
		case e.Refused:
			refused = true
		}
	}
	return refused
}
