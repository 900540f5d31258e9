package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"hms/store"
	"hms/store/retention"
)

// purgeNow runs the retention purge once; with --dry-run it only reports.
func purgeNow(cfg config, log *slog.Logger, args []string, out io.Writer) error {
	dry := false
	for _, a := range args {
		if a != "--dry-run" {
			return errors.New("usage: web purge [--dry-run]")
		}
		dry = true
	}
	return withDB(cfg, log, func(ctx context.Context, db *store.DB) error {
		rep, err := retention.New(db).Purge(ctx, dry, "web purge")
		if err != nil {
			return err
		}
		printPurge(out, rep)
		return nil
	})
}

func printPurge(out io.Writer, rep retention.Report) {
	if rep.DryRun {
		fmt.Fprintln(out, "dry run: nothing deleted")
	}
	for _, c := range rep.Classes {
		oldest := "—"
		if !c.Oldest.IsZero() {
			oldest = c.Oldest.Format(time.DateOnly)
		}
		fmt.Fprintf(out, "%-26s keep %-9s before %s: %d past (oldest %s), %d deleted\n",
			c.Class, c.Keep, c.Cutoff.Format(time.DateOnly), c.Count, oldest, c.Deleted)
		if c.Note != "" {
			fmt.Fprintf(out, "%-26s %s\n", "", c.Note)
		}
	}
}
