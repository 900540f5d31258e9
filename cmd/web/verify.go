package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"hms/store"
	"hms/store/audit"
)

// errChainBroken makes `web verify` exit 1 after printing where the chain breaks.
var errChainBroken = errors.New("the audit chain is broken")

// verifyChain walks the whole audit chain and prints the report: the number of events
// checked, the tip (write its hash down to anchor the chain) and the first broken link.
func verifyChain(cfg config, log *slog.Logger, out io.Writer) error {
	return withDB(cfg, log, func(ctx context.Context, db *store.DB) error {
		rep, err := audit.New(db, log).Verify(ctx, 0, 0)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		return printReport(out, rep)
	})
}

func printReport(out io.Writer, rep audit.Report) error {
	if b := rep.Break; b != nil {
		fmt.Fprintf(out, "audit chain BROKEN at seq %d: %s\n  %s\n  checked %d events before it; newest seen seq %d; took %s\n",
			b.Seq, b.Problem, b.Detail, rep.Checked, rep.TipSeq, rep.Took.Round(time.Millisecond))
		return errChainBroken
	}
	fmt.Fprintf(out, "audit chain verified: %d events, tip seq %d, took %s\ntip hash %s\n",
		rep.Checked, rep.TipSeq, rep.Took.Round(time.Millisecond), rep.TipHash)
	return nil
}
