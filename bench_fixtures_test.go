package worksection_test

// The benchmarks' fixtures: generated bodies, a loopback server, and the
// hand-written baseline client the SDK is measured against.

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
)

const benchKey = "7776461cd931e7b1c8e9632ff8e979ce"

// benchSizes are the list sizes of the GetUsers comparison; contacts stop
// at 10,000 to keep the run short.
var benchSizes = []int{100, 1000, 10000, 100000}

// genUsers renders a recorded-shape get_users body with n members: string
// and numeric ids, capitalised roles, rate as number, string or absent,
// optional fields missing on most, unicode names on some.
func genUsers(n int) []byte {
	roles := []string{"Owner", "Account admin", "Team admin", "Department admin", "User", "Guest", "Reader"}
	first := []string{"John", "Kate", "Олег", "María", "Yuki", "Zoë", "Chen", "Liam", "Ann", "Peter"}
	last := []string{"Smith", "Greenway", "Коваль", "García", "田中", "Müller", "Wei", "O'Brien", "Auditor", "Novak"}
	var b strings.Builder
	b.WriteString(`{"status":"ok","data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		f, l := first[i%len(first)], last[(i/3)%len(last)]
		id := fmt.Sprintf(`"%d"`, 10000+i)
		if i%10 == 0 {
			id = fmt.Sprintf(`%d`, 10000+i)
		}
		fmt.Fprintf(&b, `{"id":%s,"first_name":"%s","last_name":"%s","name":"%s %s","title":"Engineer %d",`, id, f, l, f, l, i%50)
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, `"rate":%d,`, 10+i%90)
		case 1:
			fmt.Fprintf(&b, `"rate":"%d.5",`, 10+i%90)
		}
		fmt.Fprintf(&b, `"avatar":"https://acme.worksection.com/images/avatar/%d.png","group":"Team %d","department":"",`, 10000+i, i%40)
		fmt.Fprintf(&b, `"role":"%s","email":"user%d@acme.example"`, roles[i%len(roles)], i)
		if i%4 == 0 {
			fmt.Fprintf(&b, `,"phone":"+1 555 %04d","address":"%d Main St"`, i%10000, i)
		}
		b.WriteString(`}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// genContacts renders a get_contacts body; every fifth contact has no email.
func genContacts(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"status":"ok","data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d","first_name":"Contact","last_name":"Nº%d","name":"Contact Nº%d","title":"","group":"Clients"`, 50000+i, i, i)
		if i%5 != 0 {
			fmt.Fprintf(&b, `,"email":"c%d@client.example"`, i)
		}
		if i%2 == 0 {
			fmt.Fprintf(&b, `,"phone":"+44 20 %04d"`, i%10000)
		}
		b.WriteString(`}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

const addUserBody = `{"status":"ok","data":{"id":"4001","first_name":"Ada","last_name":"Lovelace","name":"Ada Lovelace","title":"",` +
	`"avatar":"","group":"Development","department":"","role":"User","email":"ada@example.com"}}`

// benchServer serves fixed bodies by action on loopback and counts the
// TCP connections it accepts.
type benchServer struct {
	*httptest.Server
	conns atomic.Int64
}

func newBenchServer(b testing.TB, bodies map[string][]byte) *benchServer {
	s := &benchServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Query().Get("action")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	b.Cleanup(s.Close)
	return s
}

// sdkClient uses the same plain http.Client as the baseline, so the
// comparison measures the SDK's work rather than transport settings.
func sdkClient(b testing.TB, url string, opts ...ws.Option) *ws.Client {
	base := []ws.Option{ws.WithAPIKey(benchKey), ws.WithRateLimit(rate.Inf, 0), ws.WithHTTPClient(&http.Client{})}
	c, err := ws.NewClient(url, append(base, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// The hand-written baseline: net/http, the same md5 signing, encoding/json
// straight into plain structs.
type plainUser struct {
	ID         json.Number `json:"id"`
	FirstName  string      `json:"first_name"`
	LastName   string      `json:"last_name"`
	Name       string      `json:"name"`
	Title      string      `json:"title"`
	Rate       json.Number `json:"rate"`
	Avatar     string      `json:"avatar"`
	Group      string      `json:"group"`
	Department string      `json:"department"`
	Role       string      `json:"role"`
	Email      string      `json:"email"`
	Phone      string      `json:"phone"`
	Phone2     string      `json:"phone2"`
	Phone3     string      `json:"phone3"`
	Phone4     string      `json:"phone4"`
	Address    string      `json:"address"`
	Address2   string      `json:"address2"`
}

type baseline struct {
	url string
	hc  *http.Client
}

func (b baseline) do(method, query string) (*http.Response, error) {
	sum := md5.Sum([]byte(query + benchKey))
	req, err := http.NewRequest(method, b.url+"/api/admin/v2/?"+query+"&hash="+hex.EncodeToString(sum[:]), nil)
	if err != nil {
		return nil, err
	}
	return b.hc.Do(req)
}

// read sends the request and reads the body into buf, decoding nothing.
func (b baseline) read(method, query string, buf *bytes.Buffer) error {
	resp, err := b.do(method, query)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = buf.ReadFrom(resp.Body)
	return err
}

// call is the hand-written client: http.Client.Do, then
// json.NewDecoder(resp.Body).Decode into plain structs.
func (b baseline) call(method, query string, out any) error {
	resp, err := b.do(method, query)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	env := struct {
		Status  string `json:"status"`
		Message string `json:"message"`
		Data    any    `json:"data"`
	}{Data: out}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return err
	}
	if env.Status != "ok" {
		return fmt.Errorf("api error: %s", env.Message)
	}
	return nil
}
