// Package worksection is a typed client for the Worksection members API:
// list and invite users, manage teams, contacts and contact folders, and
// subscribe people to tasks.
//
// A Client calls one account with one credential. An admin API key
// (WithAPIKey) signs each request with the documented md5 query hash, or
// with the vendor's newer HMAC header (WithHMACSigning); an OAuth2 access
// token (WithAccessToken) calls the user API on behalf of a person and is
// the only way to call Me.
//
//	c, err := worksection.NewClient("https://acme.worksection.com",
//		worksection.WithAPIKey(os.Getenv("WORKSECTION_API_KEY")))
//	users, err := c.GetUsers(ctx)
//
// Every method takes a context, checks its input before any network call
// (errors match ErrInvalidInput), and returns *APIError for the API's
// error envelopes, which the server sends with HTTP 200. ErrUnauthorized
// and ErrRateLimited match across error types with errors.Is.
//
// The client waits to stay within the documented one request per second
// (WithRateLimit), retries what is safe to retry (WithRetry), never sends
// an invitation twice, and keeps the API key, hashes and tokens out of
// errors, logs and fmt output.
package worksection
