package worksectiontest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The queries below are written by hand, PHP-encoded, so these tests depend
// on no encoder but the one under test.

func TestMD5IsPHPsByDefault(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	send := func(query, signed string) envelope {
		_, env := raw(t, "POST", srv.URL+"/api/admin/v2/?"+query+"&hash="+md5hex(signed+docKey), nil, "")
		return env
	}
	php := "action=add_contact&email=a%40b.example&name=Brian+Dragonfly&title=Tilde%7EA%2CB"
	assert.Equal(t, "ok", send(php, php).Status, "http_build_query's bytes")
	// A PHP server re-encodes what it decoded, so the hash covers the PHP
	// form even when the bytes sent differ.
	assert.Equal(t, "ok", send("action=add_contact&email=a%40b.example&name=Brian%20Dragonfly", "action=add_contact&email=a%40b.example&name=Brian+Dragonfly").Status)

	refused := map[string][2]string{
		"RFC 3986 %20":           {"action=add_contact&email=a%40b.example&name=Brian%20Dragonfly", ""},
		"bare tilde":             {"action=add_contact&email=a%40b.example&name=Tilde~Name", ""},
		"lower-case hex escape":  {"action=add_contact&email=a%40b.example&name=A%2cB", ""},
		"raw values, as Postman": {"action=add_contact&email=a%40b.example&name=Brian+Dragonfly", "action=add_contact&email=a@b.example&name=Brian Dragonfly"},
		"reordered":              {"action=add_contact&email=a%40b.example&name=Brian+Dragonfly", "action=add_contact&name=Brian+Dragonfly&email=a%40b.example"},
	}
	for name, q := range refused {
		signed := q[1]
		if signed == "" {
			signed = q[0] // hashed over the exact bytes sent
		}
		assert.Equal(t, envelope{Status: "error", StatusCode: 2, Message: "Action hash is missed or invalid"}, send(q[0], signed), name)
	}
	upper := strings.ToUpper(md5hex(php + docKey))
	_, env := raw(t, "POST", srv.URL+"/api/admin/v2/?"+php+"&hash="+upper, nil, "")
	assert.Equal(t, 2, env.StatusCode, "PHP's md5() is lower-case hex")
	assert.Len(t, srv.Contacts(), 6, "only the two PHP-signed requests added contacts")
}

func TestLenientHashes(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey), WithLenientHashes())
	defer srv.Close()
	for _, q := range [][2]string{
		{"action=add_contact&email=a%40b.example&name=Brian+Dragonfly", ""},
		{"action=add_contact&email=a%40b.example&name=Brian%20Dragonfly", ""},
		{"action=add_contact&email=a%40b.example&name=Tilde~Name", ""},
		{"action=add_contact&email=a%40b.example&name=A%2cB", ""},
		{"action=add_contact&email=a%40b.example&name=Brian%20Dragonfly", "action=add_contact&email=a@b.example&name=Brian Dragonfly"},
	} {
		signed := q[1]
		if signed == "" {
			signed = q[0]
		}
		_, env := raw(t, "POST", srv.URL+"/api/admin/v2/?"+q[0]+"&hash="+strings.ToUpper(md5hex(signed+docKey)), nil, "")
		assert.Equal(t, "ok", env.Status, "%s: %s", q[0], env.Message)
	}
	_, env := raw(t, "POST", srv.URL+"/api/admin/v2/?action=get_users&hash="+md5hex("action=get_contacts"+docKey), nil, "")
	assert.Equal(t, 2, env.StatusCode, "lenient is not lax: a hash of other params is refused")
}

func TestMD5RefusesBodyParams(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	q := "action=add_user_group"
	for ct, body := range map[string]string{
		"application/json; charset=utf-8":   `{"title":"Unsigned"}`,
		"application/x-www-form-urlencoded": "title=Unsigned",
	} {
		status, env := raw(t, "POST", srv.URL+"/api/admin/v2/?"+q+"&hash="+md5hex(q+docKey), http.Header{"Content-Type": {ct}}, body)
		assert.Equal(t, http.StatusBadRequest, status, ct)
		assert.Contains(t, env.Message, "the hash does not cover a body", ct)
	}
	for _, g := range srv.UserGroups() {
		assert.NotEqual(t, "Unsigned", g.Title)
	}
}

func TestHMACVendorShape(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()

	// Accepted: the shape the vendor's 2026 clients send.
	status, env := hmacCall(t, srv, "subscribe", `{"id_task":1203,"email_user":"yuki.tanaka@acme.example"}`)
	require.Equal(t, 200, status)
	require.Equal(t, "ok", env.Status, env.Message)
	assert.Equal(t, []string{"yuki.tanaka@acme.example"}, srv.TaskSubscribers("1203"))
	_, env = hmacCall(t, srv, "get_users", "")
	assert.Equal(t, "ok", env.Status, "an empty body when there are no params")
	plain := hmacHeader(srv, "get_users")
	plain.Set("Content-Type", "application/json")
	_, env = raw(t, "POST", srv.URL+"/api/admin/v2?action=get_users", plain, "")
	assert.Equal(t, "ok", env.Status, "charset may be left out")

	for name, tc := range map[string]struct {
		method, url, contentType, body, want string
	}{
		"GET":               {"GET", "/api/admin/v2?action=add_user_group", "", "", "got GET"},
		"trailing slash":    {"POST", "/api/admin/v2/?action=add_user_group", "", `{"title":"X"}`, "got path /api/admin/v2/"},
		"params in query":   {"POST", "/api/admin/v2?action=add_user_group&title=X", "", "", "the query holds more than action"},
		"no content type":   {"POST", "/api/admin/v2?action=add_user_group", "-", `{"title":"X"}`, "Content-Type"},
		"form body":         {"POST", "/api/admin/v2?action=add_user_group", "application/x-www-form-urlencoded", "title=X", "Content-Type"},
		"latin1 charset":    {"POST", "/api/admin/v2?action=add_user_group", "application/json; charset=iso-8859-1", `{"title":"X"}`, "Content-Type"},
		"empty object":      {"POST", "/api/admin/v2?action=get_users", "", `{}`, "empty body"},
		"id as a string":    {"POST", "/api/admin/v2?action=subscribe", "", `{"id_task":"1201","email_user":"yuki.tanaka@acme.example"}`, "id_task must be a JSON number"},
		"action in body":    {"POST", "/api/admin/v2?action=add_user_group", "", `{"action":"add_user_group","title":"X"}`, "action belongs in the query"},
		"array body":        {"POST", "/api/admin/v2?action=add_user_group", "", `["X"]`, "not a JSON object"},
		"trailing garbage":  {"POST", "/api/admin/v2?action=add_user_group", "", `{"title":"X"} {}`, "data after the object"},
		"action not in url": {"POST", "/api/admin/v2", "", `{"title":"X"}`, "the query holds more than action"},
	} {
		action := "add_user_group"
		if strings.Contains(tc.url, "subscribe") {
			action = "subscribe"
		}
		h := hmacHeader(srv, action)
		switch tc.contentType {
		case "-":
			h.Del("Content-Type")
		case "":
		default:
			h.Set("Content-Type", tc.contentType)
		}
		status, env := raw(t, tc.method, srv.URL+tc.url, h, tc.body)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Contains(t, env.Message, tc.want, name)
	}
	assert.Len(t, srv.UserGroups(), 4, "no refused request was applied")
	assert.Equal(t, []string{"john.smith@acme.example", "kate.greenway@acme.example"}, srv.TaskSubscribers("1201"))
}

func TestBearerQueryAndJSONBody(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	tok := srv.NewAccessToken("kate.greenway@acme.example")
	auth := http.Header{"Authorization": {"Bearer " + tok}}
	_, env := raw(t, "GET", srv.URL+"/api/oauth2?action=get_users", auth, "")
	assert.Equal(t, "ok", env.Status)

	auth.Set("Content-Type", "application/json; charset=utf-8")
	long := strings.Repeat("Ж&=+ ", 2000)
	_, env = raw(t, "POST", srv.URL+"/api/oauth2?action=add_contact", auth, `{"email":"long@example.com","name":"Long Value","address":"`+long+`"}`)
	require.Equal(t, "ok", env.Status, env.Message)
	contacts := srv.Contacts()
	assert.Equal(t, strings.TrimSpace(long), contacts[len(contacts)-1].Address)

	// The OAuth provider's README posts the action in the body.
	_, env = raw(t, "POST", srv.URL+"/api/oauth2", auth, `{"action":"get_user_groups"}`)
	assert.Equal(t, "ok", env.Status, env.Message)

	auth.Set("Content-Type", "application/x-www-form-urlencoded")
	status, env := raw(t, "POST", srv.URL+"/api/oauth2?action=add_user_group", auth, "title=Form")
	assert.Equal(t, http.StatusBadRequest, status, "form bodies answer invalid JSON, as live reports say")
	assert.Contains(t, env.Message, "invalid JSON")
}

func TestEnvelopesPutStatusFirst(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	send := func(query string) string {
		_, b := rawBytes(t, "POST", srv.URL+"/api/admin/v2/?"+query+"&hash="+md5hex(query+docKey), nil, "")
		return string(b)
	}
	assert.Equal(t, `{"status":"error","status_code":10,"message":"Field is required","message_details":"email"}`, send("action=add_user"))
	assert.Equal(t, `{"status":"error","status_code":5,"message":"Task is invalid"}`, send("action=get_task&id_task=999"))
	assert.Equal(t, `{"status":"ok"}`, send("action=subscribe&id_task=1203&email_user=yuki.tanaka%40acme.example"))
	assert.True(t, strings.HasPrefix(send("action=get_users"), `{"status":"ok","data":[{"id":"3993",`))
	assert.Equal(t, `{"status":"ok","data":{"id":"10001","title":"QA","type":"company","client":0}}`, send("action=add_user_group&title=QA"))
	assert.Equal(t, `{"status":"ok","data":[],"message":"Days added: 1, days updated: 0"}`,
		send("action=update_users_schedule&data=%7B%223997%22%3A%7B%2201.06.2026%22%3A%22vacation%22%7D%7D"))
}

func TestOneWhitespaceRule(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	_, env := md5Call(t, srv, "action=add_contact&email=ws%40example.com&name=+Zed++Quinn+&title=%09Boss+&group=+Clients+&phone=+%2B1+555+&address=+1+Road+")
	require.Equal(t, "ok", env.Status, env.Message)
	c := srv.Contacts()[len(srv.Contacts())-1]
	assert.Equal(t, []string{"Zed  Quinn", "Zed", "Quinn", "Boss", "Clients", "+1 555", "1 Road"},
		[]string{c.Name, c.FirstName, c.LastName, c.Title, c.Group, c.Phone, c.Address})

	_, env = md5Call(t, srv, "action=add_user&email=new%40example.com&first_name=+Ann+&last_name=+Lee+&title=+Dev+&group=+Design+&department=+UX+")
	require.Equal(t, "ok", env.Status, env.Message)
	u := srv.Users()[len(srv.Users())-1]
	assert.Equal(t, []string{"Ann", "Lee", "Ann Lee", "Dev", "Design", "UX"}, []string{u.FirstName, u.LastName, u.Name, u.Title, u.Group, u.Department})
	assert.Len(t, srv.UserGroups(), 4, "' Design ' is the existing team")

	_, env = md5Call(t, srv, "action=add_user_group&title=++")
	assert.Equal(t, envelope{Status: "error", StatusCode: 10, Message: "Field is required", MessageDetails: "title"}, env, "blank is missing")
	_, env = md5Call(t, srv, "action=add_contact&email=+ws%40example.com&name=X")
	assert.Equal(t, 11, env.StatusCode, "emails are identifiers, checked as sent")
}

func TestEmailsMatchByASCIICaseOnly(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	_, env := md5Call(t, srv, "action=add_user&email=KATE.Greenway%40acme.example")
	assert.Equal(t, "User already exists", env.Message)
	// U+212A KELVIN SIGN folds to "k" under Unicode rules, not under PHP's.
	_, env = md5Call(t, srv, "action=subscribe&id_task=1203&email_user=%E2%84%AAate.greenway%40acme.example")
	assert.Equal(t, envelope{Status: "error", StatusCode: 11, Message: "Invalid email", MessageDetails: "\u212Aate.greenway@acme.example"}, env)
	assert.Empty(t, srv.TaskSubscribers("1203"))
}

func TestRequestLogHoldsNoSecrets(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	tok := srv.NewToken("kate.greenway@acme.example")
	h := hmacHeader(srv, "get_users")
	secrets := []string{docKey, tok.AccessToken, tok.RefreshToken, srv.ClientSecret, md5hex("action=get_users" + docKey),
		strings.TrimPrefix(h.Get("Authorization"), "Admin ")}

	md5Call(t, srv, "action=get_users")
	raw(t, "POST", srv.URL+"/api/admin/v2?action=get_users", h, "")
	raw(t, "GET", srv.URL+"/api/oauth2?action=me&access_token="+tok.AccessToken, nil, "")
	raw(t, "GET", srv.URL+"/oauth2/refresh?grant_type=refresh_token&client_id="+srv.ClientID+"&client_secret="+srv.ClientSecret+
		"&refresh_token="+tok.RefreshToken, nil, "")
	require.Len(t, srv.Requests(), 4)
	for _, r := range srv.Requests() {
		for _, s := range secrets {
			assert.NotContains(t, fmt.Sprintf("%+v %#v", r, r), s)
		}
	}
}

func TestJSONEncodedAsPHPDoes(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey))
	defer srv.Close()
	_, env := md5Call(t, srv, "action=add_contact&email=z%40example.com&name=Zo%C3%AB+%F0%9F%8E%89&title=R%26D+%3Cb%3E")
	require.Equal(t, "ok", env.Status, env.Message)
	_, b := rawBytes(t, "POST", srv.URL+"/api/admin/v2/?action=get_contacts&hash="+md5hex("action=get_contacts"+docKey), nil, "")
	body := string(b)
	assert.Contains(t, body, `"name":"Zo\u00eb \ud83c\udf89"`, "non-ASCII as \\u escapes, astral as a surrogate pair")
	assert.Contains(t, body, `"title":"R&D <b>"`, "no HTML escaping")
	_, b = rawBytes(t, "POST", srv.URL+"/api/admin/v2/?action=get_users&hash="+md5hex("action=get_users"+docKey), nil, "")
	assert.Contains(t, string(b), `"first_name":"\u041e\u043b\u0435\u0433"`)
	assert.Contains(t, string(b), `"avatar":"https://acme.worksection.com/images/avatar/3993.png"`, "slashes unescaped")
	var decoded envelope
	require.NoError(t, json.Unmarshal(b, &decoded), "still valid JSON")
}
