package worksection_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	ws "github.com/worksection-go/worksection"
)

func TestSameEmail(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"Kate@Example.COM", "kate@example.com", true},
		{" kate@x ", "kate@x", true},
		{"\u212Aate@x", "kate@x", false}, // Kelvin sign is not K
		{"kate@x", "kate@y", false},
		{"kate@x", "katee@x", false},
	} {
		assert.Equal(t, tc.same, ws.SameEmail(tc.a, tc.b), "%q vs %q", tc.a, tc.b)
	}
	assert.Equal(t, "kate@example.com", ws.EmailKey(" Kate@Example.COM "))
}
