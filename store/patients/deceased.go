package patients

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// Death records that a patient has died: when, and the doctor who certified it.
type Death struct {
	At          time.Time `bson:"at"`
	CertifiedBy string    `bson:"certified_by"`
	Encounter   string    `bson:"encounter,omitempty"` // the admission (or visit) it happened in
	RecordedBy  string    `bson:"recorded_by"`
	RecordedAt  time.Time `bson:"recorded_at"`
}

// MarkDeceased records the patient's death, kept in the history like every other edit.
// Recording it again with the same time is a no-op, so a follow-up may be re-applied; a
// different time on a record already marked is refused (a correction is not a re-entry).
func (s *Store) MarkDeceased(ctx context.Context, id string, d Death, by string) (Patient, error) {
	d.CertifiedBy = strings.TrimSpace(d.CertifiedBy)
	if d.At.IsZero() || d.CertifiedBy == "" {
		return Patient{}, fmt.Errorf("%w: the time of death and the certifying doctor are required", store.ErrInvalid)
	}
	d.At = d.At.UTC().Truncate(time.Second)
	for attempt := 0; attempt < 3; attempt++ {
		cur, err := s.ByID(ctx, id)
		if err != nil {
			return cur, err
		}
		if cur.Death != nil {
			if cur.Death.At.Equal(d.At) {
				return cur, nil
			}
			return cur, fmt.Errorf("%w: the patient is already recorded as deceased", store.ErrInvalid)
		}
		d.RecordedBy, d.RecordedAt = by, time.Now().UTC()
		p, err := s.apply(ctx, update{id: id, version: cur.Version, set: bson.D{{Key: "death", Value: d}},
			changes: []Change{{Field: "deceased", Old: "", New: d.At.Format(time.RFC3339) + " certified by " + d.CertifiedBy}}}, by)
		if err == store.ErrConflict {
			continue
		}
		return p, err
	}
	return Patient{}, store.ErrConflict
}
