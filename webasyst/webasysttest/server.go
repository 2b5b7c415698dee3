// Package webasysttest is a fake Webasyst server for tests and examples:
// it serves tasks.team.getList for a seeded team, checks the access token
// the way the framework does, and answers with the real error shapes.
package webasysttest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/worksection-go/worksection/webasyst"
)

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	URL   string // the installation root
	Token string // the access token it accepts

	hs *httptest.Server

	mu          sync.Mutex
	team        []webasyst.Teammate
	failure     *failure
	requests    int
	noLicense   bool
	noAccess    bool
	tokenHeader bool // drop the Authorization header, like some CGI setups
}

type failure struct {
	status int
	body   map[string]string
}

// An Option configures a Server.
type Option func(*Server)

// WithTeam serves team instead of DefaultTeam.
func WithTeam(team []webasyst.Teammate) Option {
	return func(s *Server) { s.team = append([]webasyst.Teammate(nil), team...) }
}

// WithToken sets the accepted access token instead of a random one.
func WithToken(tok string) Option { return func(s *Server) { s.Token = tok } }

// WithoutLicense answers 402 payment_required, as when the Teamwork
// licence is not activated.
func WithoutLicense() Option { return func(s *Server) { s.noLicense = true } }

// WithoutAccess answers 403 access_denied, as for a user without Teamwork
// rights or a token without the tasks scope.
func WithoutAccess() Option { return func(s *Server) { s.noAccess = true } }

// WithHeaderDropped ignores the Authorization header, as some Apache/CGI
// setups do, so only the access_token parameter works.
func WithHeaderDropped() Option { return func(s *Server) { s.tokenHeader = true } }

// NewServer starts a fake on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	s := &Server{Token: hex.EncodeToString(b), team: DefaultTeam()}
	for _, opt := range opts {
		opt(s)
	}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.hs.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.hs.Close() }

// Client returns a client for the fake with its token.
func (s *Server) Client(opts ...webasyst.Option) *webasyst.Client {
	c, err := webasyst.NewClient(s.URL, s.Token, opts...)
	if err != nil {
		panic("webasysttest: Client: " + err.Error()) // a bad option is a test bug
	}
	return c
}

// FailWithTasksError makes the next request answer like a Tasks-app
// exception: HTTP 200 with {"error":"error","error_message":msg}.
func (s *Server) FailWithTasksError(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failure = &failure{status: http.StatusOK, body: map[string]string{"error": "error", "error_message": msg}}
}

// Requests returns how many requests the fake has answered.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func apiError(w http.ResponseWriter, status int, code, description string, extra ...string) {
	body := map[string]string{"error": code}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i]] = extra[i+1]
	}
	if description != "" {
		body["error_description"] = description
	}
	writeJSON(w, status, body)
}

// writeJSON escapes "/" as PHP's json_encode does, so clients meet "\/".
func writeJSON(w http.ResponseWriter, status int, body any) {
	b, _ := json.Marshal(body)
	b = bytes.ReplaceAll(b, []byte("/"), []byte(`\/`)) // "/" occurs only inside JSON strings
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// method resolves the three URL forms of waAPIController.
func method(r *http.Request) string {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/api.php/"); ok {
		if app, m, ok := strings.Cut(rest, "/"); ok {
			return app + "." + m
		}
		return rest
	}
	if r.URL.Path == "/api.php" {
		return r.URL.Query().Get("app") + "." + r.URL.Query().Get("method")
	}
	return ""
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	fail := s.failure
	s.failure = nil
	s.mu.Unlock()

	format := strings.ToLower(r.URL.Query().Get("format"))
	if refused := s.refusal(r, format, fail); refused != nil {
		refused(w)
		return
	}
	s.mu.Lock()
	team := make([]wireTeammate, len(s.team))
	for i, tm := range s.team {
		team[i] = toWire(tm)
	}
	s.mu.Unlock()
	if format == "xml" {
		// Teamwork's DTOs break the framework's XML encoder: an uncaught
		// PHP Error, so HTTP 500 with an empty body.
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": team})
}

// refusal is the answer to a request the framework refuses, in the order
// it checks (method, HTTP verb, format, token, access, licence, an
// injected failure), or nil to serve the team.
func (s *Server) refusal(r *http.Request, format string, fail *failure) func(http.ResponseWriter) {
	refuse := func(status int, code, desc string, extra ...string) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) { apiError(w, status, code, desc, extra...) }
	}
	if m := method(r); m != "tasks.team.getList" {
		return refuse(http.StatusNotFound, "invalid_method", "Unknown method: "+m)
	}
	if r.Method != http.MethodGet {
		return refuse(http.StatusMethodNotAllowed, "invalid_request", "Method "+r.Method+" not allowed")
	}
	if format != "" && format != "json" && format != "xml" {
		return refuse(http.StatusOK, "invalid_request", "Invalid response format: "+r.URL.Query().Get("format"))
	}
	switch tok := s.token(r); {
	case tok == "":
		return refuse(http.StatusBadRequest, "token_required", "Access token is missing")
	case tok != s.Token:
		sum := sha256.Sum256([]byte(tok))
		return refuse(http.StatusUnauthorized, "invalid_token", "Invalid access token", "sha256", hex.EncodeToString(sum[:]))
	case s.noAccess:
		return refuse(http.StatusForbidden, "access_denied", "")
	case s.noLicense:
		return refuse(http.StatusPaymentRequired, "payment_required", "License not activated")
	case fail != nil:
		return func(w http.ResponseWriter) { writeJSON(w, fail.status, fail.body) }
	}
	return nil
}

// token is the request's access token: the access_token parameter, else
// the Authorization header (unless WithHeaderDropped).
func (s *Server) token(r *http.Request) string {
	tok := r.FormValue("access_token")
	if h := r.Header.Get("Authorization"); tok == "" && h != "" && !s.tokenHeader {
		tok = strings.TrimSpace(h)
		if len(tok) >= 7 && strings.EqualFold(tok[:7], "bearer ") {
			tok = strings.TrimSpace(tok[7:])
		}
	}
	return tok
}

func str(s string) *string { return &s }

func i64(n int64) *int64 { return &n }

// DefaultTeam is the seeded team: people with and without email, with
// groups (in the server's order, by name) and with none ([] on the wire), with a calendar status and a last
// action and without (null), and an invited user who has not joined.
func DefaultTeam() []webasyst.Teammate {
	photo := func(id string) string {
		return "https://team.example.com/wa-data/public/contacts/" + id + ".96x96@2x.jpg"
	}
	none := []webasyst.Labeled{}
	person := func(id int64, name, first, last, job, email string, groups webasyst.Groups) webasyst.Teammate {
		info := webasyst.ContactInfo{Name: name, FirstName: str(first), JobTitle: str(job), Email: none, Phone: none, IM: none,
			Address: none, URL: none, SocialNetwork: none, LargePhotoURL: photo(name)}
		if last != "" {
			info.LastName = str(last)
		}
		if job == "" {
			info.JobTitle = nil
		}
		if email != "" {
			info.Email = []webasyst.Labeled{{Ext: "work", Value: email}}
		}
		return webasyst.Teammate{Contact: webasyst.Contact{ID: id, Name: name, PhotoURL: photo(name)}, ContactInfo: info, Groups: groups}
	}
	ann := person(5, "Ann Lee", "Ann", "Lee", "Backend developer", "ann.lee@webasyst.example",
		webasyst.Groups{{ID: 1, Name: "Administrators"}, {ID: 3, Name: "Developers"}})
	ann.ContactInfo.Phone = []webasyst.Labeled{{Ext: "mobile", Value: "+1 (555) 000-0001"}}
	ann.ContactInfo.Gender, ann.ContactInfo.Birthday, ann.ContactInfo.Locale = str("f"), str("1990-02-03"), str("en_US")
	ann.Status = &webasyst.Status{Name: "Vacation", BgColor: "#ff0000", FontColor: "#ffffff"}
	ann.LastLog = &webasyst.LastLog{ID: 991, ProjectID: i64(2), TaskID: 77, Contact: ann.Contact, Text: "Done <b>it</b>",
		TextStripped: "Done it", CreateDatetime: time.Date(2024, 5, 6, 10, 14, 15, 0, time.UTC), BeforeStatusID: i64(0),
		AfterStatusID: i64(-1), Attachments: []json.RawMessage{}, Params: json.RawMessage(`[]`), TaskNumber: i64(12),
		TaskName: str("Fix bug")}
	ann.Counts = webasyst.Counts{Total: 7, Closed: 4, Active: 3, ActivePriority: 1}

	carlos := person(6, "Carlos Díaz", "Carlos", "Díaz", "Designer", "carlos.diaz@webasyst.example", webasyst.Groups{{ID: 4, Name: "Design"}})
	carlos.Counts = webasyst.Counts{Total: 2, Active: 2}
	kate := person(7, "Kate Greenway", "Kate", "Greenway", "CTO", "Kate.Greenway@ACME.example", webasyst.Groups{{ID: 3, Name: "Developers"}})
	dana := person(8, "Dana Wu", "Dana", "Wu", "QA engineer", "dana.wu@webasyst.example", webasyst.Groups{{ID: 3, Name: "Developers"}, {ID: 5, Name: "QA"}})
	dana.ContactInfo.MiddleName = str("J.")
	eve := person(10, "Eve", "Eve", "", "", "eve@webasyst.example", nil)
	bob := person(9, "Bob", "Bob", "", "", "", nil)
	bob.InviteLink = str("https://team.example.com/link.php/abc/")

	team := []webasyst.Teammate{ann, carlos, kate, dana, eve, bob}
	for i := range team {
		team[i].Sort = int64(i)
	}
	return team
}
