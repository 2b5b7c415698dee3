package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ws "github.com/worksection-go/worksection"
)

func TestSubscribe(t *testing.T) {
	t.Parallel()
	noEnv := func(string) string { return "" }
	for _, tc := range []struct {
		args []string
		out  string
		err  error
	}{
		{[]string{"-task", "1201", "-email", "yuki.tanaka@acme.example"}, "subscribed yuki.tanaka@acme.example to task 1201\n", nil},
		{[]string{"-task", "1201", "-email", "kate.greenway@acme.example", "-unsubscribe"}, "unsubscribed kate.greenway@acme.example from task 1201\n", nil},
		{[]string{"-task", "1201", "-email", "a@x.com,b@y.com"}, "", ws.ErrInvalidInput},
		{[]string{"-task", "abc", "-email", "a@x.com"}, "", ws.ErrInvalidInput},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tc.args, noEnv, &stdout, &stderr)
		if tc.err != nil {
			assert.ErrorIs(t, err, tc.err, tc.args)
			continue
		}
		require.NoError(t, err, tc.args)
		assert.Equal(t, tc.out, stdout.String())
	}

	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-task", "999", "-email", "yuki.tanaka@acme.example"}, noEnv, &stdout, &stderr)
	var apiErr *ws.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Task is invalid", apiErr.Message)
	assert.ErrorContains(t, run(context.Background(), nil, noEnv, &stdout, &stderr), "usage")
}
