package worksectiontest

import (
	"net"
	"time"
)

// An Option configures a Server. The defaults are the recorded server's
// behaviour; options switch on the lenient or alternative forms.
type Option func(*Server)

// WithSeed starts the server from s instead of DefaultSeed.
func WithSeed(s Seed) Option { return func(srv *Server) { srv.load(s) } }

// Empty starts the server with no users, teams, contacts, projects, tasks
// or schedules; only the four preset contact folders exist.
func Empty() Option { return WithSeed(Seed{}) }

// WithAPIKey sets the admin API key instead of a random one.
func WithAPIKey(key string) Option { return func(srv *Server) { srv.APIKey = key } }

// WithRateLimit answers a request that arrives sooner than every after the
// last one it accepted with the "Too many requests" envelope (HTTP 200),
// counted by RateLimited. time.Second is the documented limit; tests may use
// a shorter interval. Refused requests do not move the window.
func WithRateLimit(every time.Duration) Option { return func(srv *Server) { srv.rateEvery = every } }

// WithNetworkDelay makes every API request wait a random time in
// [0, max] before it arrives at the rate limiter and the handler, as a
// network with ±max/2 of jitter around a mean delay of max/2 would. A client
// that spaces requests exactly when they leave then sees some arrive closer
// than the limit allows.
func WithNetworkDelay(max time.Duration) Option {
	return func(srv *Server) { srv.networkDelay = max }
}

// WithMeAsArray answers me with the FAQ's one-element array instead of the
// object of the official Postman recording (the default).
func WithMeAsArray() Option { return func(srv *Server) { srv.meAsArray = true } }

// WithMeOnAdminAPI answers me on the admin API with the account owner. By
// default the admin API refuses me, as the real API does ("Action is
// invalid", details "method available only for access token").
func WithMeOnAdminAPI() Option { return func(srv *Server) { srv.meOnAdmin = true } }

// WithLenientHashes also accepts md5 hashes computed the ways other clients
// commonly do: hash at any position, over the other parameters in received
// or in sorted order (a Go client using url.Values.Encode), with values
// encoded PHP-style, RFC 3986-style ("%20", a bare "~"), Go-style or not at
// all (what the vendor's Postman collection signs), or over the raw query
// without the hash, in either hex case. By default only PHP's form is
// accepted, hash last: md5(http_build_query(params in received order) .
// key), lower-case hex, so that a client the strict fake accepts is
// accepted however the real server rebuilds the query.
func WithLenientHashes() Option { return func(srv *Server) { srv.lenientHashes = true } }

// WithClock sets the time source for HMAC timestamp checks, token expiry,
// the rate limit and dates of new records.
func WithClock(now func() time.Time) Option { return func(srv *Server) { srv.clock = now } }

// WithAccessTokenTTL makes access tokens expire d after they are issued
// (24 hours by default, as documented), whether issued by the token and
// refresh endpoints, NewToken (whose Expiry is exact) or NewAccessToken.
// The token response's expires_in is whole seconds, rounded down but at
// least 1; with d under a second a client learns of the expiry from the
// 401 "Access token is expired" answer.
func WithAccessTokenTTL(d time.Duration) Option { return func(srv *Server) { srv.tokenTTL = d } }

// WithOAuthClient sets the OAuth2 client id and secret the fake accepts
// (random ones by default, in ClientID and ClientSecret).
func WithOAuthClient(id, secret string) Option {
	return func(srv *Server) { srv.ClientID, srv.ClientSecret = id, secret }
}

// WithOAuthUser makes the authorize endpoint approve as the member with
// email (the first member, the owner, by default).
func WithOAuthUser(email string) Option { return func(srv *Server) { srv.oauthUser = email } }

// WithListener serves on l (such as net.Listen("tcp", "127.0.0.1:8080"),
// for a URL that stays the same between runs) instead of a random loopback
// port. Close closes l.
func WithListener(l net.Listener) Option { return func(srv *Server) { srv.listener = l } }
