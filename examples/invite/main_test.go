package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeCSV(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "people.csv")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

const people = `email,first name,last name,team,role
ada@new.example,Ada,Lovelace,Engineering,user
kate.greenway@acme.example,Kate,Greenway,Development,
not-an-email,Bad,Row,,
grace@new.example,Grace,Hopper,Engineering,guest
tim@new.example,Tim,Berners-Lee,,admin
x@new.example,Too,Many,Columns,user,extra
`

func noEnv(string) string { return "" }

func TestInvite(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{writeCSV(t, people)}, noEnv, &stdout, &stderr)
	require.ErrorIs(t, err, errRowsFailed, "bad rows make the exit status non-zero")
	out := stdout.String()
	assert.Contains(t, out, "ada@new.example: invited\n")
	assert.Contains(t, out, "grace@new.example: invited\n")
	assert.Contains(t, out, "kate.greenway@acme.example: skipped: already a member\n")
	assert.Contains(t, out, "not-an-email: failed: worksection: add_user: invalid Email")
	assert.Contains(t, out, "tim@new.example: failed: worksection: add_user: invalid Role")
	assert.Contains(t, out, "x@new.example: failed: line 7 has 6 columns")
	assert.Contains(t, out, "2 invited, 1 skipped (already members), 3 failed; 1 teams created\n")
}

func TestInviteDryRunAndProgress(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := range 12 {
		fmt.Fprintf(&b, "p%d@new.example,P,%d,Team %d,\n", i, i, i%2)
	}
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-dry-run", writeCSV(t, b.String())}, noEnv, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "p0@new.example: would invite\n")
	assert.Contains(t, stdout.String(), "12 would invite, 0 skipped (already members), 0 failed; 2 teams to create\n")
	assert.Contains(t, stderr.String(), "[12/12] p11@new.example: would invite")
}

func TestInviteUsage(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	assert.ErrorContains(t, run(context.Background(), nil, noEnv, &stdout, &stderr), "usage")
	assert.Error(t, run(context.Background(), []string{"/does/not/exist.csv"}, noEnv, &stdout, &stderr))
}
