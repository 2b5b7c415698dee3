package exampleenv

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnect(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	c, done, err := Connect(func(string) string { return "" }, &stderr)
	require.NoError(t, err)
	defer done()
	assert.Contains(t, c.AccountURL(), "http://127.0.0.1:")
	assert.Contains(t, stderr.String(), "built-in fake server")

	stderr.Reset()
	env := map[string]string{"WORKSECTION_ACCOUNT_URL": "https://acme.worksection.com", "WORKSECTION_API_KEY": "k"}
	c, done, err = Connect(func(k string) string { return env[k] }, &stderr)
	require.NoError(t, err)
	defer done()
	assert.Equal(t, "https://acme.worksection.com", c.AccountURL())
	assert.Empty(t, stderr.String())

	for _, only := range []string{"WORKSECTION_ACCOUNT_URL", "WORKSECTION_API_KEY"} {
		stderr.Reset()
		getenv := func(k string) string {
			if k == only {
				return env[k]
			}
			return ""
		}
		_, _, err := Connect(getenv, &stderr)
		require.Error(t, err, only)
		assert.Contains(t, err.Error(), only+" is set but")
		assert.Empty(t, stderr.String(), "no silent fallback to the fake")
	}
}
