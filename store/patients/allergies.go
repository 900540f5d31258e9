package patients

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// ErrHasAllergies means "no known allergies" was chosen while allergies are listed.
var ErrHasAllergies = fmt.Errorf("%w: remove the listed allergies first", store.ErrInvalid)

// SetNoKnownAllergies records that the patient has no known allergies (who and when).
func (s *Store) SetNoKnownAllergies(ctx context.Context, id, by string) (Patient, error) {
	cur, err := s.ByID(ctx, id)
	if err != nil {
		return cur, err
	}
	if len(cur.Allergies.Items) > 0 {
		return cur, ErrHasAllergies
	}
	return s.apply(ctx, update{id: id, version: cur.Version,
		set: bson.D{{Key: "allergies.status", Value: AllergiesNone}, {Key: "allergies.recorded_by", Value: by},
			{Key: "allergies.recorded_at", Value: time.Now().UTC()}},
		changes: []Change{{Field: "Allergies", Old: statusText(cur.Allergies.Status), New: "No known allergies"}}}, by)
}

// AddAllergy lists an allergy; the record's state becomes "listed".
func (s *Store) AddAllergy(ctx context.Context, id string, a Allergy, by string) (Patient, error) {
	a.Substance, a.Reaction = CleanName(a.Substance), CleanName(a.Reaction)
	if a.Substance == "" || !slices.Contains(Severities, a.Severity) {
		return Patient{}, fmt.Errorf("%w: allergy", store.ErrInvalid)
	}
	cur, err := s.ByID(ctx, id)
	if err != nil {
		return cur, err
	}
	for _, x := range cur.Allergies.Items {
		if Fold(x.Substance) == Fold(a.Substance) {
			return cur, fmt.Errorf("%w: %s is already listed", store.ErrDuplicate, x.Substance)
		}
	}
	now := time.Now().UTC()
	a.ID, a.RecordedBy, a.RecordedAt = shortID(), by, now
	// Guarded by the version read above: the duplicate check holds only for that version.
	return s.apply(ctx, update{id: id, version: cur.Version,
		set: bson.D{{Key: "allergies.status", Value: AllergiesListed}, {Key: "allergies.recorded_by", Value: by},
			{Key: "allergies.recorded_at", Value: now}},
		push:    bson.D{{Key: "allergies.items", Value: a}},
		changes: []Change{{Field: "Allergy added", New: allergyText(a)}}}, by)
}

// RemoveAllergy takes an allergy off the list (recorded in error), with a reason. When the
// last one goes, the state returns to "not recorded": nobody has said "none" yet.
func (s *Store) RemoveAllergy(ctx context.Context, id, allergyID, reason, by string) (Patient, error) {
	cur, err := s.ByID(ctx, id)
	if err != nil {
		return cur, err
	}
	i := slices.IndexFunc(cur.Allergies.Items, func(a Allergy) bool { return a.ID == allergyID })
	if i < 0 {
		return cur, store.ErrNotFound
	}
	// The remaining list is written whole, guarded by the version: the embedded engine's
	// $pull removes only elements equal to the value given, not ones matching {id: …}.
	rest := slices.Delete(slices.Clone(cur.Allergies.Items), i, i+1)
	u := update{id: id, version: cur.Version,
		set:     bson.D{{Key: "allergies.items", Value: rest}},
		changes: []Change{{Field: "Allergy removed", Old: allergyText(cur.Allergies.Items[i]), New: "removed: " + CleanName(reason)}}}
	if len(rest) == 0 {
		u.set = append(u.set, bson.E{Key: "allergies.status", Value: AllergiesUnknown})
	}
	return s.apply(ctx, u, by)
}

func allergyText(a Allergy) string {
	parts := []string{a.Substance}
	if a.Reaction != "" {
		parts = append(parts, a.Reaction)
	}
	return strings.Join(append(parts, a.Severity), " — ")
}

func statusText(st string) string {
	switch st {
	case AllergiesNone:
		return "No known allergies"
	case AllergiesListed:
		return "Listed"
	default:
		return "Not recorded"
	}
}
