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

const people = `email,first_name,last_name,team,role
ada@new.example,Ada,Lovelace,Engineering,user
kate.greenway@acme.example,Kate,Greenway,Development,
not-an-email,Bad,Row,,
grace@new.example,"Grace ""Amazing""",Hopper,Engineering,guest
tim@new.example,Tim,Berners-Lee,,admin
x@new.example,Too,Many,Columns,user,extra
bad@new.example,Bad "quote,Row,,
lin@new.example,Lin,Wu,,
`

func noEnv(string) string { return "" }

func TestInvite(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{writeCSV(t, people)}, noEnv, &stdout, &stderr)
	require.ErrorIs(t, err, errRowsFailed, "refused rows make the exit status non-zero")
	out := stdout.String()
	assert.Contains(t, out, "line 4: refused: invalid email \"not-an-email\"\n")
	assert.Contains(t, out, "line 6: refused: unknown role \"admin\"")
	assert.Contains(t, out, "line 7: refused: malformed row: 6 cells, the header has 5\n")
	assert.Contains(t, out, "line 8: refused: malformed row")
	assert.Contains(t, out, "kate.greenway@acme.example: already a member\n")
	assert.Contains(t, out, "[1/4] create team Engineering: done\n")
	assert.Contains(t, out, "invite ada@new.example: done\n")
	assert.Contains(t, out, "invite grace@new.example: done\n")
	assert.Contains(t, out, "[4/4] invite lin@new.example: done\n", "rows after a bad quote are read")
	assert.Contains(t, out, "4 done, 0 failed, 0 skipped; 1 already members, 4 refused\n")
	assert.Equal(t, 1, strings.Count(out, "ada@new.example"), "nothing printed twice")
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "stderr: only the fake's notice")
}

func TestInviteDryRun(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("email,last_name,team\n")
	for i := range 12 {
		fmt.Fprintf(&b, "p%d@new.example,%d,Team %d\n", i, i, i%2)
	}
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-dry-run", writeCSV(t, b.String())}, noEnv, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "p0@new.example: would invite\n")
	assert.Contains(t, stdout.String(), "12 would invite, 0 already members, 0 refused; 2 teams to create\n")
}

func TestInviteGuardRail(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-max-invites", "1", writeCSV(t, people)}, noEnv, &stdout, &stderr)
	assert.ErrorContains(t, err, "more than the limit of 1")
}

func TestInviteUsage(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	assert.ErrorContains(t, run(context.Background(), nil, noEnv, &stdout, &stderr), "usage")
	assert.Error(t, run(context.Background(), []string{"/does/not/exist.csv"}, noEnv, &stdout, &stderr))
	env := func(k string) string { return map[string]string{"WORKSECTION_API_KEY": "k"}[k] }
	assert.ErrorContains(t, run(context.Background(), []string{writeCSV(t, people)}, env, &stdout, &stderr), "WORKSECTION_ACCOUNT_URL is not")
}
