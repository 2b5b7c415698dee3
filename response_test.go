package worksection

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/internal/transport"
)

// getUsersFrom answers get_users with body and returns what GetUsers made
// of it.
func getUsersFrom(t *testing.T, body string) ([]User, error) {
	t.Helper()
	c, mt := newMockClient(t)
	respond(mt, http.MethodGet, adminURL, http.StatusOK, body)
	return c.GetUsers(context.Background())
}

func TestListShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		want       []User
		err        error
	}{
		{"array", `{"status":"ok","data":[{"id":1,"name":"a"},{"id":"2","rate":"1.5","role":" USER "}]}`,
			[]User{{ID: "1", Name: "a"}, {ID: "2", Rate: ptr(1.5), Role: RoleUser}}, nil},
		{"PHP object keyed by id", `{"data":{"7":{"id":"7"},"9":{"id":"9"}},"status":"ok","extra":[1]}`,
			[]User{{ID: "7"}, {ID: "9"}}, nil},
		{"null data", `{"status":"ok","data":null}`, []User{}, nil},
		{"empty list", `{"status":"ok","data":[]}`, []User{}, nil},
		{"no data: not an empty list", `{"status":"ok"}`, nil, errData},
		{"last data wins", `{"status":"ok","data":[{"id":"1"}],"DATA":[{"id":"2"}]}`, []User{{ID: "2"}}, nil},
		{"keys fold like encoding/json", `{"ſtatus":"ok","data":[{"NAME":"n","\u0069d":"3"}]}`, []User{{ID: "3", Name: "n"}}, nil},
		{"duplicate keys: the last wins", `{"status":"ok","data":[{"id":"1","id":"2","name":"a","name":null}]}`, []User{{ID: "2", Name: "a"}}, nil},
		{"null element", `{"status":"ok","data":[{"id":"1"},null]}`, nil, errData},
		{"scalar element", `{"status":"ok","data":[1]}`, nil, errData},
		{"element without id", `{"status":"ok","data":[{"id":"1"},{"name":"x"}]}`, nil, errData},
		{"blank id", `{"status":"ok","data":[{"id":"  "}]}`, nil, errData},
		{"data not a list", `{"status":"ok","data":"nope"}`, nil, errData},
		{"bad rate", `{"status":"ok","data":[{"id":"1","rate":"lots"}]}`, nil, errData},
		{"trailing garbage", `{"status":"ok","data":[]} x`, nil, errNotEnvelope},
		{"second envelope", `{"status":"ok","data":[]}{}`, nil, errNotEnvelope},
		{"truncated", `{"status":"ok","data":[{"id":"1"},`, nil, errNotEnvelope},
		{"syntax error after a data error", `{"status":"ok","data":[{"id":{}}],}`, nil, errNotEnvelope},
		{"html", `<html>`, nil, errNotEnvelope},
		{"empty", ``, nil, errNotEnvelope},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			users, err := getUsersFrom(t, tc.body)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				var re *ResponseError
				require.ErrorAs(t, err, &re)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, users)
		})
	}
}

func TestErrorEnvelopeIgnoresData(t *testing.T) {
	t.Parallel()
	_, err := getUsersFrom(t, `{"data":[null,{"id":{}}],"status":"error","status_code":10,"message":"Field is required","message_details":"email"}`)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 10, ae.Code)
	assert.Equal(t, "Field is required", ae.Message)
	assert.Equal(t, "email", ae.Details)
}

func TestDataErrorNamesElementFieldAndKind(t *testing.T) {
	t.Parallel()
	_, err := getUsersFrom(t, `{"status":"ok","data":[{"id":"1"},{"id":"2","rate":[1]}]}`)
	require.ErrorContains(t, err, "decoding data: element 1: rate: want a number or numeric string")
	_, err = getUsersFrom(t, `{"status":"ok","data":[{"id":"1","email":5}]}`)
	require.ErrorContains(t, err, "decoding data: element 0: field email: want a string")
	_, err = getUsersFrom(t, `{"status":"ok","data":[{"id":"1"},{"name":"x"}]}`)
	require.ErrorContains(t, err, "decoding data: element 1: want an object with id")
}

func TestListCap(t *testing.T) {
	t.Parallel()
	body := `{"status":"ok","data":[` + strings.Repeat(`{"id":"1"},`, maxListItems) + `{"id":"2"}]}`
	_, err := getUsersFrom(t, body)
	require.ErrorIs(t, err, errData)
	require.ErrorContains(t, err, "at most 100000 elements")
}

func TestEnvelopeShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		want       envelope
	}{
		{"ok with data", `{"status":"ok","data":[1]}`, envelope{OK: true}},
		{"ok no data", `{"status":"ok"}`, envelope{OK: true}},
		{"error", `{"status":"error","status_code":10,"message":"Field is required","message_details":"email"}`,
			envelope{Code: 10, Message: "Field is required", Details: "email"}},
		{"string code", `{"status":"error","status_code":"11","message":"Invalid email"}`, envelope{Code: 11, Message: "Invalid email"}},
		{"details list", `{"status":"error","message":"x","message_details":["a","b"]}`, envelope{Message: "x", Details: "a, b"}},
		{"details object", `{"status":"error","message":"x","message_details":{"a": 1}}`, envelope{Message: "x", Details: `{"a":1}`}},
		{"oauth", `{"error":"invalid_request","errorDescription":"Cannot decrypt the refresh token"}`,
			envelope{Message: "Cannot decrypt the refresh token", Details: "invalid_request"}},
		{"oauth snake", `{"error":"invalid_grant","error_description":"revoked"}`, envelope{Message: "revoked", Details: "invalid_grant"}},
		{"capital OK", `{"status":"OK"}`, envelope{OK: true}},
	} {
		got, err := readEnvelope(transport.NewBodyReader(strings.NewReader(tc.body), 1<<20, -1), nil)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
	for _, body := range []string{`<html></html>`, `[]`, `{"data":1}`, `{"status":"maybe"}`, `{"status":"ok","data":[`, `{"status":{}}`} {
		_, err := readEnvelope(transport.NewBodyReader(strings.NewReader(body), 1<<20, -1), nil)
		require.ErrorIs(t, err, errNotEnvelope, body)
	}
}

// TestBodyLimits: the body reader caps the bytes read, refuses a body
// longer or shorter than its Content-Length, and keeps the first bytes
// for an excerpt.
func TestBodyLimits(t *testing.T) {
	t.Parallel()
	body := []byte(`{"status":"ok","data":[` + strings.Repeat(`{"id":"1","name":"`+strings.Repeat("x", 100)+`"},`, 999) + `{"id":"2"}]}`)
	decode := func(r io.Reader, limit, size int64) (*transport.BodyReader, []User, error) {
		b := transport.NewBodyReader(r, limit, size)
		l := &recordList[userWire, User, *userWire]{}
		_, err := readEnvelope(b, l)
		return b, l.items, err
	}
	b, users, err := decode(iotest.OneByteReader(bytes.NewReader(body)), int64(len(body)), int64(len(body)))
	require.NoError(t, err)
	assert.Len(t, users, 1000)
	assert.Equal(t, int64(len(body)), b.N)
	assert.Equal(t, body[:transport.HeadBytes], b.Head, "the first bytes, for an excerpt")

	_, _, err = decode(bytes.NewReader(body), int64(len(body)-1), -1)
	assert.ErrorIs(t, err, transport.ErrBodyTooLarge)
	_, _, err = decode(bytes.NewReader(body), 1<<20, 2<<20)
	assert.ErrorIs(t, err, transport.ErrBodyTooLarge, "a declared length over the cap")

	b, _, err = decode(io.MultiReader(bytes.NewReader(body[:100]), iotest.ErrReader(io.ErrUnexpectedEOF)), 1<<20, -1)
	assert.ErrorIs(t, err, transport.ErrReadBody)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, body[:100], b.Head)

	// A body shorter or longer than its Content-Length is a failed read.
	_, _, err = decode(bytes.NewReader(body), 1<<20, int64(len(body))+1)
	assert.ErrorIs(t, err, transport.ErrReadBody)
	_, _, err = decode(bytes.NewReader(body), 1<<20, int64(len(body))-1)
	assert.ErrorIs(t, err, transport.ErrReadBody)

	// A huge declared size reserves little more than what arrived.
	small := []byte(`{"status":"ok","data":[` + strings.Repeat(`{"id":"1"},`, 300) + `{"id":"1"}]}`)
	b = transport.NewBodyReader(bytes.NewReader(small), 64<<20, 64<<20)
	l := &recordList[userWire, User, *userWire]{}
	_, err = readEnvelope(b, l)
	assert.ErrorIs(t, err, transport.ErrReadBody, "cut short")
	assert.LessOrEqual(t, cap(l.items), 8*301)
}

// TestShortBodyThroughTheClient: a body cut short of its Content-Length
// reaches the caller as a ResponseError, not as a list.
func TestShortBodyThroughTheClient(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, adminURL, func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusOK, `{"status":"ok","data":[]}`)
		resp.ContentLength = 100
		return resp, nil
	})
	_, err := c.GetUsers(context.Background())
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	require.ErrorIs(t, err, transport.ErrReadBody)
}

// TestDecodeErrorsNeverQuoteTheBody: what a decode error says names the
// place and the kind wanted, never the bytes received.
func TestDecodeErrorsNeverQuoteTheBody(t *testing.T) {
	t.Parallel()
	const secret = "tok_9f8e7d6c5b4a"
	for _, data := range []string{
		`[{"id":{"a":"SECRET"}}]`, `[{"id":["SECRET"]}]`, `[{"rate":{"t":"SECRET"}}]`, `[{"id":"1","rate":"SECRET"}]`,
		`[{"rate":["SECRET"]}]`, `[{"role":{"SECRET":1}}]`, `[{"name":["SECRET"]}]`, `["SECRET"]`, `{"id":{"id":["SECRET"]}}`,
		`"SECRET"`, `[{"id":"SECRET\u00"}]`, `[{"id":SECRET}]`, `[{"SECRET":1,}]`, `[{"email":12345678901234567890}]`,
	} {
		body := `{"status":"ok","data":` + strings.ReplaceAll(data, "SECRET", secret) + `}`
		_, err := getUsersFrom(t, body)
		var re *ResponseError // its Excerpt shows the body, masked of the client's own secrets
		require.ErrorAs(t, err, &re, body)
		eachError(re.Err, func(e error) {
			assert.NotContains(t, e.Error(), secret[4:10], "quotes the body: %s", body)
			assert.NotContains(t, e.Error(), "1234567890", "quotes the body: %s", body)
		})
	}
}

func TestJSONDataErrorsNameTheType(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	respond(mt, http.MethodGet, `=~^`+adminURL, http.StatusOK, `{"status":"ok","data":{"users":"`+testKey+`"}}`)
	_, err := c.GetProjectMembers(context.Background(), "1")
	require.ErrorIs(t, err, errData)
	require.NotContains(t, err.Error(), testKey)
	require.True(t, errors.Is(err, errData))
}

// FuzzReadEnvelope: any body decodes or fails as not an envelope or as
// data of the wrong shape, never otherwise; every record decoded has an id.
func FuzzReadEnvelope(f *testing.F) {
	for _, s := range []string{`{"status":"ok","data":[{"id":"1","rate":"2"}]}`, `{"status":"error","message":"x"}`,
		`{"data":{"1":{"id":1}},"status":"ok"}`, `{"status":"ok","data":[null]}`, `[`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		l := &recordList[userWire, User, *userWire]{}
		_, err := readEnvelope(transport.NewBodyReader(bytes.NewReader(body), 1<<20, -1), l)
		if err != nil && !errors.Is(err, errNotEnvelope) && !errors.Is(err, errData) {
			t.Fatalf("unexpected kind of error: %v", err)
		}
		for _, u := range l.items {
			if strings.TrimSpace(string(u.ID)) == "" {
				t.Fatal("a record without an id")
			}
		}
	})
}

func TestOversizedBody(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, WithMaxResponseBytes(1024))
	big := `{"status":"ok","data":[` + strings.Repeat(`{"id":"12345"},`, 200) + `{"id":"1"}]}`
	mt.RegisterResponder(http.MethodGet, adminURL, httpmock.NewStringResponder(200, big))
	_, err := c.GetUsers(context.Background())
	require.ErrorIs(t, err, transport.ErrBodyTooLarge)
	assert.Contains(t, err.Error(), "response body too large")
}

// TestOneRecordWhateverIsBuffered: one record decodes alike whether its
// data is already buffered (decoded in place) or arrives a byte at a time.
func TestOneRecordWhateverIsBuffered(t *testing.T) {
	t.Parallel()
	for _, data := range []string{`{"id":"5","role":"Owner"}`, `[{"id":5,"role":"owner"}]`, ` {"id":"5","role":"OWNER"}`} {
		body := `{"status":"ok","data":` + data + `}`
		for _, r := range []io.Reader{strings.NewReader(body), iotest.OneByteReader(strings.NewReader(body))} {
			o := &oneRecord[userWire, User, *userWire]{}
			_, err := readEnvelope(transport.NewBodyReader(r, 1<<20, -1), o)
			require.NoError(t, err, data)
			assert.Equal(t, User{ID: "5", Role: RoleOwner}, o.item, data)
		}
	}
	for _, data := range []string{`{"id":{}}`, `{"name":"x"}`, `[]`, `"x"`} {
		for _, r := range []io.Reader{strings.NewReader(`{"status":"ok","data":` + data + `}`), iotest.OneByteReader(strings.NewReader(`{"status":"ok","data":` + data + `}`))} {
			_, err := readEnvelope(transport.NewBodyReader(r, 1<<20, -1), &oneRecord[userWire, User, *userWire]{})
			require.ErrorIs(t, err, errData, data)
		}
	}
}
