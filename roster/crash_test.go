package roster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

// The helper process: the test binary run again with helperEnv set loads
// the CSV named in the environment and applies it, like a sync job would.
const helperEnv = "ROSTER_APPLY_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		if err := applyHelper(); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func applyHelper() error {
	f, err := os.Open(os.Getenv("ROSTER_CSV"))
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := ReadCSV(f)
	if err != nil {
		return err
	}
	c, err := ws.NewClient(os.Getenv("ROSTER_URL"), ws.WithAPIKey(os.Getenv("ROSTER_KEY")), ws.WithRateLimit(rate.Inf, 0))
	if err != nil {
		return err
	}
	ctx := context.Background()
	p, err := src.Load(ctx, c)
	if err != nil {
		return err
	}
	r, err := Apply(ctx, c, p, ApplyOptions{})
	if err != nil {
		return err
	}
	if len(r.Failed) > 0 {
		return fmt.Errorf("%d steps failed: %s", len(r.Failed), r.Failed[0].Reason)
	}
	return nil
}

// TestKilledApplyRerun kills a real apply process with SIGKILL part way
// through, runs it again, and checks the account reached the roster with
// nobody invited twice and nobody left out.
func TestKilledApplyRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	t.Parallel()
	srv := worksectiontest.NewServer()
	defer srv.Close()
	const people = 12
	var csv strings.Builder
	csv.WriteString("email,first_name,team,projects\n")
	var want []string
	for i := range people {
		email := fmt.Sprintf("hire%02d@new.example", i)
		want = append(want, email)
		fmt.Fprintf(&csv, "%s,Hire %d,Crew %d,28\n", email, i, i%3)
	}
	path := filepath.Join(t.TempDir(), "people.csv")
	require.NoError(t, os.WriteFile(path, []byte(csv.String()), 0o600))
	// Slow invitations, so the kill lands mid-run (often mid-request).
	srv.Inject("add_user", 2*people, worksectiontest.Delay(200*time.Millisecond))
	seeded := len(srv.Users())

	helper := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=1", "ROSTER_CSV="+path, "ROSTER_URL="+srv.URL, "ROSTER_KEY="+srv.APIKey)
		return cmd
	}
	first := helper()
	require.NoError(t, first.Start())
	deadline := time.Now().Add(60 * time.Second)
	for len(srv.Users()) < seeded+3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, first.Process.Kill()) // SIGKILL: no deferred code runs
	_ = first.Wait()
	atKill := len(srv.Users()) - seeded
	require.GreaterOrEqual(t, atKill, 3, "the first run got going")
	require.Less(t, atKill, people, "the kill landed before the end; the rerun has work to do")

	out, err := helper().CombinedOutput()
	require.NoError(t, err, "%s", out)

	count := map[string]int{}
	for _, u := range srv.Users() {
		count[emailKey(u.Email)]++
	}
	for _, e := range want {
		assert.Equal(t, 1, count[e], "%s is a member exactly once", e)
	}
	assert.Len(t, srv.Users(), seeded+people)
	invited := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Action == "add_user" && r.Outcome == "ok" {
			invited[r.Params.Get("email")]++
		}
	}
	for _, e := range want {
		assert.Equal(t, 1, invited[e], "%s was invited once", e)
	}
	onProject := map[string]int{}
	for _, e := range srv.ProjectMembers("28") {
		onProject[emailKey(e)]++
	}
	for _, e := range want {
		assert.Equal(t, 1, onProject[e], "%s is on the project", e)
	}
	teams := map[string]int{}
	for _, g := range srv.UserGroups() {
		teams[g.Title]++
	}
	for i := range 3 {
		assert.Equal(t, 1, teams[fmt.Sprintf("Crew %d", i)])
	}
}
