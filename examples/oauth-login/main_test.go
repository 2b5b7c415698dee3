package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
)

func TestOAuthLoginOnFake(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "token.json")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-token-file", path, "-timeout", "20s"}, func(string) string { return "" }, &stdout, &stderr)
	require.NoError(t, err, stderr.String())

	out := stdout.String()
	assert.Contains(t, out, "Open this URL to sign in:")
	assert.Contains(t, out, "/oauth2/authorize?")
	assert.NotContains(t, out, "client_secret")
	assert.Contains(t, out, "Signed in as John Smith <john.smith@acme.example>, owner in Management")
	assert.Contains(t, stderr.String(), "built-in fake server")

	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	saved, err := ws.NewFileTokenStore(path).Load(context.Background())
	require.NoError(t, err)
	require.NotNil(t, saved)
	assert.NotEmpty(t, saved.AccessToken)
	assert.NotEmpty(t, saved.RefreshToken)
	assert.Contains(t, ws.AccountURL(saved), "http://127.0.0.1:")
	assert.NotContains(t, out, saved.AccessToken, "tokens are not printed")
	assert.NotContains(t, out, saved.RefreshToken)
}

func TestOAuthLoginKeepsTheTokenInTheConfigFolder(t *testing.T) {
	config, work := t.TempDir(), t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	t.Setenv("HOME", config)
	t.Chdir(work)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-timeout", "20s"}, func(string) string { return "" }, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	info, err := os.Stat(filepath.Join(config, "worksection", "oauth-login-token.json"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(work)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing in the working directory")
}
