// Package auth signs Worksection requests: the documented md5 query hash,
// the HMAC header the vendor's 2026 clients send, and OAuth2 bearer tokens.
// All three sit behind Signer so the client signs every attempt afresh.
package auth

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Signer authenticates one request attempt.
type Signer interface {
	// Sign returns the query string to send, with any signature appended,
	// and sets any auth header on h.
	Sign(ctx context.Context, action, query string, h http.Header) (string, error)
	// Placement says where the scheme lets the parameters travel.
	Placement() Placement
}

// Placement is where a signing scheme puts the action's parameters.
type Placement int

const (
	// InQuery: the md5 signature covers the query only: every parameter goes in it.
	InQuery Placement = iota + 1
	// InQueryOrBody: parameters go in the query, or in a JSON body when the
	// URL would be too long (bearer tokens).
	InQueryOrBody
	// InBody: POST ?action=<name> with the other parameters in a JSON
	// body, the shape of the vendor's 2026 clients (HMAC header).
	InBody
)

// MD5Query is the documented admin scheme: hash = md5(query + key) in
// lowercase hex, appended last as &hash=.
type MD5Query struct{ Key string }

// Placement implements Signer.
func (*MD5Query) Placement() Placement { return InQuery }

// Sign implements Signer.
func (s *MD5Query) Sign(_ context.Context, _, query string, _ http.Header) (string, error) {
	return query + "&hash=" + MD5Hash(query, s.Key), nil
}

// MD5Hash computes the documented admin hash of an encoded query string.
func MD5Hash(query, key string) string {
	sum := md5.Sum([]byte(query + key))
	var out [2 * md5.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// HMACHeader is the scheme of the vendor's 2026 clients:
// "Authorization: Admin <t>_<hex hmac_sha256(key, action:t)>".
type HMACHeader struct {
	Key string
	Now func() time.Time // nil means time.Now
}

// Placement implements Signer.
func (*HMACHeader) Placement() Placement { return InBody }

// Sign implements Signer.
func (s *HMACHeader) Sign(_ context.Context, action, query string, h http.Header) (string, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	h.Set("Authorization", "Admin "+AdminToken(s.Key, action, now().Unix()))
	return query, nil
}

// AdminToken computes "<t>_<hex hmac_sha256(key, action:t)>".
func AdminToken(key, action string, t int64) string {
	ts := strconv.FormatInt(t, 10)
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(action + ":" + ts))
	return ts + "_" + hex.EncodeToString(m.Sum(nil))
}

// Bearer sends an OAuth2 access token in the Authorization header. Token is
// asked for every attempt, so a refreshing source is honoured.
type Bearer struct {
	Token func(ctx context.Context) (string, error)
}

// Placement implements Signer.
func (*Bearer) Placement() Placement { return InQueryOrBody }

// Sign implements Signer.
func (s *Bearer) Sign(ctx context.Context, _, query string, h http.Header) (string, error) {
	tok, err := s.Token(ctx)
	if err != nil {
		return "", err
	}
	h.Set("Authorization", "Bearer "+tok)
	return query, nil
}

// Escape percent-encodes s as PHP's urlencode does, which the md5 hash is
// computed over: Go's QueryEscape differs only in keeping '~'.
func Escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "~", "%7E")
}
