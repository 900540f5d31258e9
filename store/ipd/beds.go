package ipd

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/catalog"
	"hms/store/guard"
)

// Bed is a bed as the wards see it: the catalogue's bed with who holds it.
type Bed struct {
	catalog.Bed   `bson:",inline"`
	AdmissionID   string    `bson:"admission_id,omitempty"`   // occupied: the admission in it
	PatientID     string    `bson:"patient_id,omitempty"`     // occupied or reserved: the patient
	ReservedUntil time.Time `bson:"reserved_until,omitempty"` // reserved: the hold ends then
}

// Bed returns one bed by id ("W1-3").
func (s *Store) Bed(ctx context.Context, id string) (Bed, error) {
	return byID[Bed](ctx, s.beds, id, "bed")
}

// BedsOfWard lists a ward's beds in bed order (a ward has tens of beds; the beds
// collection hundreds, so the filter's scan stays small).
func (s *Store) BedsOfWard(ctx context.Context, ward string) ([]Bed, error) {
	cur, err := s.beds.R.Find(ctx, bson.D{{Key: "ward_id", Value: ward}}, options.Find().SetLimit(500))
	if err != nil {
		return nil, fmt.Errorf("store: beds of %s: %w", ward, err)
	}
	var out []Bed
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: beds of %s: %w", ward, err)
	}
	slices.SortFunc(out, func(a, b Bed) int { return cmp.Or(cmp.Compare(len(a.Code), len(b.Code)), cmp.Compare(a.Code, b.Code)) })
	return out, nil
}

// Free reports whether the bed can be given to patientID now: available, or reserved
// for that patient, or held by a reservation that has run out.
func (b Bed) Free(patientID string, now time.Time) bool {
	switch b.Status {
	case catalog.BedAvailable:
		return true
	case catalog.BedReserved:
		return b.PatientID == patientID || now.After(b.ReservedUntil)
	}
	return false
}

// FreeBeds lists the beds of a ward that patientID could be given now.
func (s *Store) FreeBeds(ctx context.Context, ward, patientID string) ([]Bed, error) {
	beds, err := s.BedsOfWard(ctx, ward)
	if err != nil {
		return nil, err
	}
	now := s.now()
	return slices.DeleteFunc(beds, func(b Bed) bool { return !b.Free(patientID, now) }), nil
}

func stampSet(now time.Time, by string, set ...bson.E) bson.D {
	return append(bson.D{{Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}}, set...)
}

// expireReservation turns a reservation that has run out back into an available bed.
func (s *Store) expireReservation(ctx context.Context, b Bed) error {
	if b.Status != catalog.BedReserved || !s.now().After(b.ReservedUntil) {
		return nil
	}
	_, err := guard.Update(ctx, s.db, store.CollBeds, b.ID,
		[]guard.Cond{guard.Eq("status", catalog.BedReserved), guard.Eq("reserved_until", b.ReservedUntil)},
		bson.D{{Key: "$set", Value: stampSet(s.now().UTC(), "system", bson.E{Key: "status", Value: catalog.BedAvailable},
			bson.E{Key: "status_reason", Value: ""})},
			{Key: "$unset", Value: bson.D{{Key: "patient_id", Value: ""}, {Key: "reserved_until", Value: ""}}}}, nil)
	return err
}

// claimBed makes the bed occupied by the admission, in one guarded write. It reports
// false when the bed is not free for the patient (someone else got it first).
func (s *Store) claimBed(ctx context.Context, bedID, admID, patientID, by string) (bool, error) {
	b, err := s.Bed(ctx, bedID)
	if err != nil {
		return false, err
	}
	if err := s.expireReservation(ctx, b); err != nil {
		return false, err
	}
	conds := []guard.Cond{guard.Eq("status", catalog.BedAvailable)}
	if b.Status == catalog.BedReserved && b.PatientID == patientID {
		conds = []guard.Cond{guard.Eq("status", catalog.BedReserved), guard.Eq("patient_id", patientID)}
	}
	return guard.Update(ctx, s.db, store.CollBeds, bedID, conds,
		bson.D{{Key: "$set", Value: stampSet(s.now().UTC(), by, bson.E{Key: "status", Value: catalog.BedOccupied},
			bson.E{Key: "admission_id", Value: admID}, bson.E{Key: "patient_id", Value: patientID},
			bson.E{Key: "status_reason", Value: ""})},
			{Key: "$unset", Value: bson.D{{Key: "reserved_until", Value: ""}}}}, nil)
}

// releaseBed sends the admission's bed to cleaning; a bed no longer held by it is left alone.
func (s *Store) releaseBed(ctx context.Context, bedID, admID, by string) error {
	_, err := guard.Update(ctx, s.db, store.CollBeds, bedID,
		[]guard.Cond{guard.Eq("status", catalog.BedOccupied), guard.Eq("admission_id", admID)},
		bson.D{{Key: "$set", Value: stampSet(s.now().UTC(), by, bson.E{Key: "status", Value: catalog.BedCleaning},
			bson.E{Key: "status_reason", Value: "Cleaning after " + admID})},
			{Key: "$unset", Value: bson.D{{Key: "admission_id", Value: ""}, {Key: "patient_id", Value: ""}}}}, nil)
	return err
}

// unclaimBed gives back a bed claimed for an admission that did not go ahead.
func (s *Store) unclaimBed(ctx context.Context, bedID, admID, by string) error {
	_, err := guard.Update(ctx, s.db, store.CollBeds, bedID,
		[]guard.Cond{guard.Eq("status", catalog.BedOccupied), guard.Eq("admission_id", admID)},
		bson.D{{Key: "$set", Value: stampSet(s.now().UTC(), by, bson.E{Key: "status", Value: catalog.BedAvailable})},
			{Key: "$unset", Value: bson.D{{Key: "admission_id", Value: ""}, {Key: "patient_id", Value: ""}}}}, nil)
	return err
}

// setBedState moves a bed between the states a bed manager or the ward sets by hand.
func (s *Store) setBedState(ctx context.Context, bedID string, from []string, to, reason, by string, unset ...string) error {
	b, err := s.Bed(ctx, bedID)
	if err != nil {
		return err
	}
	if err := s.expireReservation(ctx, b); err != nil {
		return err
	}
	un := bson.D{}
	for _, f := range unset {
		un = append(un, bson.E{Key: f, Value: ""})
	}
	update := bson.D{{Key: "$set", Value: stampSet(s.now().UTC(), by, bson.E{Key: "status", Value: to}, bson.E{Key: "status_reason", Value: reason})}}
	if len(un) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: un})
	}
	ok, err := guard.Update(ctx, s.db, store.CollBeds, bedID, []guard.Cond{guard.In("status", from...)}, update, nil)
	if err != nil {
		return err
	}
	if !ok {
		cur, _ := s.Bed(ctx, bedID)
		return fmt.Errorf("%w: bed %s is %s", store.ErrInvalid, bedID, cur.Status)
	}
	s.bump(ctx, b.Ward)
	return nil
}

// Block takes a free or cleaning bed out of use (maintenance), with a reason.
func (s *Store) Block(ctx context.Context, bedID, reason, by string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fmt.Errorf("%w: a reason is required to block a bed", store.ErrInvalid)
	}
	return s.setBedState(ctx, bedID, []string{catalog.BedAvailable, catalog.BedCleaning}, catalog.BedBlocked, reason, by)
}

// Unblock returns a blocked bed to use.
func (s *Store) Unblock(ctx context.Context, bedID, by string) error {
	return s.setBedState(ctx, bedID, []string{catalog.BedBlocked}, catalog.BedAvailable, "", by)
}

// MarkClean records that a bed has been cleaned and is available again.
func (s *Store) MarkClean(ctx context.Context, bedID, by string) error {
	return s.setBedState(ctx, bedID, []string{catalog.BedCleaning}, catalog.BedAvailable, "", by)
}

// Reserve holds an available bed for an incoming patient until `until`; afterwards any
// admission may take it.
func (s *Store) Reserve(ctx context.Context, bedID, patientID string, until time.Time, by string) error {
	if !until.After(s.now()) {
		return fmt.Errorf("%w: a reservation must end in the future", store.ErrInvalid)
	}
	if _, err := s.pats.ByID(ctx, patientID); err != nil {
		return err
	}
	b, err := s.Bed(ctx, bedID)
	if err != nil {
		return err
	}
	if err := s.expireReservation(ctx, b); err != nil {
		return err
	}
	ok, err := guard.Update(ctx, s.db, store.CollBeds, bedID, []guard.Cond{guard.Eq("status", catalog.BedAvailable)},
		bson.D{{Key: "$set", Value: stampSet(s.now().UTC(), by, bson.E{Key: "status", Value: catalog.BedReserved},
			bson.E{Key: "patient_id", Value: patientID}, bson.E{Key: "reserved_until", Value: until.UTC()},
			bson.E{Key: "status_reason", Value: "Held until " + until.In(s.loc).Format("15:04 2 Jan")})}}, nil)
	if err != nil {
		return err
	}
	if !ok {
		return &BedTakenError{}
	}
	s.bump(ctx, b.Ward)
	return nil
}

// CancelReservation frees a reserved bed.
func (s *Store) CancelReservation(ctx context.Context, bedID, by string) error {
	return s.setBedState(ctx, bedID, []string{catalog.BedReserved}, catalog.BedAvailable, "", by, "patient_id", "reserved_until")
}

// AllFreeBeds lists every bed of the hospital patientID could be given now, by ward and
// bed (one read of the beds collection, which holds hundreds of beds).
func (s *Store) AllFreeBeds(ctx context.Context, patientID string) ([]Bed, error) {
	cur, err := s.beds.R.Find(ctx, bson.D{}, options.Find().SetLimit(5000))
	if err != nil {
		return nil, fmt.Errorf("store: beds: %w", err)
	}
	var out []Bed
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: beds: %w", err)
	}
	now := s.now()
	out = slices.DeleteFunc(out, func(b Bed) bool { return !b.Free(patientID, now) })
	slices.SortFunc(out, func(a, b Bed) int {
		return cmp.Or(cmp.Compare(a.Ward, b.Ward), cmp.Compare(len(a.Code), len(b.Code)), cmp.Compare(a.Code, b.Code))
	})
	return out, nil
}
