package worksection

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIDDecoding(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]ID{`"3993"`: "3993", `1`: "1", `null`: "", `"abc"`: "abc"} {
		var id ID
		require.NoError(t, json.Unmarshal([]byte(in), &id), in)
		assert.Equal(t, want, id, in)
	}
	var id ID
	assert.Error(t, json.Unmarshal([]byte(`{}`), &id))
	b, err := json.Marshal(ID("7"))
	require.NoError(t, err)
	assert.Equal(t, `"7"`, string(b), "ids encode as strings")
}

func TestRoleDecoding(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Role{
		`"Owner"`: RoleOwner, `"Account admin"`: RoleAccountAdmin, `"TEAM ADMIN"`: RoleTeamAdmin,
		`"department admin"`: RoleDepartmentAdmin, `"User"`: RoleUser, `" guest "`: RoleGuest, `"Reader"`: RoleReader,
		`"Observer"`: "Observer", `""`: "",
	} {
		var r Role
		require.NoError(t, json.Unmarshal([]byte(in), &r), in)
		assert.Equal(t, want, r, in)
	}
}

func TestUserGroupClient(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{`1`: true, `0`: false, `"1"`: true, `true`: true} {
		var g UserGroup
		require.NoError(t, json.Unmarshal([]byte(`{"id":"1","client":`+in+`}`), &g), in)
		assert.Equal(t, want, g.Client, in)
	}
	var g UserGroup
	assert.Error(t, json.Unmarshal([]byte(`{"client":"yes"}`), &g))
}

func FuzzID(f *testing.F) {
	for _, s := range []string{`"1"`, `1`, `null`, `{}`, `"\u0031"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var id ID
		if json.Unmarshal(b, &id) == nil {
			// Whatever decoded must survive a round trip as a string.
			out, err := json.Marshal(id)
			require.NoError(t, err)
			var back ID
			require.NoError(t, json.Unmarshal(out, &back))
			require.Equal(t, id, back)
		}
	})
}

func FuzzRole(f *testing.F) {
	for _, s := range []string{`"Owner"`, `"account ADMIN"`, `"x"`, `1`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Role
		if json.Unmarshal(b, &r) == nil {
			require.Equal(t, r, ParseRole(string(r)), "parsing is idempotent")
		}
	})
}

func FuzzUser(f *testing.F) {
	for _, s := range []string{fixtureUsers, `{"rate":"1e3"}`, `{"rate":[]}`, `{"services":[]}`, `{"services":{"chats":[]}}`,
		`{"data_added":"x","date_added":""}`, `[]`, `{"id":1.5e300}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var u User
		if json.Unmarshal(b, &u) == nil && u.Rate != nil {
			_ = *u.Rate
		}
		var users []User
		_ = json.Unmarshal(b, &users)
		var g UserGroup
		_ = json.Unmarshal(b, &g)
		var m StringMap
		_ = json.Unmarshal(b, &m)
	})
}

const fixtureUsers = `{"id":"3993","first_name":"John","rate":25,"role":"Owner","services":{"chats":{"WhatsApp":"+1"},"socials":[]}}`

func TestTolerantTypesRefuseWrongKinds(t *testing.T) {
	t.Parallel()
	const secret = "SECRETVALUE"
	for _, tc := range []struct {
		in   string
		into any
		want string
	}{
		{`true`, new(ID), "id"},
		{`["` + secret + `"]`, new(ID), "id"},
		{`{"a":"` + secret + `"}`, new(Role), "role"},
		{`"` + secret + `"`, new(StringMap), "object"},
		{`7`, new(Services), "services"},
	} {
		err := json.Unmarshal([]byte(tc.in), tc.into)
		require.Error(t, err, tc.in)
		assert.Contains(t, err.Error(), tc.want, tc.in)
		assert.NotContains(t, err.Error(), secret, "errors never quote response bytes")
	}
}

func TestStringMapAndServicesDecoding(t *testing.T) {
	t.Parallel()
	var m StringMap
	require.NoError(t, json.Unmarshal([]byte(`{"a":"x","b":2,"c":null}`), &m))
	assert.Equal(t, StringMap{"a": "x", "b": "2", "c": ""}, m)
	for _, in := range []string{`[]`, ` [ ] `, `null`} {
		m = StringMap{"old": "v"}
		require.NoError(t, json.Unmarshal([]byte(in), &m), in)
		assert.Empty(t, m, in)
	}

	var s Services
	require.NoError(t, json.Unmarshal([]byte(`{"chats":{"WhatsApp":"+1"},"socials":[]}`), &s))
	assert.Equal(t, Services{Chats: StringMap{"WhatsApp": "+1"}}, s)
	s = Services{Chats: StringMap{"old": "v"}}
	require.NoError(t, json.Unmarshal([]byte(`[]`), &s))
	assert.Equal(t, Services{}, s, "PHP's [] is an empty object")
}

func TestScalar(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{`"3993"`: "3993", `3993`: "3993", `null`: "", ``: "", `"a\"b"`: `a"b`, `"Олег"`: "Олег", `-1.5`: "-1.5"} {
		got, _, err := scalar([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`{}`, `[]`, `true`, `"unterminated`, `"`, `1x`} {
		_, _, err := scalar([]byte(in))
		assert.Error(t, err, in)
	}
	assert.True(t, isEmptyArray([]byte(` [ ] `)))
	assert.False(t, isEmptyArray([]byte(`[1]`)))
	assert.False(t, isEmptyArray([]byte(`{}`)))
}

func TestNumberDecoding(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]*float64{`25`: ptr(25.0), `"11.5"`: ptr(11.5), `""`: nil, `null`: nil, `" 7 "`: ptr(7.0)} {
		n := number{v: ptr(-1.0)}
		require.NoError(t, json.Unmarshal([]byte(in), &n), in)
		assert.Equal(t, want, n.v, in)
	}
	for _, in := range []string{`"lots"`, `{}`, `true`, `[1]`} {
		var n number
		assert.EqualError(t, json.Unmarshal([]byte(in), &n), "rate: want a number or numeric string", in)
	}
}

func TestFlagDecoding(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]flag{`1`: true, `0`: false, `"1"`: true, `"0"`: false, `true`: true, `false`: false, `""`: false, `null`: false, `"TRUE"`: true} {
		f := !want
		require.NoError(t, json.Unmarshal([]byte(in), &f), in)
		assert.Equal(t, want, f, in)
	}
	for _, in := range []string{`"yes"`, `2`, `{}`, `[]`} {
		var f flag
		assert.Error(t, json.Unmarshal([]byte(in), &f), in)
	}
}
