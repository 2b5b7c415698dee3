package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/internal/pace"
)

// probeTokenBody posts get_users with a JSON body and the access token;
// if that is refused, it tries the parameters in the query. With no API
// key, its answer also gives the owner.
func (r *run) probeTokenBody(ctx context.Context, res *Result) {
	if !r.needsToken(res) {
		return
	}
	a, err := r.sendToken(ctx, res, http.MethodPost, action("get_users"), []byte("{}"))
	if !settle(res, a, err) {
		return
	}
	res.Observed = "JSON body: " + a.describe()
	switch {
	case a.ok():
		res.Verdict = Agrees
		r.ownerFromToken(a)
		return
	case a.refusedCredential():
		res.Verdict, res.Reason = Unknown, "the access token was refused: "+a.describe()
		return
	}
	b, err := r.sendToken(ctx, res, http.MethodGet, action("get_users"), nil)
	if !settle(res, b, err) {
		return
	}
	res.Observed += "; parameters in the query: " + b.describe()
	if !b.ok() {
		res.Verdict, res.Reason = Unknown, "get_users failed in the query too, so the body is not what was refused: "+res.Observed
		res.Observed = ""
		return
	}
	res.Verdict, res.Instead = Differs, "parameters in the query (values that would pass the 8 KB URL limit cannot then be sent)"
	r.ownerFromToken(b)
}

// ownerFromToken takes the owner from a token get_users when the API key
// did not give one.
func (r *run) ownerFromToken(a *answer) {
	if r.owner.err != nil {
		r.owner = ownerFrom(a, nil)
	}
}

// probeRateLimit sends two get_user_groups PairGap apart, then waits as
// the refusal says (or the gap), so the account is left as it was.
func (r *run) probeRateLimit(ctx context.Context, res *Result) {
	mk := func() (request, error) {
		if r.cfg.APIKey != "" {
			return r.s.signMD5(res.ID, MD5Variant{}, http.MethodGet, action("get_user_groups")), nil
		}
		return r.s.signToken(ctx, res.ID, http.MethodGet, action("get_user_groups"), nil)
	}
	first, err1 := mk()
	second, err2 := mk()
	if err1 != nil || err2 != nil {
		res.Verdict, res.Reason = Unknown, "signing failed: "+errors.Join(err1, err2).Error()
		return
	}
	if err := r.s.wait(ctx); err != nil {
		res.Verdict, res.Reason = Unknown, err.Error()
		return
	}
	first.unpaced, second.unpaced = true, true
	var a1 *answer
	var e1 error
	var wg sync.WaitGroup
	wg.Go(func() { a1, e1 = r.s.send(ctx, first) })
	_ = pace.Sleep(ctx, r.cfg.PairGap) // the second is sent PairGap after the first, not after its answer
	a2, e2 := r.s.send(ctx, second)
	wg.Wait()
	if a2 == nil { // refused before sending (ctx, budget)
		res.Verdict, res.Reason = Unknown, "the second request failed: "+e2.Error()
		return
	}
	if !settle(res, a1, e1) {
		return
	}
	// The second's refusal is the answer, so settle (which reports a
	// refusal as Unknown) reads only the first.
	res.Requests = append(res.Requests, a2.N)
	if e2 != nil {
		res.Verdict, res.Reason = Unknown, "the second request failed: "+e2.Error()
		return
	}
	if !a1.ok() {
		res.Verdict, res.Reason = Unknown, "the first request was not accepted, so the limit was not reached by this pair: "+a1.describe()
		return
	}
	res.Observed = "second: " + a2.describe()
	r.rateVerdict(a2, res)
	wait := max(r.cfg.Gap, min(retryAfter(a2.header.Get("Retry-After")), r.cfg.MaxWait))
	if pace.Sleep(ctx, wait) == nil && !a2.ok() {
		res.Observed += fmt.Sprintf("; waited %s before going on", wait.Round(time.Millisecond))
	}
}

// rateVerdict reads the second answer of the pair.
func (r *run) rateVerdict(a *answer, res *Result) {
	switch {
	case a.ok():
		res.Verdict = Differs
		res.Instead = fmt.Sprintf("no refusal: a request %s after another was accepted, so the limit is looser than one a second or counted otherwise", r.cfg.PairGap)
	case !a.rateLimited():
		res.Verdict = Differs
		res.Instead = "this answer, which the SDK does not recognise as the rate limit (it looks for HTTP 429 or \"Too many requests\")"
	case a.HTTPStatus == http.StatusOK && a.envelope:
		res.Verdict = Agrees
	default:
		res.Verdict = Differs
		res.Instead = "HTTP " + strconv.Itoa(a.HTTPStatus)
		if a.RetryAfter != "" {
			res.Instead += " with Retry-After " + a.RetryAfter
		}
		res.Instead += " (the SDK recognises it as ErrRateLimited and waits as Retry-After says)"
	}
}

// retryAfter reads Retry-After in seconds or as an HTTP date; 0 if absent.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// probeMe reads me and says which shape its data has.
func (r *run) probeMe(ctx context.Context, res *Result) {
	if !r.needsToken(res) {
		return
	}
	a, err := r.sendToken(ctx, res, http.MethodGet, action("me"), nil)
	if !settle(res, a, err) {
		return
	}
	if !a.ok() {
		res.Verdict, res.Reason = Unknown, "me failed: "+a.describe()
		return
	}
	data := bytes.TrimSpace(a.data)
	var one ws.User
	var many []ws.User
	switch {
	case len(data) > 0 && data[0] == '{' && json.Unmarshal(data, &one) == nil:
		res.Verdict, res.Observed = Agrees, "data is an object"
	case len(data) > 0 && data[0] == '[' && json.Unmarshal(data, &many) == nil && len(many) == 1:
		res.Verdict, res.Observed = Differs, "data is a one-element array"
		res.Instead = "a one-element array (the FAQ's form, which the SDK also reads)"
	default:
		res.Verdict, res.Observed = Differs, "data is "+jsonKind(data)+", which the SDK cannot read as one member"
	}
}

// jsonKind names a JSON value's kind, with an array's length.
func jsonKind(data []byte) string {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return "not JSON"
	}
	switch v := v.(type) {
	case map[string]any:
		return "an object that is not a member"
	case []any:
		return fmt.Sprintf("an array of %d elements", len(v))
	case nil:
		return "null or absent"
	}
	return "a " + fmt.Sprintf("%T", v)
}

// probeDuplicate invites the owner, who is a member already.
func (r *run) probeDuplicate(ctx context.Context, res *Result) {
	if !r.cfg.WriteProbes {
		res.Verdict, res.Reason = Unknown, "not run: it may write; run with --write-probes"
		return
	}
	if !r.hasOwner(res) {
		return
	}
	params := []Param{{Key: "action", Value: "add_user"}, {Key: "email", Value: r.owner.email}}
	var a *answer
	var err error
	if r.cfg.APIKey != "" {
		a, err = r.s.send(ctx, r.s.signMD5(res.ID, MD5Variant{}, http.MethodPost, params))
	} else {
		a, err = r.sendToken(ctx, res, http.MethodPost, params, nil)
	}
	if !settle(res, a, err) {
		return
	}
	res.Observed = a.describe()
	switch {
	case a.ok():
		res.Verdict = Differs
		res.Instead = "the server accepted it and returned " + r.record(a.data) + " (nothing new can exist: the member was already there)"
	case a.refusedCredential(), !a.envelope:
		res.Verdict, res.Reason = Unknown, "add_user failed: "+a.describe()
		res.Observed = ""
	case errors.Is(a.apiError(), ws.ErrAlreadyExists):
		res.Verdict = Agrees
	default:
		res.Verdict = Differs
		res.Instead = fmt.Sprintf("recognise this answer (code %s, message %q) as a duplicate: the SDK does not", codeText(a.Code), a.Message)
	}
}

func codeText(c *int) string {
	if c == nil {
		return "none"
	}
	return strconv.Itoa(*c)
}

// record describes the member add_user returned.
func (r *run) record(data json.RawMessage) string {
	var u ws.User
	if err := json.Unmarshal(data, &u); err != nil {
		return "data the SDK cannot read as a member (" + jsonKind(data) + ")"
	}
	whose := "another email than the owner's"
	if u.Email == r.owner.email {
		whose = "the owner's email"
	}
	return fmt.Sprintf("a member record: id %s, name %q, role %q, %s", u.ID, u.Name, u.Role, whose)
}

// action is the parameters of an action that takes none.
func action(name string) []Param { return []Param{{Key: "action", Value: name}} }

// sendToken sends a bearer-token request for res.
func (r *run) sendToken(ctx context.Context, res *Result, method string, params []Param, body []byte) (*answer, error) {
	req, err := r.s.signToken(ctx, res.ID, method, params, body)
	if err != nil {
		return nil, err
	}
	return r.s.send(ctx, req)
}

func (r *run) needsToken(res *Result) bool {
	if r.cfg.Token == nil {
		res.Verdict, res.Reason = Unknown, "needs an access token (these credentials are the admin API key)"
		return false
	}
	return true
}
