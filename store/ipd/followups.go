package ipd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/catalog"
	"hms/store/patients"
	"hms/store/worklist"
)

// Follow-ups an admission records in the same write as the change that needs them.
// Each is idempotent, applied right after the write and again by Repair after a crash.
const (
	followLists    = "lists"    // admitted: active list, census, board revision
	followRelease  = "release:" // "release:<bed>": the bed left behind goes to cleaning
	followBilling  = "billing"  // discharge ordered: billing's worklist
	followDeceased = "deceased" // the patient is marked deceased; orders and appointments cancelled
	followDeparted = "departed" // left the ward: bed-days, lists, census, the active key
)

// follow applies an admission's pending follow-ups and clears each one done.
func (s *Store) follow(ctx context.Context, a Admission) (Admission, error) {
	var errs []error
	for _, p := range a.Pending {
		if err := s.apply(ctx, a, p); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		if _, err := s.adms.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, bson.D{{Key: "$pull", Value: bson.D{{Key: "pending", Value: p}}}}); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		s.log.Warn("admission follow-ups left for repair", "admission", a.ID, "err", errors.Join(errs...))
	}
	return s.Admission(ctx, a.ID)
}

func (s *Store) apply(ctx context.Context, a Admission, p string) error {
	switch {
	case p == followLists:
		if err := s.addTo(ctx, activeList, "ids", a.ID); err != nil {
			return err
		}
		if err := s.addTo(ctx, censusID(a.Stays[0].Ward, s.DateOf(a.AdmittedAt)), "admitted", a.ID); err != nil {
			return err
		}
		s.bump(ctx, a.Ward)
	case strings.HasPrefix(p, followRelease):
		bed := strings.TrimPrefix(p, followRelease)
		if err := s.releaseBed(ctx, bed, a.ID, a.UpdatedBy); err != nil {
			return err
		}
		s.bump(ctx, strings.SplitN(bed, "-", 2)[0], a.Ward)
	case p == followBilling:
		s.bump(ctx, a.Ward) // the tile shows the discharge order
		return s.lists.Add(ctx, worklist.BillingDischarge, worklist.Item{ID: "adm:" + a.ID, Kind: worklist.KindDischarge,
			Ref: a.ID, PatientID: a.PatientID, MRN: a.MRN, Name: a.Name, Where: "Ward " + a.Ward + " · bed " + a.BedCode,
			Priority: worklist.PriorityRoutine, Status: a.Status, Summary: "Discharge ordered by " + a.DoctorName,
			At: a.Discharge.OrderedAt})
	case p == followDeceased:
		return s.applyDeath(ctx, a)
	case p == followDeparted:
		if err := s.PostBedDays(ctx, a.ID); err != nil {
			return err
		}
		if err := s.pullFrom(ctx, activeList, "ids", a.ID); err != nil {
			return err
		}
		if err := s.addTo(ctx, censusID(a.Ward, s.DateOf(a.Discharge.DepartedAt)), "discharged", a.ID); err != nil {
			return err
		}
		if _, err := s.keys.W.DeleteOne(ctx, bson.D{{Key: "_id", Value: activeKey(a.PatientID)}, {Key: "owner", Value: a.ID}}); err != nil {
			return fmt.Errorf("store: active key of %s: %w", a.ID, err)
		}
		s.bump(ctx, a.Ward)
	}
	return nil
}

// applyDeath marks the patient deceased everywhere and cancels what was still to come:
// the stay's open orders and the patient's future OPD appointments.
func (s *Store) applyDeath(ctx context.Context, a Admission) error {
	d := a.Discharge
	if _, err := s.pats.MarkDeceased(ctx, a.PatientID, patients.Death{At: d.DeathAt, CertifiedBy: d.CertifiedBy,
		Encounter: a.ID}, d.OrderedBy); err != nil {
		return err
	}
	if _, err := s.CancelOpenOrders(ctx, a.ID, "Patient deceased", d.OrderedBy); err != nil {
		return err
	}
	if s.opd != nil {
		if _, err := s.opd.CancelFutureAppointments(ctx, a.PatientID, d.DeathAt, "Patient deceased", d.OrderedBy); err != nil {
			return err
		}
	}
	return nil
}

// Repair re-applies the follow-ups of active admissions, hands on orders a crash kept
// from their department, and gives back beds claimed by
// admissions that were never stored (a crash between the bed and the admission). It runs
// at start-up.
func (s *Store) Repair(ctx context.Context) (int, error) {
	fixed := 0
	ids, err := s.ActiveIDs(ctx)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		a, err := s.Admission(ctx, id)
		if err != nil {
			return fixed, err
		}
		if len(a.Pending) > 0 {
			if _, err := s.follow(ctx, a); err != nil {
				return fixed, err
			}
			fixed++
		}
		n, err := s.resendOrders(ctx, a)
		if err != nil {
			return fixed, err
		}
		fixed += n
	}
	cur, err := s.beds.R.Find(ctx, bson.D{{Key: "status", Value: catalog.BedOccupied}})
	if err != nil {
		return fixed, fmt.Errorf("store: occupied beds: %w", err)
	}
	var beds []Bed
	if err := cur.All(ctx, &beds); err != nil {
		return fixed, fmt.Errorf("store: occupied beds: %w", err)
	}
	for _, b := range beds {
		a, err := s.Admission(ctx, b.AdmissionID)
		switch {
		case errors.Is(err, store.ErrNotFound) && s.now().Sub(b.UpdatedAt) > staleAfter:
			if err := s.unclaimBed(ctx, b.ID, b.AdmissionID, "repair"); err != nil {
				return fixed, err
			}
			fixed++
		case err == nil && (a.Bed != b.ID || !a.Active()):
			// A transfer or departure that stopped before releasing this bed.
			if _, err := s.follow(ctx, a); err != nil {
				return fixed, err
			}
			if err := s.releaseBed(ctx, b.ID, a.ID, "repair"); err != nil {
				return fixed, err
			}
			fixed++
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return fixed, err
		}
	}
	return fixed, nil
}
