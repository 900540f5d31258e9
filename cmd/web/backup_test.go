package main

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"hms/store/seed"
)

// The operator's drill, through the real commands: seed a hospital, check it, back it
// up, restore the archive into another (empty) data directory, and check that.
func TestCheckBackupAndRestoreCommands(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	archive := filepath.Join(t.TempDir(), "hms.tar.gz")
	run := func(dir string, args ...string) string {
		out, err := command(dir, freeAddr(t), args...).CombinedOutput()
		require.NoError(t, err, "%v: %s", args, out)
		return string(out)
	}
	run(src, "seed")
	require.Contains(t, run(src, "check"), "0 problem(s) found")
	require.Contains(t, run(src, "backup", archive), "backup written")
	dump := archiveText(t, archive)
	require.Contains(t, dump, "Rajesh", "the archive's documents are read")
	for _, id := range seed.DemoIdentifiers() {
		require.NotContains(t, dump, id, "a dump shows no ID or member number in clear")
	}
	out := run(dst, "restore", archive)
	require.Contains(t, out, "counts and checksums match")
	require.Contains(t, out, "audit chain verified")
	require.Contains(t, run(dst, "check", "--repair"), "0 problem(s) found")

	again, err := command(dst, freeAddr(t), "restore", archive).CombinedOutput()
	require.Error(t, err, "a second restore onto data must be refused")
	require.Contains(t, string(again), "restore needs an empty database")
}

// archiveText is every file of a backup archive, uncompressed, as one string.
func archiveText(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err)
	tr := tar.NewReader(z)
	var all []byte
	for {
		_, err := tr.Next()
		if err == io.EOF {
			return string(all)
		}
		require.NoError(t, err)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		all = append(all, b...)
	}
}
