package worksection

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type testParams struct {
	Email  string   `url:"email"`
	Name   string   `url:"name,omitempty"`
	Client bool     `url:"client,int,omitempty"`
	Skip   string   `url:"-"`
	IDs    []ID     `url:"ids,omitempty"`
	Data   rawJSON  `url:"data,omitempty"`
	Tags   []string `url:"tags,omitempty"`
	Plain  string
}

func TestEncodeQueryOrderAndOmission(t *testing.T) {
	t.Parallel()
	q, err := encodeQuery("add_contact", testParams{Email: "a@b.c", Client: true, Skip: "x", Plain: "p q~"})
	require.NoError(t, err)
	assert.Equal(t, "action=add_contact&email=a%40b.c&client=1&Plain=p+q%7E", q, "struct order, PHP escaping")

	q, err = encodeQuery("get_users", nil)
	require.NoError(t, err)
	assert.Equal(t, "action=get_users", q)

	q, err = encodeQuery("x", &testParams{Email: "x&action=add_user", IDs: []ID{"1", "2"}})
	require.NoError(t, err)
	assert.Equal(t, "action=x&email=x%26action%3Dadd_user&ids=1&ids=2&Plain=", q, "a value cannot add a parameter")
}

func TestJSONBody(t *testing.T) {
	t.Parallel()
	b, err := jsonBody(testParams{Email: "a@b.c", Client: true, IDs: []ID{"12", "x1", "007"}, Data: `{"a": [1]}`, Tags: []string{"<b>"}})
	require.NoError(t, err)
	assert.Equal(t, `{"email":"a@b.c","client":1,"ids":[12,"x1","007"],"data":{"a":[1]},"tags":["<b>"],"Plain":""}`, string(b))

	b, err = jsonBody(nil)
	require.NoError(t, err)
	assert.Nil(t, b)

	_, err = jsonBody(testParams{Data: `{"a":`})
	assert.ErrorContains(t, err, "not valid JSON")
}
