package worksectiontest

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"net"
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

	hs     *httptest.Server
	closed chan struct{} // closed by Close: background applies stop

	mu            sync.Mutex
	idle          sync.Cond // signalled when pending drops to zero
	pending       int       // background applies not yet finished
	users         []ws.User
	userGroups    []ws.UserGroup
	contacts      []ws.Contact
	contactGroups []ws.ContactGroup
	projects      []Project
	tasks         []Task
	schedules     map[ws.ID]map[string]string // user id -> "YYYY-MM-DD" -> kind
	nextID        int
	tokens        map[string]token // access token -> owner
	codes         map[string]oauthGrant
	refreshTokens map[string]oauthGrant
	rotated       map[string]bool // refresh tokens already exchanged
	refreshes     int
	rateLimited   int
	oauthUser     string
	faults        map[string][]Fault
	defaultRate   float64 // Seed.DefaultRate
	actions       map[string]handler
	requests      []Request      // the last maxLogged or so; see logLocked
	dropped       int            // requests dropped from the front of requests
	counts        map[string]int // requests per action, all of them
	lastRequest   time.Time

	rateEvery     time.Duration // 0: no limit
	networkDelay  time.Duration
	tokenTTL      time.Duration
	meAsArray     bool
	meOnAdmin     bool
	lenientHashes bool
	clock         func() time.Time
	listener      net.Listener // WithListener's; nil: a random loopback port
}

type token struct {
	email   string
	expires time.Time
}

// NewServer starts a fake on a loopback port, seeded with DefaultSeed
// unless an option says otherwise. Close it when done.
func NewServer(opts ...Option) *Server {
	srv := &Server{
		APIKey:        randomHex(16),
		ClientID:      "wstest-client-" + randomHex(4),
		ClientSecret:  randomHex(16),
		closed:        make(chan struct{}),
		tokens:        map[string]token{},
		codes:         map[string]oauthGrant{},
		refreshTokens: map[string]oauthGrant{},
		rotated:       map[string]bool{},
		faults:        map[string][]Fault{},
		tokenTTL:      24 * time.Hour,
		clock:         time.Now,
	}
	srv.idle.L = &srv.mu
	srv.load(DefaultSeed())
	for _, opt := range opts {
		opt(srv)
	}
	srv.hs = httptest.NewUnstartedServer(http.HandlerFunc(srv.serveHTTP))
	if srv.listener != nil {
		_ = srv.hs.Listener.Close()
		srv.hs.Listener = srv.listener
	}
	srv.hs.Start()
	srv.URL = srv.hs.URL
	return srv
}

// Close shuts the server down. Background applies still waiting (see
// GatewayTimeoutThenApply) are dropped.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	s.hs.Close()
	s.Drain()
}

// Drain waits until every action that a GatewayTimeoutThenApply fault left
// running in the background has been applied (or dropped by Close).
func (s *Server) Drain() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.pending > 0 {
		s.idle.Wait()
	}
}

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
// valid for 24 hours (see WithAccessTokenTTL), for Me and the user API at
// /api/oauth2.
func (s *Server) NewAccessToken(email string) string {
	tok := "wstest-" + randomHex(24)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = token{email: email, expires: s.clock().Add(s.tokenTTL)}
	return tok
}

// RateLimited returns how many requests WithRateLimit has refused.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
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
	s.schedules = map[ws.ID]map[string]string{}
	for id, days := range seed.Schedules {
		s.schedules[id] = maps.Clone(days)
	}
	s.userGroups = append([]ws.UserGroup(nil), seed.UserGroups...)
	s.contacts = append([]ws.Contact(nil), seed.Contacts...)
	for i := range s.contacts {
		s.contacts[i].Name = fullName(s.contacts[i].FirstName, s.contacts[i].LastName)
	}
	s.contactGroups = append(append([]ws.ContactGroup(nil), presetFolders...), seed.ContactGroups...)
	s.projects = nil
	for _, p := range seed.Projects {
		p.Members = append([]string(nil), p.Members...)
		s.projects = append(s.projects, p)
	}
	s.tasks = nil
	for _, t := range seed.Tasks {
		t.Subscribers = append([]string(nil), t.Subscribers...)
		s.tasks = append(s.tasks, t)
		if s.project(string(t.ProjectID)) == nil {
			// A task's project exists, even if the seed did not list it.
			s.projects = append(s.projects, Project{ID: t.ProjectID, Name: "Project " + string(t.ProjectID)})
		}
	}
	s.defaultRate = seed.DefaultRate
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

// ProjectMembers returns the emails of a project's members, nil if the
// project does not exist.
func (s *Server) ProjectMembers(id ws.ID) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.project(string(id)); p != nil {
		return append([]string{}, p.Members...)
	}
	return nil
}

// Projects returns a copy of the account's projects.
func (s *Server) Projects() []Project {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Project, len(s.projects))
	for i, p := range s.projects {
		p.Members = append([]string(nil), p.Members...)
		out[i] = p
	}
	return out
}

// Schedule returns a member's marked days ("YYYY-MM-DD" -> "vacation",
// "sick-leave" or "workday"), empty if none, nil if no member has userID.
func (s *Server) Schedule(userID ws.ID) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userByID(string(userID)) == nil {
		return nil
	}
	out := maps.Clone(s.schedules[userID])
	if out == nil {
		out = map[string]string{}
	}
	return out
}
