package backup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// Run is the outcome of the latest backup, kept in the ops collection as "backup:last"
// (and the latest good one as "backup:good") for the admin page.
type Run struct {
	ID        string    `bson:"_id"`
	At        time.Time `bson:"at"`
	File      string    `bson:"file"`
	OK        bool      `bson:"ok"`
	Error     string    `bson:"error,omitempty"`
	Documents int64     `bson:"documents"`
	Bytes     int64     `bson:"bytes"`
	Took      string    `bson:"took"`
}

const (
	lastRunID = "backup:last"
	goodRunID = "backup:good"
)

// ToFile writes a backup into dir as hms-<UTC time>.tar.gz (owner-only, renamed into
// place only when complete), keeps the newest keep archives and records the run.
func ToFile(ctx context.Context, db *store.DB, dir string, keep int) (Run, error) {
	started := time.Now().UTC()
	run := Run{ID: lastRunID, At: started}
	err := func() error {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		path := filepath.Join(dir, "hms-"+started.Format("20060102-150405")+".tar.gz")
		tmp, err := os.CreateTemp(dir, ".partial-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		m, err := Write(ctx, db, tmp)
		if err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
		info, _ := tmp.Stat()
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return err
		}
		run.File, run.Documents, run.Bytes = path, m.Documents(), info.Size()
		return prune(dir, keep)
	}()
	run.OK, run.Took = err == nil, time.Since(started).Round(time.Millisecond).String()
	if err != nil {
		run.Error = err.Error()
	}
	if rerr := record(ctx, db, run); rerr != nil && err == nil {
		err = rerr
	}
	return run, err
}

// prune removes the oldest archives beyond keep.
func prune(dir string, keep int) error {
	if keep <= 0 {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "hms-*.tar.gz"))
	if err != nil {
		return err
	}
	sort.Strings(files) // the names sort by time
	for len(files) > keep {
		if err := os.Remove(files[0]); err != nil {
			return err
		}
		files = files[1:]
	}
	return nil
}

func record(ctx context.Context, db *store.DB, run Run) error {
	c := db.W.Collection(store.CollOps)
	ids := []string{lastRunID}
	if run.OK {
		ids = append(ids, goodRunID)
	}
	for _, id := range ids {
		run.ID = id
		if _, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, run, options.Replace().SetUpsert(true)); err != nil {
			return fmt.Errorf("backup: record run: %w", err)
		}
	}
	return nil
}

// Status is what the admin page shows about backups.
type Status struct {
	Last, Good Run
	Every      time.Duration
}

// Overdue says why the backups need attention, or "" when the last good one is recent.
func (s Status) Overdue(now time.Time) string {
	switch {
	case s.Every <= 0:
		return "Scheduled backups are off (HMS_BACKUP_EVERY=0): take backups another way."
	case s.Good.At.IsZero():
		return "No backup has been taken yet."
	case !s.Last.OK && s.Last.At.After(s.Good.At):
		return "The last backup failed: " + firstLine(s.Last.Error)
	case now.Sub(s.Good.At) > s.Every+s.Every/4:
		return fmt.Sprintf("The last good backup is %s old; one is due every %s.", now.Sub(s.Good.At).Round(time.Minute), s.Every)
	}
	return ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// LastRuns reads the latest and the latest good backup run.
func LastRuns(ctx context.Context, db *store.DB, every time.Duration) (Status, error) {
	st := Status{Every: every}
	c := db.R.Collection(store.CollOps)
	for id, into := range map[string]*Run{lastRunID: &st.Last, goodRunID: &st.Good} {
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(into)
		if err != nil && !store.NoDocs(err) {
			return st, fmt.Errorf("backup: status: %w", err)
		}
	}
	return st, nil
}

// Schedule takes a backup whenever the last good one is older than every, checking
// every few minutes until ctx ends. The server runs it; it logs each run.
func Schedule(ctx context.Context, db *store.DB, dir string, every time.Duration, keep int, log *slog.Logger) {
	if every <= 0 {
		return
	}
	check := func() {
		st, err := LastRuns(ctx, db, every)
		if err != nil {
			log.Error("backup: status", "err", err)
			return
		}
		if !st.Good.At.IsZero() && time.Since(st.Good.At) < every {
			return
		}
		run, err := ToFile(ctx, db, dir, keep)
		if err != nil {
			log.Error("backup failed", "err", err)
			return
		}
		log.Info("backup written", "file", run.File, "documents", run.Documents, "bytes", run.Bytes, "took", run.Took)
	}
	tick := time.NewTicker(min(every, 10*time.Minute))
	defer tick.Stop()
	check()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			check()
		}
	}
}
