// Package worksectiontest is an in-memory fake Worksection server for
// tests and examples. It serves the members API on /api/admin/v2/ and
// /api/oauth2, checks signatures with its own code (the md5 query hash, the
// HMAC header and bearer tokens), keeps an account's state behind a mutex,
// answers with the real API's envelopes and quirks, and can inject faults.
//
//	srv := worksectiontest.NewServer()
//	defer srv.Close()
//	users, err := srv.Client().GetUsers(ctx)
//
// It behaves like the service where the service is documented or
// recorded; where it is not (messages for duplicates, say), its choices are
// documented on the handlers. It is not a substitute for a contract test
// against a real sandbox account.
package worksectiontest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
)

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	URL    string // base URL, like an account URL: http://127.0.0.1:PORT
	APIKey string // the admin API key requests must be signed with

	// The OAuth2 client the fake's /oauth2/ endpoints accept.
	ClientID, ClientSecret string

	hs *httptest.Server

	mu            sync.Mutex
	users         []ws.User
	userGroups    []ws.UserGroup
	contacts      []ws.Contact
	contactGroups []ws.ContactGroup
	tasks         []Task
	nextID        int
	tokens        map[string]token // access token -> owner
	codes         map[string]oauthGrant
	refreshTokens map[string]oauthGrant
	refreshes     int
	oauthUser     string
	faults        map[string][]Fault
	requests      []Request
	lastRequest   time.Time

	rateEvery  time.Duration // 0: no limit
	meAsObject bool
	meForToken bool
	clock      func() time.Time
}

type token struct {
	email   string
	expires time.Time
}

// An Option configures a Server.
type Option func(*Server)

// WithSeed starts the server from s instead of DefaultSeed.
func WithSeed(s Seed) Option { return func(srv *Server) { srv.load(s) } }

// Empty starts the server with no users, teams, contacts or tasks; only the
// four preset contact folders exist.
func Empty() Option { return WithSeed(Seed{}) }

// WithAPIKey sets the admin API key instead of a random one.
func WithAPIKey(key string) Option { return func(srv *Server) { srv.APIKey = key } }

// WithRateLimit answers a request that comes sooner than every after the
// last one it accepted with the "Too many requests" envelope. time.Second
// is the documented limit; tests may use a shorter interval.
func WithRateLimit(every time.Duration) Option { return func(srv *Server) { srv.rateEvery = every } }

// WithMeAsObject answers me with an object instead of the documented
// one-element array.
func WithMeAsObject() Option { return func(srv *Server) { srv.meAsObject = true } }

// WithMeOnlyForTokens refuses me on the admin API, as the real API does
// ("method available only for access token"). Without it, me on the admin
// API answers with the account owner.
func WithMeOnlyForTokens() Option { return func(srv *Server) { srv.meForToken = true } }

// WithClock sets the time source for HMAC timestamp checks and token expiry.
func WithClock(now func() time.Time) Option { return func(srv *Server) { srv.clock = now } }

// NewServer starts a fake on a loopback port, seeded with DefaultSeed
// unless an option says otherwise. Close it when done.
func NewServer(opts ...Option) *Server {
	srv := &Server{
		APIKey:        randomHex(16),
		ClientID:      "wstest-client-" + randomHex(4),
		ClientSecret:  randomHex(16),
		tokens:        map[string]token{},
		codes:         map[string]oauthGrant{},
		refreshTokens: map[string]oauthGrant{},
		faults:        map[string][]Fault{},
		clock:         time.Now,
	}
	srv.load(DefaultSeed())
	for _, opt := range opts {
		opt(srv)
	}
	srv.hs = httptest.NewServer(http.HandlerFunc(srv.serveHTTP))
	srv.URL = srv.hs.URL
	return srv
}

// Close shuts the server down.
func (s *Server) Close() { s.hs.Close() }

// Client returns a client of the admin API signed with the server's key,
// with client-side rate limiting off; opts are applied after those.
func (s *Server) Client(opts ...ws.Option) *ws.Client {
	base := []ws.Option{ws.WithAPIKey(s.APIKey), ws.WithRateLimit(rate.Inf, 0)}
	c, err := ws.NewClient(s.URL, append(base, opts...)...)
	if err != nil {
		panic("worksectiontest: Client: " + err.Error()) // a bad option is a test bug
	}
	return c
}

// NewAccessToken issues a user access token for the member with email,
// valid for 24 hours, for Me and the user API at /api/oauth2.
func (s *Server) NewAccessToken(email string) string {
	tok := "wstest-" + randomHex(24)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = token{email: email, expires: s.clock().Add(24 * time.Hour)}
	return tok
}

// ExpireAccessToken makes tok expired: the user API answers it with HTTP
// 401 "Access token is expired".
func (s *Server) ExpireAccessToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[tok]; ok {
		t.expires = s.clock().Add(-time.Second)
		s.tokens[tok] = t
	}
}

// RevokeAccessToken makes tok unknown to the server.
func (s *Server) RevokeAccessToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, tok)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) load(seed Seed) {
	s.users = append([]ws.User(nil), seed.Users...)
	for i := range s.users {
		s.users[i].Name = fullName(s.users[i].FirstName, s.users[i].LastName)
	}
	s.userGroups = append([]ws.UserGroup(nil), seed.UserGroups...)
	s.contacts = append([]ws.Contact(nil), seed.Contacts...)
	for i := range s.contacts {
		s.contacts[i].Name = fullName(s.contacts[i].FirstName, s.contacts[i].LastName)
	}
	s.contactGroups = append(append([]ws.ContactGroup(nil), presetFolders...), seed.ContactGroups...)
	s.tasks = nil
	for _, t := range seed.Tasks {
		t.Subscribers = append([]string(nil), t.Subscribers...)
		s.tasks = append(s.tasks, t)
	}
	s.nextID = 10000
}

func fullName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}

// Users returns a copy of the account's members.
func (s *Server) Users() []ws.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ws.User(nil), s.users...)
}

// UserGroups returns a copy of the account's teams.
func (s *Server) UserGroups() []ws.UserGroup {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ws.UserGroup(nil), s.userGroups...)
}

// Contacts returns a copy of the account's contacts.
func (s *Server) Contacts() []ws.Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ws.Contact(nil), s.contacts...)
}

// ContactGroups returns a copy of the contact folders, presets first.
func (s *Server) ContactGroups() []ws.ContactGroup {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ws.ContactGroup(nil), s.contactGroups...)
}

// TaskSubscribers returns the emails subscribed to a task, nil if the task
// does not exist.
func (s *Server) TaskSubscribers(taskID ws.ID) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tasks {
		if t.ID == taskID {
			return append([]string{}, t.Subscribers...)
		}
	}
	return nil
}

// Tasks returns a copy of the account's tasks.
func (s *Server) Tasks() []Task {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Task, len(s.tasks))
	for i, t := range s.tasks {
		t.Subscribers = append([]string(nil), t.Subscribers...)
		out[i] = t
	}
	return out
}
