package main

import (
	"context"
	"log/slog"
	"time"

	"hms/store/lab"
)

// escalateCriticalResults sweeps unacknowledged critical lab alerts every 30 s and
// escalates those past their time (the alert pages sweep too when read).
func escalateCriticalResults(ctx context.Context, s *lab.Store, log *slog.Logger) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.Escalate(ctx); err != nil {
				log.Error("lab: escalating critical results", "err", err)
			} else if n > 0 {
				log.Info("lab: critical results escalated", "count", n)
			}
		}
	}
}
