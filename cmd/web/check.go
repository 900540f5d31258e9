package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"hms/store"
	"hms/store/audit"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/consistency"
	"hms/store/ipd"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/pharmacy"
	"hms/store/signing"
)

// errProblems makes `web check` exit 1 when a check found something.
var errProblems = errors.New("the consistency check found problems")

// stores are the repositories the checks look through.
type stores struct {
	pats    *patients.Store
	opd     *opd.Store
	trail   *audit.Log
	ipd     *ipd.Store
	lab     *lab.Store
	ph      *pharmacy.Store
	billing *billing.Desk
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
		{Name: "identifiers sealed", Run: func(ctx context.Context, repair bool) ([]string, int, error) {
			found, err := s.pats.ClearMembers(ctx)
			if err != nil || !repair || len(found) == 0 {
				out := make([]string, 0, len(found))
				for _, id := range found {
					out = append(out, "patient "+id+": insurance member number stored in clear (check --repair seals it)")
				}
				return out, 0, err
			}
			rep, err := s.pats.RotateKey(ctx, 500, nil)
			if err != nil {
				return nil, rep.Members, err
			}
			copies, err := s.billing.ResealMembers(ctx, s.pats.Box(), 500)
			return nil, rep.Members + copies, err
		}},
		{Name: "OPD visits and appointments", Run: func(ctx context.Context, repair bool) ([]string, int, error) {
			found, err := s.opd.Check(ctx, repair)
			return problemsOrRepaired(ids("", found), repair, err)
		}},
		{Name: "signatures verify", Run: func(ctx context.Context, _ bool) ([]string, int, error) {
			var out []string
			for _, check := range []func(context.Context) ([]string, error){s.opd.CheckSignatures, s.ipd.CheckSignatures, s.lab.CheckSignatures} {
				found, err := check(ctx)
				if err != nil {
					return out, 0, err
				}
				out = append(out, found...)
			}
			return out, 0, nil
		}},
		{Name: "ward admissions (interrupted)", Run: repairOnly(s.ipd.Repair)},
		{Name: "beds and occupants", Run: func(ctx context.Context, _ bool) ([]string, int, error) {
			p, err := s.ipd.CheckBeds(ctx)
			return p, 0, err
		}},
		{Name: "lab orders (interrupted)", Run: repairOnly(s.lab.Repair)},
		{Name: "pharmacy (interrupted)", Run: repairOnly(func(ctx context.Context) (int, error) { return 0, s.ph.Repair(ctx) })},
		{Name: "stock equals its ledger", Run: func(ctx context.Context, _ bool) ([]string, int, error) {
			rep, err := s.ph.CheckLedger(ctx)
			return rep.Problems, 0, err
		}},
		{Name: "account balances", Run: func(ctx context.Context, _ bool) ([]string, int, error) {
			_, err := s.billing.CheckAll(ctx)
			if err == nil {
				return nil, 0, nil
			}
			if !errors.Is(err, billing.ErrLedger) {
				return nil, 0, err
			}
			return strings.Split(err.Error(), "\n"), 0, nil
		}},
	}
}

// repairOnly wraps a module's start-up repair, which re-applies interrupted writes as it
// finds them: a check without --repair leaves it alone (it cannot look without fixing).
func repairOnly(repair func(context.Context) (int, error)) func(context.Context, bool) ([]string, int, error) {
	return func(ctx context.Context, doRepair bool) ([]string, int, error) {
		if !doRepair {
			return nil, 0, nil
		}
		n, err := repair(ctx)
		return nil, n, err
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
	sig, err := cfg.signer()
	if err != nil {
		return stores{}, err
	}
	return newStores(cfg, log, db, catalog.New(db), patients.New(db, box, log), sig), nil
}

// newStores builds every module's repository over db, wired to each other the same way
// for the server and for the maintenance commands.
func newStores(cfg config, log *slog.Logger, db *store.DB, cat *catalog.Catalog, pats *patients.Store, sig *signing.Signer) stores {
	o := opd.New(db, cat, opd.Options{Location: cfg.Location, Patients: pats, OnVisitComplete: pats.SetLastVisit, Logger: log, Signer: sig})
	wards := ipd.New(db, cat, ipd.Options{Location: cfg.Location, Patients: pats, OPD: o, Logger: log, Signer: sig})
	return stores{pats: pats, trail: audit.New(db, log), opd: o, ipd: wards,
		lab:     lab.New(db, cat, lab.Options{Patients: pats, OnCall: o, Logger: log, WardChargeNurse: wardChargeNurse(wards, o), Signer: sig}),
		ph:      pharmacy.New(db, cat, pharmacy.Options{Location: cfg.Location, Visits: o, Logger: log}),
		billing: billing.New(db)}
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
