package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/internal/transport"
	"github.com/worksection-go/worksection/internal/wiretest"
)

// item is a record for tests, with one field of each kind.
type item struct {
	ID   string
	Name string
	Rate *float64
	On   bool
	Kind string
}

var itemRecord = NewRecord(
	ID("id", func(v *item) *string { return &v.ID }),
	String("name", func(v *item) *string { return &v.Name }),
	Number("rate", func(v *item) **float64 { return &v.Rate }),
	Flag("on", func(v *item) *bool { return &v.On }),
	Enum("kind", []string{"alpha", "beta"}, func(v *item) *string { return &v.Kind }),
)

func self[T any](v *T) T { return *v }

func newItems() *List[item, item] { return &List[item, item]{Rec: itemRecord, Conv: self[item]} }
func newItem() *One[item, item]   { return &One[item, item]{Rec: itemRecord, Conv: self[item]} }

func TestDecodeListShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		want       []item
		err        error
	}{
		{"array", `{"status":"ok","data":[{"id":1,"name":"a"},{"id":"2","rate":"1.5","on":"1","kind":" BETA "}]}`,
			[]item{{ID: "1", Name: "a"}, {ID: "2", Rate: ptr(1.5), On: true, Kind: "beta"}}, nil},
		{"PHP object keyed by id", `{"data":{"7":{"id":"7"},"9":{"id":"9"}},"status":"ok","extra":[1]}`,
			[]item{{ID: "7"}, {ID: "9"}}, nil},
		{"null data", `{"status":"ok","data":null}`, nil, nil},
		{"no data: not an empty list", `{"status":"ok"}`, nil, ErrData},
		{"last data wins", `{"status":"ok","data":[{"id":"1"}],"DATA":[{"id":"2"}]}`, []item{{ID: "2"}}, nil},
		{"keys fold like encoding/json", `{"ſtatus":"ok","data":[{"ıd":"x","NAME":"n","\u0069d":"3"}]}`, []item{{ID: "3", Name: "n"}}, nil},
		{"duplicate keys: the last wins", `{"status":"ok","data":[{"id":"1","id":"2","name":"a","name":null}]}`, []item{{ID: "2", Name: "a"}}, nil},
		{"null element", `{"status":"ok","data":[{"id":"1"},null]}`, nil, ErrData},
		{"scalar element", `{"status":"ok","data":[1]}`, nil, ErrData},
		{"data not a list", `{"status":"ok","data":"nope"}`, nil, ErrData},
		{"bad rate", `{"status":"ok","data":[{"rate":"lots"}]}`, nil, ErrData},
		{"trailing garbage", `{"status":"ok","data":[]} x`, nil, ErrNotEnvelope},
		{"second envelope", `{"status":"ok","data":[]}{}`, nil, ErrNotEnvelope},
		{"truncated", `{"status":"ok","data":[{"id":"1"},`, nil, ErrNotEnvelope},
		{"syntax error after a data error", `{"status":"ok","data":[{"id":{}}],}`, nil, ErrNotEnvelope},
		{"html", `<html>`, nil, ErrNotEnvelope},
		{"empty", ``, nil, ErrNotEnvelope},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, read := range readers {
				l := newItems()
				_, err := read([]byte(tc.body), l)
				if tc.err != nil {
					require.ErrorIs(t, err, tc.err)
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, tc.want, nilIfEmpty(l.Items))
			}
		})
	}
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestDecodeErrorEnvelopeIgnoresData(t *testing.T) {
	t.Parallel()
	env, err := Decode([]byte(`{"data":[null,{"id":{}}],"status":"error","status_code":10,"message":"Field is required","message_details":"email"}`), newItems())
	require.NoError(t, err)
	assert.Equal(t, Envelope{StatusCode: 10, Message: "Field is required", Details: "email"}, env)
}

func TestDecodeOne(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]item{
		`{"status":"ok","data":{"id":"1","name":"a"}}`: {ID: "1", Name: "a"},
		`{"status":"ok","data":[{"id":"1"}]}`:          {ID: "1"},
	} {
		for _, read := range readers {
			o := newItem()
			_, err := read([]byte(body), o)
			require.NoError(t, err, body)
			assert.Equal(t, want, o.Item, body)
		}
	}
	for _, body := range []string{`{"status":"ok","data":[]}`, `{"status":"ok","data":null}`, `{"status":"ok"}`,
		`{"status":"ok","data":[{"id":"1"},{"id":"2"}]}`, `{"status":"ok","data":[null]}`, `{"status":"ok","data":"x"}`} {
		_, err := Decode([]byte(body), newItem())
		assert.ErrorIs(t, err, ErrData, body)
	}
}

// readers decode a body in one piece and streamed a byte at a time.
var readers = []func([]byte, any) (Envelope, error){
	Decode,
	func(b []byte, out any) (Envelope, error) {
		env, _, err := DecodeReader(iotest.OneByteReader(bytes.NewReader(b)), 1<<20, int64(len(b)), out)
		return env, err
	},
}

func TestDecodeReaderLimitsAndErrors(t *testing.T) {
	t.Parallel()
	body := []byte(`{"status":"ok","data":[` + strings.Repeat(`{"id":"1","name":"`+strings.Repeat("x", 100)+`"},`, 999) + `{}]}`)
	l := newItems()
	_, info, err := DecodeReader(bytes.NewReader(body), int64(len(body)), -1, l)
	require.NoError(t, err)
	assert.Len(t, l.Items, 1000)
	assert.Equal(t, int64(len(body)), info.Bytes)
	assert.Equal(t, body[:headMax], info.Head, "the first bytes, for an excerpt")

	_, _, err = DecodeReader(bytes.NewReader(body), int64(len(body)-1), -1, newItems())
	assert.ErrorIs(t, err, transport.ErrBodyTooLarge)

	_, info, err = DecodeReader(io.MultiReader(bytes.NewReader(body[:100]), iotest.ErrReader(io.ErrUnexpectedEOF)), 1<<20, -1, newItems())
	assert.ErrorIs(t, err, transport.ErrReadBody)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, body[:100], info.Head)

	// A body shorter or longer than its Content-Length is a failed read,
	// as transport.ReadBody has it.
	_, _, err = DecodeReader(bytes.NewReader(body), 1<<20, int64(len(body))+1, newItems())
	assert.ErrorIs(t, err, transport.ErrReadBody)
	_, _, err = DecodeReader(bytes.NewReader(body), 1<<20, int64(len(body))-1, newItems())
	assert.ErrorIs(t, err, transport.ErrReadBody)

	// A huge declared size does not make the list reserve more than twice
	// the declared bytes, however few arrive.
	small := []byte(`{"status":"ok","data":[` + strings.Repeat(`{},`, 300) + `{}]}`)
	l = newItems()
	_, _, err = DecodeReader(bytes.NewReader(small), 64<<20, 64<<20, l)
	assert.ErrorIs(t, err, transport.ErrReadBody, "cut short")
	assert.LessOrEqual(t, cap(l.Items)*int(itemSize), 2*(64<<20)+1)
}

const itemSize = 64 // upper bound of unsafe.Sizeof(item{}) on 64-bit

func TestDecodeErrorsNeverQuoteTheBody(t *testing.T) {
	t.Parallel()
	const secret = "tok_9f8e7d6c5b4a"
	for _, data := range []string{
		`[{"id":{"a":"SECRET"}}]`, `[{"id":["SECRET"]}]`, `[{"rate":{"t":"SECRET"}}]`, `[{"rate":"SECRET"}]`,
		`[{"rate":["SECRET"]}]`, `[{"kind":{"SECRET":1}}]`, `[{"name":["SECRET"]}]`, `[{"on":"SECRET"}]`,
		`["SECRET"]`, `{"id":{"id":["SECRET"]}}`, `[{"id":{"x":"SECRET"}}]`, `"SECRET"`, `[{"id":"SECRET\u00"}]`, `[{"id":SECRET}]`, `[{"SECRET":1,}]`,
	} {
		body := `{"status":"ok","data":` + strings.ReplaceAll(data, "SECRET", secret) + `}`
		outs := []any{newItems(), newItem()}
		if strings.Contains(data, `"id"`) {
			outs = append(outs, &[]struct{ ID int }{}) // the encoding/json fallback
		}
		for _, out := range outs {
			_, err := Decode([]byte(body), out)
			require.Error(t, err, body)
			eachError(err, func(e error) {
				assert.NotContains(t, e.Error(), secret[4:10], "%T quotes the body: %s", out, body)
			})
		}
	}
	for _, raw := range []string{`{"SECRET":1}`, `["SECRET"]`, `"SECRET\x"`, `SECRET`} {
		raw = strings.ReplaceAll(raw, "SECRET", secret)
		for _, fn := range []func([]byte) error{
			func(b []byte) error { _, err := Scalar(b); return err },
			func(b []byte) error { _, err := Float(b); return err },
		} {
			err := fn([]byte(raw))
			require.Error(t, err, raw)
			eachError(err, func(e error) { assert.NotContains(t, e.Error(), secret[4:10], raw) })
		}
	}
}

// eachError calls fn on err and every error its Unwrap methods reach.
func eachError(err error, fn func(error)) {
	if err == nil {
		return
	}
	fn(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		eachError(u.Unwrap(), fn)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			eachError(e, fn)
		}
	}
}

func TestDataErrorNamesFieldAndKind(t *testing.T) {
	t.Parallel()
	_, err := Decode([]byte(`{"status":"ok","data":[{},{"rate":[1]}]}`), newItems())
	var de *DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, DataError{Index: 1, Field: "rate", Want: "a number or numeric string"}, *de)
	assert.EqualError(t, err, "decoding data: element 1 field rate: want a number or numeric string")
}

// refEnvelope is the envelope as encoding/json decodes it: the reference
// the scanner must agree with.
type refEnvelope struct {
	Status           json.RawMessage `json:"status"`
	StatusCode       json.RawMessage `json:"status_code"`
	Message          json.RawMessage `json:"message"`
	MessageDetails   json.RawMessage `json:"message_details"`
	Data             json.RawMessage `json:"data"`
	Error            json.RawMessage `json:"error"`
	ErrorDescription json.RawMessage `json:"errorDescription"`
	ErrorDescSnake   json.RawMessage `json:"error_description"`
}

func refDecodeEnvelope(body []byte) (Envelope, error) {
	var e refEnvelope
	if err := json.Unmarshal(body, &e); err != nil || bytes.TrimLeft(body, " \t\r\n")[0] != '{' {
		return Envelope{}, ErrNotEnvelope
	}
	raw := [numKeys]json.RawMessage{e.Status, e.StatusCode, e.Message, e.MessageDetails, nil, e.Error, e.ErrorDescription, e.ErrorDescSnake}
	env, err := header(&raw)
	if err == nil {
		env.Data = e.Data
	}
	return env, err
}

// FuzzDecodeAgainstEncodingJSON: the scanner accepts and refuses the same
// envelopes as encoding/json, with the same fields, whether it reads the
// body whole or streamed a byte at a time; and the list and object paths
// agree on every element.
func FuzzDecodeAgainstEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"status":"ok","data":[{"id":1,"name":"a","rate":"2","on":true,"kind":"Beta"}]}`,
		`{"status":"error","status_code":"x","message":[1,{}]}`, `{"error":{},"errorDescription":null}`,
		`{"ſtatus":"ok","data":{"1":{"ID":"1"}}}`, `{"status":"ok","data":[null]} `, `{"status":"ok"}x`,
		`{"status":"ok","data":[{"name":"\ud800\u00e9\xff"}],"data":[]}`, `<html>`, ``, `{"status":"ok","data":`,
		`{"status":"ok","data":[{"rate":1e400}]}`, `{"status":"ok","data":[{"id":-0.5e+3,"on":"1"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(bytes.TrimLeft(b, " \t\r\n")) == 0 {
			return
		}
		want, wantErr := refDecodeEnvelope(b)
		for _, read := range readers {
			got, err := read(b, nil)
			require.Equal(t, wantErr != nil, err != nil, "%q: %v / %v", b, wantErr, err)
			if err == nil {
				require.Equal(t, want, got, "%q", b)
			}
		}
		if wantErr != nil || !want.OK {
			return
		}
		// The list and object paths agree element by element.
		l := newItems()
		_, listErr := Decode(b, l)
		elems, ok := wiretest.Elements(want.Data)
		if !ok {
			require.ErrorIs(t, listErr, ErrData, "%q", b)
			return
		}
		var objErr error
		var objItems []item
		for _, e := range elems {
			o := newItem()
			_, err := Decode(fmt.Appendf(nil, `{"status":"ok","data":%s}`, e), o)
			objErr = errors.Join(objErr, err)
			objItems = append(objItems, o.Item)
		}
		require.Equal(t, objErr != nil, listErr != nil, "%q: object path %v, list path %v", b, objErr, listErr)
		if listErr == nil {
			require.Equal(t, len(objItems), len(l.Items))
			for i := range objItems {
				require.Equal(t, show(objItems[i]), show(l.Items[i]), "%q", b)
			}
		}
	})
}
func show(v item) string {
	rate := "nil"
	if v.Rate != nil {
		rate = fmt.Sprint(*v.Rate)
	}
	return fmt.Sprintf("%q %q %s %v %q", v.ID, v.Name, rate, v.On, v.Kind)
}

func TestNextSpecial(t *testing.T) {
	t.Parallel()
	special := func(c byte) bool { return c < 0x20 || c >= 0x80 || c == '"' || c == '\\' }
	for c := range 256 {
		for _, n := range []int{1, 7, 8, 9, 17} {
			for pos := range n {
				for _, fill := range []byte{'a', 0x20, 0x7f, '!', '#', '[', ']', 0x21} {
					b := bytes.Repeat([]byte{fill}, n)
					b[pos] = byte(c)
					want := len(b)
					for i, x := range b {
						if special(x) {
							want = i
							break
						}
					}
					require.Equal(t, want, nextSpecial(b, 0), "%q", b)
				}
			}
		}
	}
}

// A record that requires its id refuses an object without one, and a list
// longer than MaxListItems is refused, the rest skipped rather than kept.
func TestRequiredFieldAndListCap(t *testing.T) {
	t.Parallel()
	rec := NewRecord(
		ID("id", func(v *item) *string { return &v.ID }),
		String("name", func(v *item) *string { return &v.Name }),
	).Requiring("id", func(v *item) string { return v.ID })
	list := &List[item, item]{Rec: rec, Conv: self[item]}
	_, err := Decode([]byte(`{"status":"ok","data":[{"id":"1"},{"name":"no id"}]}`), list)
	require.ErrorIs(t, err, ErrData)
	assert.Contains(t, err.Error(), "an object with id")
	for _, id := range []string{`{}`, `{"id":null}`, `{"id":""}`, `{"id":"  "}`} {
		_, err = Decode([]byte(`{"status":"ok","data":[`+id+`]}`), list)
		require.ErrorIs(t, err, ErrData, id)
	}

	var b strings.Builder
	b.WriteString(`{"status":"ok","data":[`)
	for i := range MaxListItems + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":1}`)
	}
	b.WriteString(`]}`)
	_, err = Decode([]byte(b.String()), list)
	require.ErrorIs(t, err, ErrData)
	assert.Contains(t, err.Error(), "at most 100000 elements")
	assert.Len(t, list.Items, MaxListItems, "nothing past the cap is kept")
}
