package worksectiontest

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// goClientQuery signs the way a Go client building its query with
// url.Values.Encode does: md5 over the other parameters, sorted by key and
// QueryEscape'd, then hash added in its sorted place.
func goClientQuery(params url.Values, key string) string {
	signed := params.Encode()
	params.Set("hash", md5hex(signed+key))
	return params.Encode()
}

// postmanQuery signs as the vendor's Postman pre-request script: the pairs
// in the order given, values unencoded, and hash appended last.
func postmanQuery(pairs [][2]string, key string) string {
	var raw, enc []string
	for _, p := range pairs {
		raw = append(raw, p[0]+"="+p[1])
		enc = append(enc, url.QueryEscape(p[0])+"="+url.QueryEscape(p[1]))
	}
	return strings.Join(enc, "&") + "&hash=" + md5hex(strings.Join(raw, "&")+key)
}

func TestLenientHashesAcceptSortedGoClients(t *testing.T) {
	t.Parallel()
	lenient := NewServer(WithAPIKey(docKey), WithLenientHashes())
	defer lenient.Close()
	strict := NewServer(WithAPIKey(docKey))
	defer strict.Close()
	for _, params := range []url.Values{
		{"action": {"get_project"}, "id_project": {"26"}, "extra": {"users"}},
		{"action": {"get_task"}, "id_task": {"1201"}, "extra": {"subscribers"}},
		{"action": {"get_users_schedule"}, "users": {"john.smith@acme.example"}, "datestart": {"01.12.2026"}, "dateend": {"31.12.2026"}},
	} {
		q := goClientQuery(params, docKey)
		assert.NotRegexp(t, `&hash=[0-9a-f]+$`, q, "hash is not last: %s", q)
		_, env := raw(t, "GET", lenient.URL+"/api/admin/v2/?"+q, nil, "")
		assert.Equal(t, "ok", env.Status, "%s: %s", q, env.Message)
		_, env = raw(t, "GET", strict.URL+"/api/admin/v2/?"+q, nil, "")
		assert.Equal(t, 2, env.StatusCode, "strict mode wants hash last: %s", q)
	}
}

func TestLenientHashesAcceptThePostmanScript(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithAPIKey(docKey), WithLenientHashes())
	defer srv.Close()
	for _, pairs := range [][][2]string{
		{{"action", "get_project"}, {"id_project", "26"}, {"extra", "text, options, users"}},
		{{"action", "add_contact"}, {"email", "brian.dragonfly@gmail.com"}, {"name", "Brian Dragonfly"}, {"phone", "+1 345 234 23 67"}},
		{{"action", "add_project_members"}, {"id_project", "28"}, {"members", "john.smith@acme.example, kate.greenway@acme.example"}},
	} {
		q := postmanQuery(pairs, docKey)
		_, env := raw(t, "GET", srv.URL+"/api/admin/v2/?"+q, nil, "")
		assert.Equal(t, "ok", env.Status, "%s: %s", q, env.Message)
	}
	q := postmanQuery([][2]string{{"action", "get_users"}}, "another-key")
	_, env := raw(t, "GET", srv.URL+"/api/admin/v2/?"+q, nil, "")
	assert.Equal(t, 2, env.StatusCode, "lenient is not lax: another key's hash is refused")
	_, env = raw(t, "GET", srv.URL+"/api/admin/v2/?action=get_users&hash=x&hash="+md5hex("action=get_users"+docKey), nil, "")
	assert.Equal(t, 2, env.StatusCode, "the first hash is the one checked")
}
