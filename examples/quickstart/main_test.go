package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartOnFake(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), func(string) string { return "" }, &stdout, &stderr))
	out := stdout.String()
	for _, want := range []string{
		"Users (8)", "Teams (4)", "Contacts (4)", "Contact folders (6)",
		"3993  John Smith     john.smith@acme.example     owner             Management",
		"2980  Northwind Traders  client",
		"5607  Steve Powerhold  -                        +1 555 0199       DEFAULT",
		"1     USERS      preset",
	} {
		assert.Contains(t, out, want)
	}
	assert.Contains(t, stderr.String(), "using the built-in fake server")
}
