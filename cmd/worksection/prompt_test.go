//go:build linux

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// terminal is the tool running on a pseudo-terminal, which stays open
// after it exits.
type terminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx io.ReadWriteCloser
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (u *user) onTerminal(args ...string) *terminal {
	ptmx, tty, err := pty.Open()
	require.NoError(u.t, err)
	if u.termCols > 0 {
		require.NoError(u.t, pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: u.termCols}))
	}
	u.t.Cleanup(func() { _ = tty.Close(); _ = ptmx.Close() })
	cmd := exec.Command(u.bin, args...)
	cmd.Env = u.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true} // Ctrl-C reaches it as SIGINT
	require.NoError(u.t, cmd.Start())
	term := &terminal{t: u.t, cmd: cmd, ptmx: ptmx, tty: tty, done: make(chan struct{})}
	go func() {
		defer close(term.done)
		buf := make([]byte, 1024)
		for {
			n, err := ptmx.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return term
}

func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}

// waitFor waits (up to 30 s) until the terminal shows s.
func (term *terminal) waitFor(s string) {
	term.t.Helper()
	require.Eventually(term.t, func() bool { return strings.Contains(term.output(), s) }, 30*time.Second, 10*time.Millisecond,
		"waiting for %q on the terminal: %q", s, term.output())
}

// waitEchoOff waits (up to 30 s) until the tool has turned the terminal's
// echo off, as a person reads the prompt before typing: typing at once
// races the tool between printing the prompt and reading the key.
func (term *terminal) waitEchoOff() {
	term.t.Helper()
	require.Eventually(term.t, func() bool {
		st, err := unix.IoctlGetTermios(int(term.tty.Fd()), unix.TCGETS)
		return err == nil && st.Lflag&unix.ECHO == 0
	}, 30*time.Second, 5*time.Millisecond, "the tool never turned echo off")
}

// exit waits for the process and returns its exit status.
func (term *terminal) exit() int {
	err := term.cmd.Wait()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode()
	}
	require.NoError(term.t, err)
	return 0
}

// On a terminal, `context create` asks for the key with echo off, with
// --api-key-stdin too.
func TestContextCreatePromptsOnATerminal(t *testing.T) {
	const key = "typed-key-93bd0a"
	u := newUser(t, "WORKSECTION_NO_KEYRING=1")
	url := startFake(t, u.bin, key)

	for _, name := range []string{"typed", "typed-stdin"} {
		args := []string{"context", "create", name, "--account-url", url}
		if name == "typed-stdin" {
			args = append(args, "--api-key-stdin")
		}
		term := u.onTerminal(args...)
		term.waitFor("API key for " + strings.TrimPrefix(url, "http://") + " (Account → API; not shown as you type): ")
		term.waitEchoOff()
		_, err := term.ptmx.Write([]byte(key + "\r"))
		require.NoError(t, err)
		require.Equal(t, 0, term.exit(), term.output())
		term.waitFor(name) // the new context, as a table on a terminal (the reader may still be draining the pty)
		assert.NotContains(t, term.output(), key, "not echoed")

		code, stdout, stderr := u.run("", nil, "auth", "status", "-o", "csv")
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, `context ""`+name+`""`, "the new context is active")
		assert.Contains(t, stdout, ",accepted\n", "the typed key is the one saved")
	}
}

// Ctrl-C at the prompt ends the tool, saves nothing and leaves echo on.
func TestContextCreatePromptInterrupted(t *testing.T) {
	u := newUser(t, "WORKSECTION_NO_KEYRING=1")
	term := u.onTerminal("context", "create", "gone", "--account-url", "https://acme.worksection.com")
	term.waitFor("not shown as you type): ")
	term.waitEchoOff()
	_, err := term.ptmx.Write([]byte("half-typed\x03"))
	require.NoError(t, err)
	assert.NotEqual(t, 0, term.exit())
	_, err = term.ptmx.Write([]byte("echoed-again\r"))
	require.NoError(t, err)
	term.waitFor("echoed-again") // the terminal echoes again: the tool turned echo back on
	assert.NotContains(t, term.output(), "half-typed", "what was typed at the prompt was not echoed (checked once drained)")

	code, stdout, _ := u.run("", nil, "context", "list")
	require.Equal(t, 0, code)
	assert.Equal(t, "[]\n", stdout, "nothing saved")
}
