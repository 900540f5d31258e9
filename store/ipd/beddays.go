package ipd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
)

// Nights is the number of nights of a stay up to `until` (the departure, or now): the
// midnights that passed, in the hospital's zone.
func (s *Store) Nights(a Admission, until time.Time) int {
	y, m, d := a.AdmittedAt.In(s.loc).Date()
	y2, m2, d2 := until.In(s.loc).Date()
	n := int(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC).Sub(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	return max(n, 0)
}

// stayAt is the stay that covered moment t.
func stayAt(a Admission, t time.Time) (Stay, bool) {
	for _, st := range a.Stays {
		if !t.Before(st.From) && (st.To.IsZero() || t.Before(st.To)) {
			return st, true
		}
	}
	return Stay{}, false
}

// PostBedDays posts the bed-day charge of every night of the stay that has passed and
// is not posted yet: one charge per admission and date (_id bed:<admission>:<date>, so
// posting again is a no-op), priced from the price list by the type of the bed the
// patient lay in at that midnight — across transfers too. It stops at the first night it
// cannot price (the charge is never skipped: the next run posts it).
func (s *Store) PostBedDays(ctx context.Context, id string) error {
	a, err := s.Admission(ctx, id)
	if err != nil {
		return err
	}
	until := s.now()
	if a.Discharge != nil && !a.Discharge.DepartedAt.IsZero() {
		until = a.Discharge.DepartedAt
	}
	nights := s.Nights(a, until)
	if a.NightsPosted >= nights {
		return nil
	}
	y, m, d := a.AdmittedAt.In(s.loc).Date()
	first := time.Date(y, m, d, 0, 0, 0, 0, s.loc)
	posted := a.NightsPosted
	for i := a.NightsPosted; i < nights; i++ {
		day := first.AddDate(0, 0, i)
		midnight := first.AddDate(0, 0, i+1)
		st, ok := stayAt(a, midnight.Add(-time.Second))
		if !ok {
			return fmt.Errorf("%w: admission %s has no bed on the night of %s", store.ErrInvalid, a.ID, day.Format(DateLayout))
		}
		svc, err := s.cat.Service(ctx, st.BedType)
		if err != nil {
			return fmt.Errorf("store: bed-day price %s: %w", st.BedType, err)
		}
		price, ok := svc.PriceAt(day)
		if !ok {
			return fmt.Errorf("%w: no price in force for %s on %s", store.ErrInvalid, st.BedType, day.Format(DateLayout))
		}
		err = s.charges.Post(ctx, billing.Charge{ID: "bed:" + a.ID + ":" + day.Format(DateLayout), PatientID: a.PatientID,
			MRN: a.MRN, Name: a.Name, Encounter: a.ID, EncounterKind: "ipd", Department: a.Department,
			ServiceCode: svc.Code, Description: svc.Name + " · " + st.Bed + " · night of " + day.Format("2 Jan 2006"),
			Qty: 1, UnitPrice: price, TaxBP: svc.TaxBP, PostedAt: midnight, PostedBy: "system"})
		if err != nil {
			return err
		}
		posted = i + 1
	}
	_, err = s.adms.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, bson.D{{Key: "$max", Value: bson.D{{Key: "nights_posted", Value: posted}}}})
	if err != nil {
		return fmt.Errorf("store: nights posted of %s: %w", a.ID, err)
	}
	return nil
}

// SweepBedDays posts the passed nights of every active admission; it runs at start-up
// and hourly, so a night is charged soon after midnight even if nobody opens the ward.
func (s *Store) SweepBedDays(ctx context.Context) (int, error) {
	ids, err := s.ActiveIDs(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, id := range ids {
		// One admission that cannot be priced must not hold back the others' nights.
		if err := s.PostBedDays(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
		}
	}
	return len(ids), errors.Join(errs...)
}
