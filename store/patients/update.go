package patients

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// update is one write to a patient: when version is set it applies only to that version
// (an optimistic edit), the changes are appended to the history in the same write, and
// the version and rev move on. It re-indexes the patient and returns it as stored.
type update struct {
	id      string
	version int64 // > 0: the write applies only to this version
	set     bson.D
	push    bson.D // arrays to append to, besides history
	changes []Change
}

func (s *Store) apply(ctx context.Context, u update, by string) (Patient, error) {
	now := time.Now().UTC()
	rev, err := s.nextRev(ctx)
	if err != nil {
		return Patient{}, err
	}
	for i := range u.changes {
		u.changes[i].At, u.changes[i].By = now, by
	}
	set := append(u.set, bson.E{Key: "updated_at", Value: now}, bson.E{Key: "updated_by", Value: by}, bson.E{Key: "rev", Value: rev})
	push := append(u.push, bson.E{Key: "history", Value: bson.D{{Key: "$each", Value: u.changes}}})
	doc := bson.D{{Key: "$set", Value: set}, {Key: "$push", Value: push}, {Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}}
	var conds []guard.Cond
	if u.version > 0 {
		conds = append(conds, guard.Eq("version", u.version))
	}
	// guard keeps the version check atomic without the collection scan that any filter
	// beyond _id costs on the embedded engine.
	var p Patient
	ok, err := guard.Update(ctx, s.db, store.CollPatients, u.id, conds, doc, &p)
	if err != nil {
		return Patient{}, fmt.Errorf("store: update patient %s: %w", u.id, err)
	}
	if !ok {
		if _, err := s.ByID(ctx, u.id); err != nil {
			return Patient{}, err
		}
		return Patient{}, store.ErrConflict
	}
	s.idx.put(p)
	return p, nil
}

// Edit is a change of demographics; IDNumber "" keeps the ID number on file.
type Edit struct {
	Demographics
	IDNumber string
}

// UpdateDemographics saves an edit made on version of the record; every changed field is
// kept in the history (old → new). A concurrent edit gives store.ErrConflict.
func (s *Store) UpdateDemographics(ctx context.Context, id string, version int64, e Edit, by string) (Patient, error) {
	cur, err := s.ByID(ctx, id)
	if err != nil {
		return cur, err
	}
	if cur.Version != version {
		return cur, store.ErrConflict
	}
	if cur.Pseudonym != nil {
		return cur, fmt.Errorf("%w: this patient was pseudonymised; identifiers cannot be added back", store.ErrInvalid)
	}
	if err := e.check(time.Now().UTC()); err != nil {
		return cur, err
	}
	d := e.Demographics
	d.Given, d.Middle, d.Family = CleanName(d.Given), CleanName(d.Middle), CleanName(d.Family)
	d.IDKind, d.IDLast4 = e.IDKind, cur.IDLast4
	u := update{id: id, version: version}
	var newHash string
	if nid := NormalizeID(e.IDNumber); nid != "" && !slices.Contains(s.box.Hashes("nid", nid), cur.IDHash) {
		newHash = s.box.Hash("nid", nid)
		if err := s.claimID(ctx, s.box.Hashes("nid", nid), id); err != nil {
			return cur, err
		}
		d.IDLast4 = last4(nid)
		u.set = append(u.set, bson.E{Key: "id_hash", Value: newHash}, bson.E{Key: "id_sealed", Value: s.box.Seal(nid)})
		u.changes = append(u.changes, Change{Field: "ID number", Old: mask(cur.IDLast4), New: mask(d.IDLast4)})
	}
	u.changes = append(u.changes, diff(cur.Demographics, d)...)
	if len(u.changes) == 0 {
		return cur, nil
	}
	u.set = append(u.set, bson.E{Key: "given", Value: d.Given}, bson.E{Key: "middle", Value: d.Middle},
		bson.E{Key: "family", Value: d.Family}, bson.E{Key: "sex", Value: d.Sex}, bson.E{Key: "dob", Value: d.DOB},
		bson.E{Key: "dob_estimated", Value: d.DOBEstimated}, bson.E{Key: "phone", Value: d.Phone},
		bson.E{Key: "address", Value: d.Address}, bson.E{Key: "city", Value: d.City}, bson.E{Key: "pin", Value: d.PIN},
		bson.E{Key: "id_kind", Value: d.IDKind}, bson.E{Key: "id_last4", Value: d.IDLast4},
		bson.E{Key: "emerg_name", Value: d.EmergName}, bson.E{Key: "emerg_relation", Value: d.EmergRel},
		bson.E{Key: "emerg_phone", Value: d.EmergPhone}, bson.E{Key: "blood_group", Value: d.BloodGroup},
		bson.E{Key: "language", Value: d.Language})
	p, err := s.apply(ctx, u, by)
	if err != nil {
		if newHash != "" {
			s.releaseID(newHash, id)
		}
		return p, err
	}
	if newHash != "" && cur.IDHash != "" {
		s.releaseID(cur.IDHash, id)
	}
	if p.Name() != cur.Name() {
		if err := s.accounts.SetName(ctx, id, p.Name()); err != nil {
			return p, err
		}
	}
	return p, nil
}

func mask(last4 string) string {
	if last4 == "" {
		return "—"
	}
	return "•••• " + last4
}

// diff lists the fields that differ between two sets of demographics, as people name them.
func diff(a, b Demographics) []Change {
	var out []Change
	add := func(field, old, new string) {
		if old != new {
			out = append(out, Change{Field: field, Old: old, New: new})
		}
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	}
	yes := func(b bool) string {
		if b {
			return "estimated"
		}
		return "exact"
	}
	add("Given name", a.Given, b.Given)
	add("Middle name", a.Middle, b.Middle)
	add("Family name", a.Family, b.Family)
	add("Sex", a.Sex, b.Sex)
	add("Date of birth", date(a.DOB), date(b.DOB))
	add("Date of birth is", yes(a.DOBEstimated), yes(b.DOBEstimated))
	add("Phone", a.Phone, b.Phone)
	add("Address", a.Address, b.Address)
	add("City", a.City, b.City)
	add("PIN code", a.PIN, b.PIN)
	add("ID kind", a.IDKind, b.IDKind)
	add("Emergency contact", a.EmergName, b.EmergName)
	add("Emergency contact relation", a.EmergRel, b.EmergRel)
	add("Emergency contact phone", a.EmergPhone, b.EmergPhone)
	add("Blood group", a.BloodGroup, b.BloodGroup)
	add("Preferred language", a.Language, b.Language)
	return out
}

// ErrNotASurvivor means the record named as the surviving one cannot be.
var ErrNotASurvivor = errors.New("store: that record cannot be the surviving record")

// MarkDuplicate records that patient id is a duplicate of the patient with survivorMRN.
// The record is kept (others may point at it) and from then on points to the survivor.
func (s *Store) MarkDuplicate(ctx context.Context, id, survivorMRN, reason, by string) (Patient, error) {
	survivorID, err := s.IDByMRN(ctx, survivorMRN)
	if err != nil {
		return Patient{}, err
	}
	survivor, err := s.ByID(ctx, survivorID)
	if err != nil {
		return Patient{}, err
	}
	if survivor.ID == id || survivor.DuplicateOf != "" {
		return Patient{}, ErrNotASurvivor
	}
	cur, err := s.ByID(ctx, id)
	if err != nil {
		return cur, err
	}
	if cur.DuplicateOf != "" {
		return cur, store.ErrConflict
	}
	return s.apply(ctx, update{id: id, version: cur.Version,
		set:     bson.D{{Key: "duplicate_of", Value: survivor.ID}, {Key: "duplicate_of_mrn", Value: survivor.MRN}},
		changes: []Change{{Field: "Duplicate of", Old: "", New: "MRN " + survivor.MRN + " — " + reason}}}, by)
}

// SetLastVisit records that the patient was seen at `at` (an OPD visit completed). It is
// idempotent and never moves the date back, so a repair may re-apply it.
func (s *Store) SetLastVisit(ctx context.Context, id string, at time.Time) error {
	rev, err := s.nextRev(ctx)
	if err != nil {
		return err
	}
	_, err = s.c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{
		{Key: "$max", Value: bson.D{{Key: "last_visit", Value: at.UTC()}}},
		{Key: "$set", Value: bson.D{{Key: "rev", Value: rev}}}})
	if err != nil {
		return fmt.Errorf("store: last visit of %s: %w", id, err)
	}
	_, err = s.reindex(ctx, id)
	return err
}
