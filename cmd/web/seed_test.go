package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// A generated hospital passes every consistency check (ledgers balance, accounts equal
// charges − payments, beds and occupants), the same seed gives the same counts, and a
// second generation into the same database is refused.
func TestSeedProfileGeneratesAConsistentHospital(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	run := func(dir string, args ...string) string {
		out, err := command(dir, freeAddr(t), args...).CombinedOutput()
		require.NoError(t, err, "%v: %s", args, out)
		return string(out)
	}
	took := regexp.MustCompile(` in [0-9.hms]+\n`)
	counts := func(out string) string {
		m := regexp.MustCompile(`generated the tiny profile \(seed 7\): (.*)\n`).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		return took.ReplaceAllString(m[1]+"\n", "")
	}
	a := counts(run(first, "seed", "--profile", "tiny", "--seed", "7"))
	require.Regexp(t, `^300 patients, 500 OPD visits, 30 admissions \([1-9][0-9]* vitals, [1-9][0-9]* MAR doses\), [1-9][0-9]* lab orders \([1-9][0-9]* results\), [1-9][0-9]* dispensed lines, 2000 charges, [1-9][0-9]* payments, [1-9][0-9]* claims$`, a)
	require.Contains(t, run(first, "check"), "0 problem(s) found")
	require.Equal(t, a, counts(run(second, "seed", "--profile", "tiny", "--seed", "7")), "the same seed, the same hospital")

	again, err := command(first, freeAddr(t), "seed", "--profile", "tiny").CombinedOutput()
	require.Error(t, err, "generating on top of a generated hospital must be refused")
	require.Contains(t, string(again), "already has more than the demo's patients")
	bad, err := command(first, freeAddr(t), "seed", "--profile", "huge").CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(bad), `unknown profile "huge"`)
}
