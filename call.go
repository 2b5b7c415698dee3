package worksection

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/worksection-go/worksection/internal/auth"
	"github.com/worksection-go/worksection/internal/transport"
	"github.com/worksection-go/worksection/internal/wire"
)

const (
	defaultMaxBody = 64 << 20
	// maxURLBytes: the API answers 414 past 8 KB, so longer requests are
	// refused before sending, or sent with a JSON body where the signing
	// scheme allows it.
	maxURLBytes = 8 << 10
)

// The request pipeline, one stage per function:
//
//	call     looks the action up and runs the stages (callEnvelope)
//	prepare  encodes the parameters once, where the signer lets them travel
//	run      (retry.go) retries by the action's class, reading back a write
//	         that may have been applied
//	send     one attempt, with at most one token renewal
//	attempt  one signed HTTP exchange and its decoding

// call runs action with params and decodes the response data into out (nil
// to ignore it). verify, for writes that must not be duplicated, reads back
// after a failure that may have been applied (see run).
func (c *Client) call(ctx context.Context, action string, params, out any, verify verifyFunc) error {
	_, err := c.callEnvelope(ctx, action, params, out, verify)
	return err
}

// callEnvelope is call, also returning the envelope (for its message).
func (c *Client) callEnvelope(ctx context.Context, action string, params, out any, verify verifyFunc) (wire.Envelope, error) {
	if ctx == nil {
		return wire.Envelope{}, &ValidationError{Action: action, Field: "ctx", Reason: "nil context; use context.Background()"}
	}
	spec, err := lookupAction(action)
	if err != nil {
		return wire.Envelope{}, err
	}
	if spec.userAPI && !c.creds.userAPI {
		return wire.Envelope{}, &ValidationError{Action: action, Field: "credentials",
			Reason: action + " needs an access token (WithAccessToken or WithTokenSource), not the admin API key"}
	}
	r, err := c.prepare(spec, params)
	if err != nil {
		return wire.Envelope{}, err
	}
	return c.run(ctx, r, out, verify)
}

// request is an action prepared once; every attempt signs it afresh.
type request struct {
	spec   actionSpec
	method string
	query  string // "action=<name>&...", unsigned
	body   []byte // a JSON body, or nil
}

// prepare encodes params where the signer lets them travel: in the query,
// or in a JSON body (always for HMAC; for a token only when the URL would
// pass the API's 8 KB limit, which the md5 hash cannot avoid).
// Parameters were validated by the calling method (Validate refuses
// invalid UTF-8, among others).
func (c *Client) prepare(spec actionSpec, params any) (*request, error) {
	r := &request{spec: spec, method: spec.method()}
	placement := c.creds.signer.Placement()
	if placement != auth.InBody {
		query, err := c.encoder.Encode(spec.name, params)
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
	body, err := wire.JSONBody(params)
	if err != nil {
		return nil, &ValidationError{Action: spec.name, Field: "params", Reason: err.Error()}
	}
	r.method, r.query, r.body = http.MethodPost, "action="+wire.Escape(spec.name), body
	return r, nil
}

// send makes one attempt. If a token client's attempt is refused with HTTP
// 401 (expired, or rotated by another caller), it renews the token once and
// repeats the attempt once.
func (c *Client) send(ctx context.Context, r *request, out any, attempt int) (wire.Envelope, error) {
	env, sent, err := c.attempt(ctx, r, out, attempt)
	if c.creds.tokens == nil || !tokenRefused(err) {
		return env, err
	}
	if rerr := c.creds.tokens.renew(ctx, c.http, sent); rerr != nil {
		return env, fmt.Errorf("%w; renewing the access token failed: %w", err, rerr)
	}
	env, _, err = c.attempt(ctx, r, out, attempt)
	return env, err
}

// tokenRefused reports an HTTP 401 envelope, such as "Access token is
// expired", or "is invalid" for a token another caller has just rotated.
func tokenRefused(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.HTTPStatus == http.StatusUnauthorized
}

// attempt waits for the limiter, sends one signed request and decodes the
// answer into out. It returns the bearer credential it sent, for renewal.
func (c *Client) attempt(ctx context.Context, r *request, out any, attempt int) (env wire.Envelope, sent string, err error) {
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
	// Decoded from the stream: a list's elements as they arrive, never
	// the whole body in memory.
	env, body, err := wire.DecodeReader(resp.Body, c.maxBody, resp.ContentLength, out)
	if l, ok := c.limiter.(completionLimiter); ok {
		l.Completed()
	}
	c.log(ctx, action, attempt, resp.StatusCode, time.Since(start), int(body.Bytes), err)
	env, err = checkResponse(red, action, resp, body.Head, env, err)
	return env, sent, err
}

var acceptJSON = []string{"application/json"}

// checkResponse turns a decoded answer into the call's error: a body that
// could not be read or decoded is a *ResponseError (with an excerpt of
// head), an error envelope an *APIError.
func checkResponse(red transport.Redactor, action string, resp *http.Response, head []byte, env wire.Envelope, err error) (wire.Envelope, error) {
	switch {
	case errors.Is(err, transport.ErrReadBody), errors.Is(err, transport.ErrBodyTooLarge):
		return env, responseError(red, action, resp, head, err)
	case err != nil:
		if resp.StatusCode >= 300 && !errors.Is(err, wire.ErrData) {
			err = errors.New(http.StatusText(resp.StatusCode))
		}
		return env, responseError(red, action, resp, head, err)
	case !env.OK:
		return env, newAPIError(APIError{Action: action, Code: env.StatusCode, Message: env.Message,
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

// attemptRedactor adds what signing one attempt computed, the query hash
// or the Authorization credential, to the client's secrets.
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

// credentialError is a failure to sign an attempt, such as a token source
// that could not refresh. It is not retried.
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
