package worksection_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	ws "github.com/worksection-go/worksection"
)

func TestFileTokenStoreSaveLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	s := ws.NewFileTokenStore(path)
	ctx := context.Background()

	tok, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Nil(t, tok, "no file yet")

	require.NoError(t, os.WriteFile(path, []byte("{}"), 0o644)) // an old, too open file
	expiry := time.Now().Add(time.Hour).Round(time.Second)
	in := (&oauth2.Token{AccessToken: "at-1", RefreshToken: "rt-1", TokenType: "Bearer", Expiry: expiry, ExpiresIn: 3600}).
		WithExtra(map[string]any{"account_url": "https://acme.worksection.com"})
	require.NoError(t, s.Save(ctx, in))

	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "replaced by a 0600 file")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")

	out, err := ws.NewFileTokenStore(path).Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, "at-1", out.AccessToken)
	assert.Equal(t, "rt-1", out.RefreshToken)
	assert.True(t, expiry.Equal(out.Expiry))
	assert.Equal(t, int64(3600), out.ExpiresIn)
	assert.Equal(t, "https://acme.worksection.com", ws.AccountURL(out))

	var raw map[string]any
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &raw))
	assert.Equal(t, "https://acme.worksection.com", raw["account_url"])
}

func TestFileTokenStoreLoadCorruptDoesNotQuoteIt(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "token.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"access_token":"secret-at-9","expiry":5}`), 0o600))
	_, err := ws.NewFileTokenStore(path).Load(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret-at-9")
}

func TestFileTokenStoreLockIsExclusive(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "token.json")
	a, b := ws.NewFileTokenStore(path), ws.NewFileTokenStore(path)
	unlock, err := a.Lock(context.Background())
	require.NoError(t, err)

	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = b.Lock(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "b waits while a holds the lock")

	got := make(chan func(), 1)
	go func() {
		u, err := b.Lock(context.Background())
		assert.NoError(t, err)
		got <- u
	}()
	unlock()
	unlock() // harmless
	select {
	case u := <-got:
		u()
	case <-time.After(20 * time.Second):
		t.Fatal("b did not get the lock after a released it")
	}
	info, err := os.Stat(path + ".lock")
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

// TestHelperHoldFileLock is not a test: TestFileTokenStoreLockDiesWithItsProcess
// runs it in a child process, which takes the lock and waits to be killed.
func TestHelperHoldFileLock(t *testing.T) {
	path := os.Getenv("WS_HOLD_LOCK")
	if path == "" {
		t.Skip("helper process only")
	}
	if _, err := ws.NewFileTokenStore(path).Lock(context.Background()); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(1)
}

func TestFileTokenStoreLockDiesWithItsProcess(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is a Unix signal")
	}
	path := filepath.Join(t.TempDir(), "token.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldFileLock$")
	cmd.Env = append(os.Environ(), "WS_HOLD_LOCK="+path)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "locked\n", line)

	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = ws.NewFileTokenStore(path).Lock(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the child holds the lock")

	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no unlock runs
	_ = cmd.Wait()
	ctx, cancel2 := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel2()
	unlock, err := ws.NewFileTokenStore(path).Lock(ctx)
	require.NoError(t, err, "the OS released the dead process's lock")
	unlock()
}

func TestFileTokenStoreEmptyPath(t *testing.T) {
	t.Parallel()
	s := ws.NewFileTokenStore("")
	_, err := s.Load(context.Background())
	require.ErrorContains(t, err, "path is empty")
	require.ErrorContains(t, s.Save(context.Background(), &oauth2.Token{AccessToken: "a"}), "path is empty")
	_, err = s.Lock(context.Background())
	require.ErrorContains(t, err, "path is empty")
}
