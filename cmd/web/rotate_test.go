package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The operator's rotation, through the real commands: a hospital seeded under key A is
// rotated to B (A as previous), a second run finds nothing left, and the purge reports
// (dry run) and then deletes.
func TestRotateKeyAndPurgeCommands(t *testing.T) {
	dir := t.TempDir()
	keyA, keyB := strings.Repeat("A", 32), strings.Repeat("B", 32)
	run := func(env []string, args ...string) (string, error) {
		cmd := command(dir, freeAddr(t), args...)
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run([]string{"HMS_ENCRYPTION_KEY=" + keyA}, "seed")
	require.NoError(t, err, out)

	out, err = run([]string{"HMS_ENCRYPTION_KEY=" + keyB}, "rotate-key")
	require.Error(t, err, "without the old key there is nothing to rotate from")
	assert.Contains(t, out, "HMS_ENCRYPTION_KEY_PREVIOUS")

	rotating := []string{"HMS_ENCRYPTION_KEY=" + keyB, "HMS_ENCRYPTION_KEY_PREVIOUS=" + keyA}
	out, err = run(rotating, "rotate-key")
	require.NoError(t, err, out)
	assert.Regexp(t, `re-sealed [1-9]\d*, already current \d+, to retry 0, unreadable 0`, out)
	assert.Regexp(t, `unreadable 0; member numbers sealed [1-9]`, out, "the demo's insurance member numbers move too")
	assert.Regexp(t, `member numbers on invoices and claims re-sealed \d+`, out)
	assert.Contains(t, out, "HMS_ENCRYPTION_KEY_PREVIOUS can be removed")

	out, err = run(rotating, "rotate-key")
	require.NoError(t, err, out)
	assert.Contains(t, out, "re-sealed 0,", "a second run has nothing left to do")

	out, err = run([]string{"HMS_ENCRYPTION_KEY=" + keyB}, "purge", "--dry-run")
	require.NoError(t, err, out)
	assert.Contains(t, out, "dry run: nothing deleted")
	assert.Contains(t, out, "Session records")
	assert.Contains(t, out, "never purged")
	out, err = run([]string{"HMS_ENCRYPTION_KEY=" + keyB}, "purge")
	require.NoError(t, err, out)
	assert.NotContains(t, out, "dry run")
	_, err = run(nil, "purge", "--everything")
	require.Error(t, err)
}
