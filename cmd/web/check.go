package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"hms/store"
	"hms/store/audit"
	"hms/store/catalog"
	"hms/store/consistency"
	"hms/store/opd"
	"hms/store/patients"
)

// errProblems makes `web check` exit 1 when a check found something.
var errProblems = errors.New("the consistency check found problems")

// stores are the repositories the checks look through.
type stores struct {
	pats  *patients.Store
	opd   *opd.Store
	trail *audit.Log
}

// consistencyChecks is every module's consistency check, in the order they run.
func consistencyChecks(s stores) []consistency.Check {
	ids := func(what string, found []string) []string {
		out := make([]string, 0, len(found))
		for _, id := range found {
			out = append(out, what+" "+id+": follow-up writes pending")
		}
		return out
	}
	return []consistency.Check{
		{Name: "audit chain", Run: func(ctx context.Context, _ bool) ([]string, int, error) {
			rep, err := s.trail.Verify(ctx, 0, 0)
			if err != nil || rep.Break == nil {
				return nil, 0, err
			}
			return []string{fmt.Sprintf("broken at seq %d: %s", rep.Break.Seq, rep.Break.Problem)}, 0, nil
		}},
		{Name: "patient registrations", Run: func(ctx context.Context, repair bool) ([]string, int, error) {
			found, err := s.pats.Check(ctx, repair)
			return problemsOrRepaired(ids("patient", found), repair, err)
		}},
		{Name: "OPD visits and appointments", Run: func(ctx context.Context, repair bool) ([]string, int, error) {
			found, err := s.opd.Check(ctx, repair)
			return problemsOrRepaired(ids("", found), repair, err)
		}},
	}
}

// problemsOrRepaired: a repaired follow-up is no longer a problem, only a count.
func problemsOrRepaired(found []string, repair bool, err error) ([]string, int, error) {
	if err != nil || !repair {
		return found, 0, err
	}
	return nil, len(found), nil
}

// openStores builds the repositories the checks need over db.
func openStores(ctx context.Context, cfg config, log *slog.Logger, db *store.DB) (stores, error) {
	box, err := cfg.secretBox()
	if err != nil {
		return stores{}, err
	}
	pats := patients.New(db, box, log)
	cat := catalog.New(db)
	return stores{pats: pats, trail: audit.New(db, log),
		opd: opd.New(db, cat, opd.Options{Location: cfg.Location, Patients: pats, OnVisitComplete: pats.SetLastVisit, Logger: log})}, nil
}

// runCheck runs every consistency check and prints what it found; --repair re-applies
// pending follow-up writes.
func runCheck(cfg config, log *slog.Logger, args []string, out io.Writer) error {
	repair := len(args) > 0 && args[0] == "--repair"
	if len(args) > 0 && !repair {
		return errors.New("usage: web check [--repair]")
	}
	return withDB(cfg, log, func(ctx context.Context, db *store.DB) error {
		s, err := openStores(ctx, cfg, log, db)
		if err != nil {
			return err
		}
		rep, err := consistency.Run(ctx, db, consistencyChecks(s), repair)
		if err != nil {
			return err
		}
		consistency.Print(out, rep)
		if rep.Problems() > 0 {
			return errProblems
		}
		return nil
	})
}
