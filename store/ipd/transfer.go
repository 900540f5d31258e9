package ipd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// Transfer moves the patient to another bed (of this or another ward). The new bed is
// claimed first (a guarded write: it may be lost to someone else), then the admission
// moves to it in one write guarded on the bed it was in, recording the release of the
// old bed as a follow-up; the old bed then goes to cleaning. Two racing transfers of one
// patient: one moves the admission, the other gives its claimed bed back. The admission
// always names exactly one bed; a crash leaves at worst a bed held a little longer,
// which Repair releases.
func (s *Store) Transfer(ctx context.Context, id, toBed, reason, by string) (Admission, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Admission{}, fmt.Errorf("%w: a reason is required for a transfer", store.ErrInvalid)
	}
	a, err := s.Admission(ctx, id)
	if err != nil {
		return a, err
	}
	if !a.Active() {
		return a, fmt.Errorf("%w: the patient has left the ward", store.ErrInvalid)
	}
	if toBed == a.Bed {
		return a, fmt.Errorf("%w: the patient is already in bed %s", store.ErrInvalid, toBed)
	}
	bed, err := s.Bed(ctx, toBed)
	if err != nil {
		return a, err
	}
	ward, err := s.cat.Ward(ctx, bed.Ward)
	if err != nil {
		return a, err
	}
	if ward.Sex != "" && a.Sex != ward.Sex {
		return a, fmt.Errorf("%w: %s does not admit this patient's sex", ErrBedUnsuitable, ward.Name)
	}
	ok, err := s.claimBed(ctx, bed.ID, a.ID, a.PatientID, by)
	if err != nil {
		return a, err
	}
	if !ok {
		return a, s.taken(ctx, bed, a.PatientID)
	}
	now := s.now().UTC()
	stays := slices.Clone(a.Stays)
	stays[len(stays)-1].To = now
	stays = append(stays, Stay{Ward: bed.Ward, Bed: bed.ID, BedCode: bed.Code, BedType: bed.BedType, From: now, Reason: reason, By: by})
	update := bson.D{{Key: "$set", Value: stampSet(now, by, bson.E{Key: "ward", Value: bed.Ward}, bson.E{Key: "bed", Value: bed.ID},
		bson.E{Key: "bed_code", Value: bed.Code}, bson.E{Key: "stays", Value: stays})},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}},
		{Key: "$push", Value: bson.D{{Key: "events", Value: Event{At: now, By: by, What: "transferred", Detail: a.Bed + " → " + bed.ID + ": " + reason}},
			{Key: "pending", Value: followRelease + a.Bed}}}}
	var out Admission
	moved, err := guard.Update(ctx, s.db, store.CollAdmissions, a.ID,
		[]guard.Cond{guard.Eq("bed", a.Bed), guard.Eq("version", a.Version), guard.In("status", StateActive, StateDischargeOrdered)}, update, &out)
	if err == nil && !moved {
		err = fmt.Errorf("%w: the admission changed while transferring; look again", store.ErrConflict)
	}
	if err != nil {
		if uerr := s.unclaimBed(ctx, bed.ID, a.ID, by); uerr != nil {
			s.log.Warn("transfer: claimed bed left for repair", "bed", bed.ID, "err", uerr)
		}
		return a, err
	}
	return s.follow(ctx, out)
}
