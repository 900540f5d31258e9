package main

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"hms/store"
	"hms/store/ipd"
	"hms/store/lab"
	"hms/store/opd"
)

// wardChargeNurse finds the charge nurse on duty at t on the ward of an admission, for
// the escalation of a ward patient's unacknowledged critical result.
func wardChargeNurse(wards *ipd.Store, rosters *opd.Store) func(context.Context, string, time.Time) (string, string, error) {
	return func(ctx context.Context, admissionID string, t time.Time) (string, string, error) {
		a, err := wards.Admission(ctx, admissionID)
		if err != nil {
			return "", "", err
		}
		r, err := rosters.NursesOnDuty(ctx, a.Ward, t)
		if err != nil {
			return "", "", err
		}
		i := slices.Index(r.Nurses, r.ChargeNurse)
		if r.ChargeNurse == "" || i < 0 || i >= len(r.Names) {
			return "", "", store.ErrNotFound
		}
		return r.ChargeNurse, r.Names[i], nil
	}
}

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
