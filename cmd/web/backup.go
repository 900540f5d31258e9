package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"hms/store"
	"hms/store/audit"
	"hms/store/backup"
)

// backupNow writes a backup archive to the file given, or into HMS_BACKUP_DIR.
func backupNow(cfg config, log *slog.Logger, args []string, out io.Writer) error {
	return withDB(cfg, log, func(ctx context.Context, db *store.DB) error {
		if len(args) == 0 {
			run, err := backup.ToFile(ctx, db, cfg.BackupDir, cfg.BackupKeep)
			if err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			fmt.Fprintf(out, "backup written: %s (%d documents, %d bytes, %s)\n", run.File, run.Documents, run.Bytes, run.Took)
			return nil
		}
		f, err := os.OpenFile(args[0], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		m, err := backup.Write(ctx, db, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(args[0])
			return err
		}
		fmt.Fprintf(out, "backup written: %s (%d collections, %d documents)\n", args[0], len(m.Collections), m.Documents())
		return nil
	})
}

// restoreFrom loads an archive into the (empty) configured database and verifies it:
// counts and checksums against the manifest, then the audit chain end to end.
func restoreFrom(cfg config, log *slog.Logger, args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: web restore FILE")
	}
	f, err := os.Open(filepath.Clean(args[0]))
	if err != nil {
		return err
	}
	defer f.Close()
	return withDB(cfg, log, func(ctx context.Context, db *store.DB) error {
		started := time.Now()
		m, err := backup.Restore(ctx, db, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "restored %d collections, %d documents from a backup of %s; counts and checksums match\n",
			len(m.Collections), m.Documents(), m.CreatedAt.Format(time.RFC3339))
		rep, err := audit.New(db, log).Verify(ctx, 0, 0)
		if err != nil {
			return err
		}
		if err := printReport(out, rep); err != nil {
			return err
		}
		fmt.Fprintf(out, "took %s. Start the server: it re-applies any follow-up writes the snapshot caught half-way.\n"+
			"ID numbers stay readable only with the HMS_ENCRYPTION_KEY of the backed-up system (the key is never in a backup).\n",
			time.Since(started).Round(time.Millisecond))
		return nil
	})
}
