package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"

	"github.com/worksection-go/worksection/internal/storedtoken"
	"github.com/worksection-go/worksection/worksectiontest"
)

// The keyring path through go-keyring's own mock (its provider is global:
// this test is the only one that uses it, and is not parallel).
func TestSecretsInTheKeyring(t *testing.T) {
	keyring.MockInit()
	srv := worksectiontest.NewServer(worksectiontest.WithAccessTokenTTL(2 * time.Second))
	defer srv.Close()
	h := newHarness(t, nil)
	h.keyring = osKeyring{}
	dir := filepath.Join(h.config, "worksection")

	r := h.createContext("kr", srv.URL, srv.APIKey)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr, "no notice: the keyring took it")
	assert.Equal(t, storeKeyring, decode[contextJSON](t, r.stdout).Store)
	got, err := keyring.Get(keyringService, "kr@"+dir)
	require.NoError(t, err)
	assert.Equal(t, srv.APIKey, got)
	assert.NoFileExists(t, filepath.Join(dir, "secrets", "kr"))
	config, err := os.ReadFile(filepath.Join(dir, configFileName))
	require.NoError(t, err)
	assert.NotContains(t, string(config), srv.APIKey)
	r = h.run("teams", "list", "-o", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Northwind Traders")

	// An OAuth token too, and its refresh is saved back to the keyring.
	h.env[envClientID], h.env[envClientSecret], h.env[envOAuthURL] = srv.ClientID, srv.ClientSecret, srv.URL
	require.Equal(t, 0, h.run("login", "--context", "tok").code)
	first, err := keyring.Get(keyringService, "tok@"+dir)
	require.NoError(t, err)
	time.Sleep(1500 * time.Millisecond) // past half the token's 2 s lifetime: due for a refresh
	r = h.run("whoami", "--context", "tok")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, srv.RefreshCount())
	second, err := keyring.Get(keyringService, "tok@"+dir)
	require.NoError(t, err)
	assert.NotEqual(t, first, second, "the refreshed token replaced the old one in the keyring")
	assert.FileExists(t, filepath.Join(dir, "secrets", "tok.lock"), "refreshes take the context's file lock")

	require.Equal(t, 0, h.run("logout", "--context", "kr").code)
	_, err = keyring.Get(keyringService, "kr@"+dir)
	assert.ErrorIs(t, err, keyring.ErrNotFound)
	require.Equal(t, 0, h.run("context", "delete", "tok").code)
	_, err = keyring.Get(keyringService, "tok@"+dir)
	assert.ErrorIs(t, err, keyring.ErrNotFound)

	// With WORKSECTION_NO_KEYRING a secret in the keyring is an error, not a guess.
	require.Equal(t, 0, h.createContext("kr2", srv.URL, srv.APIKey).code)
	h.env[envNoKeyring] = "1"
	oneErrorLine(t, h.run("teams", "list", "--context", "kr2"), `context "kr2"`, "OS keyring", envNoKeyring+" is set")
}

// memKeyring is a keyring in memory that can be made to fail.
type memKeyring struct {
	mu   sync.Mutex
	m    map[string]string
	fail error
}

func (k *memKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return k.fail
	}
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[service+"/"+user] = secret
	return nil
}

func (k *memKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return "", k.fail
	}
	s, ok := k.m[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return s, nil
}

func (k *memKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, service+"/"+user)
	return k.fail
}

// Where the keyring fails (headless Linux: no D-Bus), secrets go in files
// of mode 0600 and the tool says so once per config folder.
func TestSecretsFallBackToAFile(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	h.keyring = &memKeyring{fail: errors.New("exec: \"dbus-launch\": executable file not found in $PATH")}
	dir := filepath.Join(h.config, "worksection")

	r := h.createContext("f1", srv.URL, srv.APIKey)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `worksection: no OS keyring: exec: "dbus-launch": executable file not found in $PATH: secrets are kept in files of mode 0600 in `+
		filepath.Join(dir, "secrets")+" (said once)\n", r.stderr)
	assert.Equal(t, storeFile, decode[contextJSON](t, r.stdout).Store)
	r = h.createContext("f2", srv.URL, srv.APIKey)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr, "said once per config folder")
	r = h.run("teams", "list", "--context", "f1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr, "reading a secret from its file says nothing")

	for _, p := range []string{filepath.Join(dir, "secrets", "f1"), filepath.Join(dir, configFileName)} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), p)
	}
	fi, err := os.Stat(filepath.Join(dir, "secrets"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	b, err := os.ReadFile(filepath.Join(dir, "secrets", "f1"))
	require.NoError(t, err)
	assert.Equal(t, srv.APIKey, string(b))

	// A keyring that works later takes the next secret; the old ones stay where they are.
	h.keyring = &memKeyring{}
	r = h.createContext("k", srv.URL, srv.APIKey)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, storeKeyring, decode[contextJSON](t, r.stdout).Store)
	assert.Equal(t, 0, h.run("teams", "list", "--context", "f1").code)
}

func TestSecretsNoKeyringVariable(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	kr := &memKeyring{}
	h.keyring = kr
	h.env[envNoKeyring] = "1"
	r := h.createContext("f", srv.URL, srv.APIKey)
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "worksection: WORKSECTION_NO_KEYRING is set: secrets are kept in files of mode 0600"), r.stderr)
	assert.Empty(t, kr.m, "the keyring is not touched")
}

// A context's token in a file is the SDK's stored form, and a token that
// does not decode is an error naming the context, never its bytes.
func TestContextTokenStore(t *testing.T) {
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	h := newHarness(t, nil)
	h.env[envClientID], h.env[envClientSecret], h.env[envOAuthURL] = srv.ClientID, srv.ClientSecret, srv.URL
	require.Equal(t, 0, h.run("login", "--context", "t").code)
	path := filepath.Join(h.config, "worksection", "secrets", "t")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	tok, err := storedtoken.Unmarshal(b)
	require.NoError(t, err)
	assert.NotEmpty(t, tok.RefreshToken)

	require.NoError(t, os.WriteFile(path, []byte(`{"access_token":"leaky-secret-789"`), 0o600))
	r := h.run("users", "list", "--context", "t")
	oneErrorLine(t, r, `the token of context "t"`)
	assert.NotContains(t, r.stderr, "leaky-secret-789")
}
