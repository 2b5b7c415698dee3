package wire

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type label string

func (l label) String() string { return "<" + string(l) + ">" }

type flag bool

func (f flag) String() string { return "flag" }

type level int

// planned has a field of every kind the plan encodes itself.
type planned struct {
	Email   string   `url:"email"`
	Name    string   `url:"name,omitempty"`
	On      bool     `url:"on,int,omitempty"`
	Off     bool     `url:"off"`
	Count   int      `url:"count,omitempty"`
	Big     uint64   `url:"big"`
	Level   level    `url:"level"`
	Label   label    `url:"label,omitempty"`
	Flag    flag     `url:"flag,int"`
	Tags    []string `url:"tags,comma"`
	IDs     []int    `url:"ids"`
	Spaced  []string `url:"spaced,space,omitempty"`
	Piped   []bool   `url:"piped,int" del:"|"`
	Skip    string   `url:"-"`
	hidden  string
	Untaged string
}

// fallback has fields only go-querystring encodes.
type fallback struct {
	Email string    `url:"email"`
	When  time.Time `url:"when,unix"`
	Ptr   *string   `url:"ptr,omitempty"`
	Rate  float64   `url:"rate"`
}

func TestEncoderPlansCommonTypes(t *testing.T) {
	t.Parallel()
	var e Encoder
	assert.NotNil(t, e.plan(typeOf(planned{})))
	assert.Nil(t, e.plan(typeOf(fallback{})))
	q, err := e.Encode("x", fallback{Email: "a", When: time.Unix(5, 0), Rate: 1.5})
	require.NoError(t, err)
	assert.Equal(t, "action=x&email=a&when=5&rate=1.5", q)
}

// FuzzEncoderMatchesQuerystring: the plan writes byte for byte what
// go-querystring (the definition of the encoding) gives.
func FuzzEncoderMatchesQuerystring(f *testing.F) {
	f.Add("a@b.c", "Kate Ann", true, false, 0, uint64(7), "x~y", "a,b", -3)
	f.Add("", "", false, true, 12, uint64(0), "", "", 0)
	f.Add("ü&action=z", " ", true, true, -1, uint64(1<<63), "+%", ",", 99)
	f.Fuzz(func(t *testing.T, email, name string, on, off bool, count int, big uint64, lbl, tags string, id int) {
		p := planned{Email: email, Name: name, On: on, Off: off, Count: count, Big: big, Level: level(id),
			Label: label(lbl), Flag: flag(on), Skip: "s", hidden: "h", Untaged: name}
		if tags != "" {
			p.Tags = strings.Split(tags, ",")
			p.Spaced = p.Tags
			p.IDs = []int{id, count}
			p.Piped = []bool{on, off}
		}
		var e Encoder
		for _, params := range []any{p, &p} {
			got, err := e.Encode("act", params)
			require.NoError(t, err)
			var want strings.Builder
			want.WriteString("action=act")
			require.NoError(t, encodeValues(&want, params))
			require.Equal(t, want.String(), got)
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	type addUser struct {
		Email      string `url:"email"`
		FirstName  string `url:"first_name,omitempty"`
		LastName   string `url:"last_name,omitempty"`
		Title      string `url:"title,omitempty"`
		Group      string `url:"group,omitempty"`
		Department string `url:"department,omitempty"`
		Role       string `url:"role,omitempty"`
	}
	p := addUser{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Group: "Development", Role: "user"}
	b.Run("path=plan", func(b *testing.B) {
		var e Encoder
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Encode("add_user", p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("path=querystring", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s strings.Builder
			if err := encodeValues(&s, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func typeOf(v any) reflect.Type { return reflect.TypeOf(v) }
