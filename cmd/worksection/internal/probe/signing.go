package probe

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/worksection-go/worksection/internal/auth"
)

// spec is one probe: what it asks and what the SDK assumes, for the
// report, and how it runs.
type spec struct {
	id, title, question, assumes string
	run                          func(r *run, ctx context.Context, res *Result)
}

// probes run in this order; the report lists them so.
var probes = []spec{
	{"md5-encoding", "md5 signing of awkward values",
		"Does the server accept the md5 hash of a read whose parameters hold @, a space, + and ~ (get_users_schedule for the owner's email, in 2031)?",
		"The hash is md5 of the query exactly as sent, encoded like PHP's http_build_query (space as +, @ as %40, ~ as %7E), then the key.",
		(*run).probeEncoding},
	{"hash-position", "Where hash may stand",
		"Does the server rebuild the query from its parameters (hash may stand anywhere) or hash the raw query string (hash must be last)?",
		"The server rebuilds the query from the parameters it received before hashing, so hash may stand anywhere (the SDK sends it last, so a server that rebuilds but wants hash last agrees too).",
		(*run).probeHashPosition},
	{"hmac-header", "HMAC in the vendor's 2026 shape",
		"Is get_users accepted signed with \"Authorization: Admin <t>_<hmac>\", POST with the parameters in a JSON body?",
		"Accepted, as the vendor's 2026 clients send it (WithHMACSigning; md5 stays the default).",
		(*run).probeHMAC},
	{"token-json-body", "JSON bodies with an access token",
		"Does the user API accept get_users as a POST with a JSON body and an access token?",
		"Accepted: the SDK moves a token call's parameters into a JSON body when the URL would pass 8 KB.",
		(*run).probeTokenBody},
	{"rate-limit", "The rate limit's answer",
		"Two get_user_groups sent about 50 ms apart, past the SDK's limiter: is the second refused, and how?",
		"Refused with HTTP 200 and the error envelope \"Too many requests\" (the SDK also recognises HTTP 429, and waits as Retry-After says).",
		(*run).probeRateLimit},
	{"me-shape", "me's shape",
		"Is me's data an object or a one-element array?",
		"An object, as the vendor's recording shows (the SDK also reads the FAQ's one-element array).",
		(*run).probeMe},
	{"duplicate-member", "Duplicate member",
		"What does add_user answer for the email of an existing member (the owner's)?",
		"An error envelope whose message holds \"already\" or \"exist\", which the SDK matches to recognise a duplicate.",
		(*run).probeDuplicate},
}

// The 2031 range keeps the schedule read clear of any real day off.
const dateStart, dateEnd = "01.01.2031", "31.01.2031"

// hashOutcome is what an md5-signed answer says about its hash.
type hashOutcome int

const (
	hashAccepted  hashOutcome = iota // ok, or an error past the hash check
	hashRefused                      // the SDK's ErrUnauthorized
	hashUnsettled                    // no envelope
	hashNoAction                     // "Action is invalid": it may come before the hash check
)

func hashVerdict(a *answer) hashOutcome {
	switch {
	case a.refusedCredential():
		return hashRefused
	case a.ok():
		return hashAccepted
	case !a.envelope:
		return hashUnsettled
	case strings.HasPrefix(strings.ToLower(a.message), "action is"):
		return hashNoAction
	}
	return hashAccepted
}

func (o hashOutcome) String() string {
	return [...]string{"hash accepted", "hash refused", "not settled", "action not served"}[o]
}

// reads are the md5 probes' requests, best first: get_users_schedule, and
// if the server does not serve it (the vendor's PHP client notes "Action
// is invalid"), get_users with the same users parameter, which get_users
// ignores but the hash covers, as it covers every parameter (the docs).
// The key users sorts after hash, so the hash-position probe can tell.
func reads(users string) [][]Param {
	return [][]Param{
		{{Key: "action", Value: "get_users_schedule"}, {Key: "users", Value: users}, {Key: "datestart", Value: dateStart}, {Key: "dateend", Value: dateEnd}},
		{{Key: "action", Value: "get_users"}, {Key: "users", Value: users}},
	}
}

// onServedRead runs try on each read until one is served (try returns
// true), and notes in res the reads the server did not serve.
func onServedRead(res *Result, users string, try func(params []Param) (served bool)) {
	var skipped []string
	for _, params := range reads(users) {
		if try(params) {
			if len(skipped) > 0 {
				res.Observed = "on " + params[0].Value + " (" + strings.Join(skipped, "; ") + "): " + res.Observed
			}
			return
		}
		skipped = append(skipped, params[0].Value+" is not served")
	}
	res.Verdict, res.Reason = Unknown, "the server answers \"Action is …\" to every read tried ("+strings.Join(skipped, "; ")+"), which may come before the hash check"
}

// probeEncoding sends the SDK's PHP-style hash, and if it is refused the
// RFC 3986 and unencoded ones.
func (r *run) probeEncoding(ctx context.Context, res *Result) {
	if !r.needsKey(res) || !r.hasOwner(res) {
		return
	}
	// A second, made-up address brings the space, + and ~; the server
	// checks the hash before it looks the members up.
	onServedRead(res, r.owner.email+", doctor+probe~check@example.invalid", func(params []Param) bool {
		return r.encodingOn(ctx, res, params)
	})
}

// encodingOn is probeEncoding on one read; false if the read is not served.
func (r *run) encodingOn(ctx context.Context, res *Result, params []Param) bool {
	results := map[Encoding]hashOutcome{}
	var seen []string
	for _, enc := range []Encoding{PHPEncoding, RFC3986Encoding, NoEncoding} {
		v := MD5Variant{Hashed: enc}
		a, err := r.s.send(ctx, r.s.signMD5(res.ID, v, http.MethodGet, params))
		if !settle(res, a, err) {
			return true
		}
		out := hashVerdict(a)
		switch {
		case out == hashNoAction && enc == PHPEncoding:
			return false
		case out == hashUnsettled || out == hashNoAction:
			res.Verdict, res.Reason = Unknown, v.String()+": "+a.describe()
			return true
		}
		results[enc] = out
		seen = append(seen, fmt.Sprintf("%s: %s (%s)", v, out, a.describe()))
		if enc == PHPEncoding && out == hashAccepted {
			res.Verdict, res.Observed = Agrees, seen[0]
			return true
		}
	}
	res.Verdict, res.Observed = Differs, strings.Join(seen, "; ")
	var works []string
	for _, enc := range []Encoding{RFC3986Encoding, NoEncoding} {
		if results[enc] == hashAccepted {
			works = append(works, "md5 over "+enc.String()+" values")
		}
	}
	res.Instead = strings.Join(works, ", or ")
	return true
}

// probeHashPosition sends a read with its parameters sorted, hash first in
// its sorted place, then last. Its values read the same in every encoding,
// so only the position differs. If only the last is accepted, a third
// request, hash last over PHP's form but sent with every byte escaped,
// tells a server that hashes the raw query (which refuses it) from one
// that rebuilds the query but wants hash last (which accepts it).
func (r *run) probeHashPosition(ctx context.Context, res *Result) {
	if !r.needsKey(res) || !r.hasOwner(res) {
		return
	}
	onServedRead(res, r.owner.id, func(params []Param) bool { return r.positionOn(ctx, res, params) })
}

// positionOn is probeHashPosition on one read; false if it is not served.
func (r *run) positionOn(ctx context.Context, res *Result, params []Param) bool {
	variants := []MD5Variant{{Layout: SortedHashInPlace}, {Layout: SortedHashLast}, {Layout: SortedHashLast, SendEscaped: true}}
	var out []hashOutcome
	var seen []string
	for i, v := range variants {
		if i == 2 && (out[0] == hashAccepted || out[1] != hashAccepted) {
			break // settled without the third
		}
		a, err := r.s.send(ctx, r.s.signMD5(res.ID, v, http.MethodGet, params))
		if !settle(res, a, err) {
			return true
		}
		o := hashVerdict(a)
		if i == 0 && o == hashNoAction {
			return false
		}
		out = append(out, o)
		seen = append(seen, fmt.Sprintf("%s: %s (%s)", strings.TrimPrefix(v.String(), "md5 over PHP urlencode, "), o, a.describe()))
	}
	res.Observed = strings.Join(seen, "; ")
	positionVerdict(out, res)
	return true
}

// positionVerdict reads the hash-position answers: in place, last, and
// (when sent) last with every byte escaped.
func positionVerdict(out []hashOutcome, res *Result) {
	inPlace, last := out[0], out[1]
	switch {
	case inPlace != hashAccepted && last != hashAccepted:
		res.Verdict, res.Reason = Unknown, "no layout was accepted, so position alone does not settle it: "+res.Observed
		res.Observed = ""
	case last != hashAccepted:
		res.Verdict, res.Instead = Differs, "hash in its sorted place: the server refuses it last"
	case inPlace == hashAccepted:
		res.Verdict = Agrees
	case out[2] == hashAccepted:
		res.Verdict = Agrees
		res.Observed += "; the server rebuilds the query, and wants hash last, where the SDK puts it"
	case out[2] == hashRefused:
		res.Verdict = Differs
		res.Instead = "hash last, over the query's bytes exactly as sent (the SDK does both): the server hashes the raw query string up to \"&hash=\""
	default:
		res.Verdict, res.Reason = Unknown, "the escaped request's answer does not settle it: "+res.Observed
		res.Observed = ""
	}
}

// probeHMAC sends get_users signed as the vendor's 2026 clients sign.
func (r *run) probeHMAC(ctx context.Context, res *Result) {
	if !r.needsKey(res) {
		return
	}
	now := r.cfg.Now()
	cred := auth.AdminToken(r.cfg.APIKey, "get_users", now.Unix())
	_, sig, _ := strings.Cut(cred, "_")
	// No parameters: an empty body, as the SDK and the vendor's clients send.
	req := request{probe: res.ID, action: "get_users", signing: "HMAC header (Authorization: Admin)", method: http.MethodPost,
		path: hmacPath, query: "action=get_users", secrets: []string{cred, sig},
		header: http.Header{"Authorization": {"Admin " + cred}, "Content-Type": {"application/json; charset=utf-8"}}}
	a, err := r.s.send(ctx, req)
	if !settle(res, a, err) {
		return
	}
	res.Observed = a.describe()
	if a.ok() {
		res.Verdict = Agrees
		return
	}
	res.Verdict = Differs
	if skew := clockSkew(a, now); skew != "" {
		res.Observed += "; " + skew
	}
	if r.owner.err == nil {
		res.Instead = "md5 query signing (the SDK's default), accepted for get_users"
	}
}

// clockSkew says how far the server's Date is from the time signed, when
// it is over a minute: the HMAC carries the time.
func clockSkew(a *answer, signed time.Time) string {
	t, err := http.ParseTime(a.header.Get("Date"))
	if err != nil {
		return ""
	}
	d := t.Sub(signed).Round(time.Second)
	if d < time.Minute && d > -time.Minute {
		return ""
	}
	return fmt.Sprintf("the server's clock is %s from this machine's, and the signature carries the time", d)
}

func (r *run) needsKey(res *Result) bool {
	if r.cfg.APIKey == "" {
		res.Verdict, res.Reason = Unknown, "needs the admin API key (these credentials are an access token)"
		return false
	}
	return true
}

func (r *run) hasOwner(res *Result) bool {
	if why := r.needsOwner(); why != "" {
		res.Verdict, res.Reason = Unknown, why
		return false
	}
	return true
}
