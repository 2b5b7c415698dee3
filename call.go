package worksection

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/worksection-go/worksection/internal/auth"
	"github.com/worksection-go/worksection/internal/pace"
	"github.com/worksection-go/worksection/internal/transport"
)

const (
	defaultMaxBody = 64 << 20
	// maxURLBytes: the API answers 414 past 8 KB, so a longer request is
	// refused, or sent with a JSON body where the signing scheme allows it.
	maxURLBytes = 8 << 10
)

// The request path, top to bottom, one stage per function: getList, getOne
// and create (the methods' helpers) → do (look the action up) → prepare
// (encode the parameters once) → run (retry by the action's class, reading
// back a write that may have been applied) → send (one attempt, at most one
// token renewal) → attempt (one signed exchange, decoded by readEnvelope).

// getList runs a list action; its elements decode through the wire type W.
func getList[W, T any, PW wireRecord[W, T]](ctx context.Context, c *Client, action string) ([]T, error) {
	l := &recordList[W, T, PW]{}
	if _, err := c.do(ctx, action, nil, l, nil); err != nil {
		return nil, err
	}
	if l.items == nil {
		return []T{}, nil
	}
	return l.items, nil
}

// getOne runs an action answering one record, decoded through W. When
// verify (as for run) found the record, verify holds it, not the result.
func getOne[W, T any, PW wireRecord[W, T]](ctx context.Context, c *Client, action string, params any, verify verifyFunc) (*T, error) {
	o := &oneRecord[W, T, PW]{}
	if _, err := c.do(ctx, action, params, o, verify); err != nil {
		return nil, err
	}
	return &o.item, nil
}

// create runs a write that answers with the record it made, decoded
// through W. After a failure that may have been applied, or an answer
// naming another record (answered false), it reads back with list and
// returns the record match accepts, if any.
func create[W, T any, PW wireRecord[W, T]](ctx context.Context, c *Client, action, what string, params any,
	list func(context.Context) ([]T, error), match, answered func(T) bool) (*T, error) {
	var found *T
	verify := func(ctx context.Context) (bool, error) {
		items, err := list(ctx)
		for i := range items {
			if match(items[i]) {
				found = &items[i]
				return true, nil
			}
		}
		return false, err
	}
	v, err := getOne[W, T, PW](ctx, c, action, params, verify)
	if err == nil && found == nil && !answered(*v) {
		err = c.unexpectedAnswer(ctx, action, what, verify)
	}
	if err != nil {
		return nil, err
	}
	return cmp.Or(found, v), nil
}

// do runs action with params and decodes the answer's data with data (nil
// to ignore it). It returns the envelope, for its message.
func (c *Client) do(ctx context.Context, action string, params any, data dataDecoder, verify verifyFunc) (envelope, error) {
	if ctx == nil {
		return envelope{}, &ValidationError{Action: action, Field: "ctx", Reason: "nil context; use context.Background()"}
	}
	spec, err := lookupAction(action)
	if err != nil {
		return envelope{}, err
	}
	if spec.userAPI && !c.creds.userAPI {
		return envelope{}, &ValidationError{Action: action, Field: "credentials",
			Reason: action + " needs an access token (WithAccessToken or WithTokenSource), not the admin API key"}
	}
	r, err := c.prepare(spec, params)
	if err != nil {
		return envelope{}, err
	}
	return c.run(ctx, r, data, verify)
}

// request is an action prepared once; every attempt signs it afresh.
type request struct {
	spec   actionSpec
	method string
	query  string // "action=<name>&...", unsigned
	body   []byte // a JSON body, or nil
}

// prepare encodes params, validated by the calling method, where the signer
// lets them travel: the query, or a JSON body (always for HMAC; for a token
// only past the API's 8 KB URL limit, which the md5 hash cannot avoid).
func (c *Client) prepare(spec actionSpec, params any) (*request, error) {
	r := &request{spec: spec, method: spec.method()}
	placement := c.creds.signer.Placement()
	if placement != auth.InBody {
		query, err := encodeQuery(spec.name, params)
		if err != nil {
			return nil, &ValidationError{Action: spec.name, Field: "params", Reason: err.Error()}
		}
		n := len(c.endpoint) + 1 + len(query) + len("&hash=") + 32
		if n <= maxURLBytes {
			r.query = query
			return r, nil
		}
		if placement == auth.InQuery {
			return nil, &ValidationError{Action: spec.name, Field: "params",
				Reason: fmt.Sprintf("request URL would be %d bytes; the API refuses more than %d (use WithHMACSigning or an access token for long values)", n, maxURLBytes)}
		}
	}
	body, err := jsonBody(params)
	if err != nil {
		return nil, &ValidationError{Action: spec.name, Field: "params", Reason: err.Error()}
	}
	r.method, r.query, r.body = http.MethodPost, "action="+auth.Escape(spec.name), body
	return r, nil
}

// verifyFunc reads back after a write that may have been applied, reports
// whether the record is there, and fills the call's result if so.
type verifyFunc func(ctx context.Context) (found bool, err error)

// run sends r until it succeeds or the action's retry class says stop. A
// write that may have been applied is never reported done unless verify
// found the record: otherwise its error matches ErrMaybeApplied.
func (c *Client) run(ctx context.Context, r *request, data dataDecoder, verify verifyFunc) (envelope, error) {
	maybeApplied := false // some attempt of this write may have been applied
	for attempt := 1; ; attempt++ {
		env, err := c.send(ctx, r, data, attempt)
		if err == nil {
			return env, nil
		}
		f := classify(ctx, err)
		if f.refused {
			c.slowDown(min(retryAfter(err), c.retry.MaxWait))
		}
		maybeApplied = maybeApplied || r.spec.retry != read && f.maybeApplied
		if stop, ferr := c.afterFailure(ctx, r, verify, attempt, err, f, maybeApplied); stop {
			return env, ferr
		}
	}
}

// afterFailure decides whether to stop (with the call's error, nil when a
// read-back found the record) or to wait and send again.
func (c *Client) afterFailure(ctx context.Context, r *request, verify verifyFunc, attempt int, err error, f failure, maybeApplied bool) (bool, error) {
	class := r.spec.retry
	switch {
	case ctx.Err() != nil:
		return true, unconfirmed(r, err, maybeApplied)
	case class == deduplicated && maybeApplied && isDuplicate(err):
		// An earlier attempt made the record; the resend found it.
		return true, c.confirm(ctx, r, err, verify, false)
	case class == atMostOnce && f.maybeApplied:
		// Never resent: wait for a request in flight upstream to land, then look.
		if werr := pace.Sleep(ctx, c.retry.wait(attempt, retryAfter(err))); werr != nil {
			return true, unconfirmed(r, err, true)
		}
		return true, c.confirm(ctx, r, err, verify, true)
	case !f.retry || attempt >= c.retry.MaxAttempts:
		if maybeApplied && verify != nil {
			return true, c.confirm(ctx, r, err, verify, true)
		}
		return true, unconfirmed(r, err, maybeApplied)
	}
	if werr := pace.Sleep(ctx, c.retry.wait(attempt, retryAfter(err))); werr != nil {
		return true, unconfirmed(r, fmt.Errorf("%w (while waiting to retry after: %v)", werr, err), maybeApplied)
	}
	return false, nil
}

// confirm reads back after err: nil if verify found the record, else err,
// as ErrMaybeApplied when the write may still land.
func (c *Client) confirm(ctx context.Context, r *request, err error, verify verifyFunc, mayLand bool) error {
	if verify == nil {
		return unconfirmed(r, err, mayLand)
	}
	found, verr := verify(ctx)
	switch {
	case verr != nil:
		return unconfirmed(r, fmt.Errorf("%w (and reading back to check whether it was applied failed: %v)", err, verr), true)
	case found:
		return nil
	}
	return unconfirmed(r, err, mayLand)
}

// unexpectedAnswer reads back after a success answer that does not name
// what was sent, like after a failure that may have been applied.
func (c *Client) unexpectedAnswer(ctx context.Context, action, what string, verify verifyFunc) error {
	spec, err := lookupAction(action)
	if err != nil {
		return err
	}
	answer := &ResponseError{Action: action, HTTPStatus: http.StatusOK, Err: fmt.Errorf("the answer names another %s", what)}
	return c.confirm(ctx, &request{spec: spec}, answer, verify, true)
}

// unconfirmed marks a write's err as possibly applied.
func unconfirmed(r *request, err error, maybeApplied bool) error {
	if !maybeApplied || r.spec.retry == read {
		return err
	}
	return &maybeAppliedError{action: r.spec.name, err: err}
}

// send makes one attempt; if a token client's is refused with HTTP 401
// (expired, or rotated by another caller), it renews the token and repeats.
func (c *Client) send(ctx context.Context, r *request, data dataDecoder, attempt int) (envelope, error) {
	env, sent, err := c.attempt(ctx, r, data, attempt)
	if c.creds.tokens == nil || !tokenRefused(err) {
		return env, err
	}
	if rerr := c.creds.tokens.renew(ctx, c.http, sent); rerr != nil {
		return env, fmt.Errorf("%w; renewing the access token failed: %w", err, rerr)
	}
	env, _, err = c.attempt(ctx, r, data, attempt)
	return env, err
}

// tokenRefused reports an HTTP 401 envelope, such as "Access token is
// expired", or "is invalid" for a token another caller has just rotated.
func tokenRefused(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.HTTPStatus == http.StatusUnauthorized
}

// attempt waits for the limiter, sends one signed request and decodes the
// answer. It returns the bearer credential sent, for renewal.
func (c *Client) attempt(ctx context.Context, r *request, data dataDecoder, attempt int) (env envelope, sent string, err error) {
	action := r.spec.name
	if err := c.limiter.Wait(ctx); err != nil {
		return env, "", fmt.Errorf("worksection: %s: rate limiter: %w", action, err)
	}
	var reqBody io.Reader
	if r.body != nil {
		reqBody = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.endpoint, reqBody)
	if err != nil {
		return env, "", fmt.Errorf("worksection: %s: %w", action, err)
	}
	if r.body != nil || c.creds.signer.Placement() == auth.InBody {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	signed, err := c.creds.signer.Sign(ctx, action, r.query, req.Header)
	if err != nil {
		return env, "", &credentialError{action: action, err: c.creds.secrets.Err(err)}
	}
	req.URL.RawQuery = signed
	_, sent, _ = strings.Cut(req.Header.Get("Authorization"), " ")
	if !validHeaderValue(sent) {
		return env, "", &ValidationError{Action: action, Field: "access token", Reason: "contains control characters"}
	}
	// Shared, read-only header values (cap == len, so an append copies).
	req.Header["User-Agent"] = c.uaHeader
	req.Header["Accept"] = acceptJSON
	red := c.attemptRedactor(signed, sent)

	start := time.Now()
	hc := c.http
	if r.spec.retry != read {
		hc = c.writeHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		err = red.TransportErr(err, c.endpoint)
		c.log(ctx, action, attempt, 0, time.Since(start), 0, err)
		return env, sent, fmt.Errorf("worksection: %s: %w", action, err)
	}
	defer resp.Body.Close()
	// Decoded as it streams in, never the whole body in memory.
	body := transport.NewBodyReader(resp.Body, c.maxBody, resp.ContentLength)
	env, err = readEnvelope(body, data)
	if l, ok := c.limiter.(completionLimiter); ok {
		l.Completed()
	}
	c.log(ctx, action, attempt, resp.StatusCode, time.Since(start), int(body.N), err)
	env, err = checkResponse(red, action, resp, body.Head, env, err)
	return env, sent, err
}

var acceptJSON = []string{"application/json"}

// checkResponse turns a decoded answer into the call's error: an unreadable
// body is a *ResponseError (with an excerpt of head), an error envelope an
// *APIError.
func checkResponse(red transport.Redactor, action string, resp *http.Response, head []byte, env envelope, err error) (envelope, error) {
	switch {
	case errors.Is(err, transport.ErrReadBody), errors.Is(err, transport.ErrBodyTooLarge):
		return env, responseError(red, action, resp, head, err)
	case err != nil:
		if resp.StatusCode >= 300 && !errors.Is(err, errData) {
			err = errors.New(http.StatusText(resp.StatusCode))
		}
		return env, responseError(red, action, resp, head, err)
	case !env.OK:
		return env, newAPIError(APIError{Action: action, Code: env.Code, Message: env.Message,
			Details: env.Details, HTTPStatus: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header)}, red.Text)
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		return env, responseError(red, action, resp, head, errors.New("status ok with an HTTP error code"))
	}
	return env, nil
}

func responseError(red transport.Redactor, action string, resp *http.Response, body []byte, err error) *ResponseError {
	return &ResponseError{Action: action, HTTPStatus: resp.StatusCode, Excerpt: transport.Excerpt(body, red),
		RetryAfter: parseRetryAfter(resp.Header), Err: red.Err(err)}
}

// attemptRedactor adds the attempt's query hash or credential to the secrets.
func (c *Client) attemptRedactor(signed, credential string) transport.Redactor {
	r := append(transport.Redactor(nil), *c.creds.secrets...)
	if i := strings.LastIndex(signed, "&hash="); i >= 0 {
		r = append(r, signed[i+len("&hash="):])
	}
	if credential != "" {
		r = append(r, credential)
		if _, sig, ok := strings.Cut(credential, "_"); ok { // HMAC: the signature alone
			r = append(r, sig)
		}
	}
	return r
}

// credentialError is a failure to sign an attempt; it is not retried.
type credentialError struct {
	action string
	err    error
}

func (e *credentialError) Error() string {
	return fmt.Sprintf("worksection: %s: credentials: %v", e.action, e.err)
}

func (e *credentialError) Unwrap() error { return e.err }

// log writes one debug record per attempt; err is already redacted.
func (c *Client) log(ctx context.Context, action string, attempt, status int, d time.Duration, n int, err error) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("action", action), slog.Int("attempt", attempt),
		slog.Int("http_status", status), slog.Duration("duration", d), slog.Int("bytes", n)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "worksection request", attrs...)
}
