package worksectiontest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// add_user with only an email answers as recorded: names from the address
// and the account's default rate.
func TestAddUserByEmailAlone(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	for email, want := range map[string][3]string{
		"kate.greenway@ws.com":    {"kate", "greenway", "kate greenway"},
		"ann@new.example":         {"ann", "", "ann"},
		"j.r.r.tolkien@x.example": {"j", "r.r.tolkien", "j r.r.tolkien"},
	} {
		_, env := md5Call(t, srv, "action=add_user&email="+phpEncode(email))
		require.Equal(t, "ok", env.Status, env.Message)
		var got map[string]any
		require.NoError(t, json.Unmarshal(env.Data, &got))
		assert.Equal(t, want[0], got["first_name"], email)
		assert.Equal(t, want[1], got["last_name"], email)
		assert.Equal(t, want[2], got["name"], email)
		assert.Equal(t, 11.0, got["rate"], "the seed's default rate, as recorded")
	}
	_, env := md5Call(t, srv, "action=add_user&email=ada%40new.example&first_name=Ada")
	var got map[string]any
	require.NoError(t, json.Unmarshal(env.Data, &got))
	assert.Equal(t, "", got["last_name"], "given names are kept as sent")
	assert.Equal(t, "Ada", got["name"])

	empty := NewServer(Empty())
	defer empty.Close()
	_, env = md5Call(t, empty, "action=add_user&email=a%40b.example")
	require.NoError(t, json.Unmarshal(env.Data, &got))
	assert.Contains(t, got, "rate", "a rate key even without a default")
}

func TestMeHasNoRate(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithMeAsArray())
	defer srv.Close()
	for _, email := range []string{"john.smith@acme.example", "kate.greenway@acme.example"} {
		_, env := raw(t, "GET", srv.URL+"/api/oauth2?action=me", map[string][]string{"Authorization": {"Bearer " + srv.NewAccessToken(email)}}, "")
		assert.NotContains(t, string(env.Data), `"rate"`, email)
	}
}
