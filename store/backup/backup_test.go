package backup_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/audit"
	"hms/store/backup"
	"hms/store/patients"
	"hms/store/secret"
	"hms/store/seed"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// hospital fills a database with the demo hospital plus audit events, built once.
func hospital(t *testing.T) *store.DB {
	box, err := secret.New([]byte(strings.Repeat("k", 32)))
	require.NoError(t, err)
	tpl := storetest.Template(t, "backup", func(db *store.DB) error {
		ctx := context.Background()
		if _, err := seed.Demo(ctx, db, patients.New(db, box, quiet), quiet); err != nil {
			return err
		}
		trail := audit.New(db, quiet)
		for i := range 50 {
			if _, err := trail.Append(ctx, audit.Entry{User: "nurse", Role: "nurse", Action: audit.ActionPatientRead,
				PatientID: fmt.Sprintf("p%d", i%7), Object: "chart:overview", Outcome: audit.OK}); err != nil {
				return err
			}
		}
		return nil
	})
	db := storetest.DB(t)
	storetest.Copy(t, tpl, db)
	return db
}

// The restore drill: back up a hospital, restore it into an empty database elsewhere,
// and prove the two hold the same documents and that the audit chain verifies.
func TestRestoreDrillReproducesTheDatabase(t *testing.T) {
	ctx := context.Background()
	src := hospital(t)
	var archive bytes.Buffer
	m, err := backup.Write(ctx, src, &archive)
	require.NoError(t, err)
	require.Greater(t, m.Documents(), int64(100))

	dst := storetest.DB(t)
	got, err := backup.Restore(ctx, dst, bytes.NewReader(archive.Bytes()))
	require.NoError(t, err)
	require.Equal(t, m.Documents(), got.Documents())

	before, err := backup.Sum(ctx, src)
	require.NoError(t, err)
	after, err := backup.Sum(ctx, dst)
	require.NoError(t, err)
	require.Empty(t, backup.Compare(before, after), "the restored database equals the original")

	rep, err := audit.New(dst, quiet).Verify(ctx, 0, 0)
	require.NoError(t, err)
	require.Nil(t, rep.Break, "the audit chain verifies end to end after restore")
	require.EqualValues(t, 50, rep.Checked)
	t.Logf("restore drill: %d collections, %d documents, archive %d bytes", len(m.Collections), m.Documents(), archive.Len())
}

func TestRestoreRefusesANonEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	src := hospital(t)
	var archive bytes.Buffer
	_, err := backup.Write(ctx, src, &archive)
	require.NoError(t, err)
	_, err = backup.Restore(ctx, src, &archive)
	require.ErrorIs(t, err, backup.ErrNotEmpty)
}

func TestRestoreRefusesADamagedArchive(t *testing.T) {
	ctx := context.Background()
	src := hospital(t)
	var archive bytes.Buffer
	_, err := backup.Write(ctx, src, &archive)
	require.NoError(t, err)
	damaged := bytes.Clone(archive.Bytes())
	damaged[len(damaged)/2] ^= 0xff
	_, err = backup.Restore(ctx, storetest.DB(t), bytes.NewReader(damaged))
	require.Error(t, err)

	_, err = backup.Restore(ctx, storetest.DB(t), strings.NewReader("not an archive"))
	require.ErrorContains(t, err, "not a backup archive")
}

func TestSumNoticesAChangedDocument(t *testing.T) {
	ctx := context.Background()
	db := hospital(t)
	before, err := backup.Sum(ctx, db)
	require.NoError(t, err)
	_, err = db.W.Collection(store.CollAudit).UpdateOne(ctx, map[string]any{"_id": "000000000007"},
		map[string]any{"$set": map[string]any{"user": "mallory"}})
	require.NoError(t, err)
	after, err := backup.Sum(ctx, db)
	require.NoError(t, err)
	require.Equal(t, []string{"audit: checksum differs"}, backup.Compare(before, after))
}

func TestBackupFilesAreKeptToTheRetentionCountAndReported(t *testing.T) {
	ctx := context.Background()
	db := hospital(t)
	dir := t.TempDir()
	st, err := backup.LastRuns(ctx, db, time.Hour)
	require.NoError(t, err)
	require.Equal(t, "No backup has been taken yet.", st.Overdue(time.Now()))
	for range 3 {
		run, err := backup.ToFile(ctx, db, dir, 2)
		require.NoError(t, err)
		require.True(t, run.OK)
		time.Sleep(1100 * time.Millisecond) // names carry the second
	}
	files, _ := filepath.Glob(filepath.Join(dir, "hms-*.tar.gz"))
	require.Len(t, files, 2, "only the newest two are kept")
	info, err := os.Stat(files[1])
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "backups are owner-only")

	st, err = backup.LastRuns(ctx, db, time.Hour)
	require.NoError(t, err)
	require.Empty(t, st.Overdue(time.Now()))
	require.Contains(t, st.Overdue(time.Now().Add(3*time.Hour)), "old; one is due every 1h0m0s")

	_, err = backup.ToFile(ctx, db, "/proc/no-such-dir", 2)
	require.Error(t, err)
	st, err = backup.LastRuns(ctx, db, time.Hour)
	require.NoError(t, err)
	require.Contains(t, st.Overdue(time.Now()), "The last backup failed")
}
