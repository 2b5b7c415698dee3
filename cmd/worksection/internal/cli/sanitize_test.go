package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/worksection-go/worksection/webasyst"
	"github.com/worksection-go/worksection/webasyst/webasysttest"
	"github.com/worksection-go/worksection/worksectiontest"
)

// rawTerminal lists what must never reach a terminal from a server or a
// file: ESC, BEL, a bare CR, an 8-bit CSI, and a right-to-left override.
var rawTerminal = []string{"\x1b", "\a", "\r", "\u009b", "\u202e", "\u2066"}

func assertPrintable(t *testing.T, out string) {
	t.Helper()
	for _, c := range rawTerminal {
		assert.NotContains(t, out, c, "%q", out)
	}
}

func TestPrintable(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Ops]0;owned[2J [9/9] done", printable("Ops\x1b]0;owned\a\x1b[2J\n[9/9] done"))
	assert.Equal(t, "abc", printable("a\u202eb\u2066c\u009b"))
	assert.Equal(t, "a\nb", multiline("a\n\rb\x1b"))
	assert.Equal(t, `{"n":"a\u202eb\u009b"}`, string(escapeJSON([]byte("{\"n\":\"a\u202eb\u009b\"}"))))
	assert.Equal(t, "{\"n\":\"Дана 田中 😀\"}", string(escapeJSON([]byte("{\"n\":\"Дана 田中 😀\"}"))), "other text is kept")
}

// An account whose error message and details hold terminal escapes: the
// error line shows them stripped, on one line.
func TestServerErrorTextIsPrintable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":"error","status_code":1,"message":"Bad\u001b[2J\u0007\rthing\u202e","message_details":"x\u001b]0;owned\u0007\ny\u009b"}`))
	}))
	defer srv.Close()
	h := newHarness(t, nil)
	h.env[envAccountURL], h.env[envAPIKey] = srv.URL, "some-key-1"
	for _, format := range []string{"table", "json", "csv"} {
		r := h.run("users", "list", "-o", format)
		oneErrorLine(t, r, "Bad[2J thing (code 1, x]0;owned y)")
		assertPrintable(t, r.stderr)
	}
}

// A Webasyst group named to forge a progress line and retitle the
// terminal reaches every output stripped, on its own line.
func TestWebasystTextIsPrintable(t *testing.T) {
	t.Parallel()
	evil := "Ops\x1b]0;owned\a\x1b[2J\n[9/9] invite ceo@example.com: done\u202e"
	wa := webasysttest.NewServer(webasysttest.WithTeam([]webasyst.Teammate{{
		Contact:     webasyst.Contact{ID: 1, Name: "Eve\u202eliam"},
		ContactInfo: webasyst.ContactInfo{Email: []webasyst.Labeled{{Value: "eve@new.example"}}},
		Groups:      webasyst.Groups{{ID: 1, Name: evil}},
	}}))
	defer wa.Close()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, srv)
	h.env[envWebasystURL], h.env[envWebasystTok] = wa.URL, wa.Token

	for _, args := range [][]string{
		{"sync", "plan", "--from", "webasyst", "-o", "table"}, {"sync", "plan", "--from", "webasyst", "-o", "csv"},
		{"sync", "plan", "--from", "webasyst", "-o", "json"}, {"sync", "apply", "--yes", "--from", "webasyst", "-o", "table"},
		{"teams", "list", "-o", "table"}, {"teams", "list", "-o", "csv"}, {"teams", "list", "-o", "json"},
	} {
		r := h.run(args...)
		assertPrintable(t, r.stdout+r.stderr)
		for _, l := range strings.Split(r.stderr, "\n") {
			assert.False(t, strings.HasPrefix(l, "[9/9]"), "a forged progress line: %q", r.stderr)
		}
		if args[1] == "apply" {
			require.Contains(t, r.stderr, "[1/2] create team Ops]0;owned[2J [9/9] invite ceo@example.com: done: done\n")
		}
	}
}
