package ipd

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/catalog"
)

// CheckBeds proves the bed invariants: every occupied bed names an admission that is in
// the ward (not discharged) and lies in that bed; every admission in the ward lies in a
// bed that names it — so no bed holds two patients and no admitted patient has none. It
// reads the beds (hundreds) and the active admissions by _id.
func (s *Store) CheckBeds(ctx context.Context) ([]string, error) {
	cur, err := s.beds.R.Find(store.DeclaredScan(ctx, "bed check"), bson.D{})
	if err != nil {
		return nil, fmt.Errorf("store: check beds: %w", err)
	}
	var beds []Bed
	if err := cur.All(ctx, &beds); err != nil {
		return nil, fmt.Errorf("store: check beds: %w", err)
	}
	var problems []string
	holder := map[string]string{} // admission → the bed naming it
	for _, b := range beds {
		if b.AdmissionID == "" {
			if b.Status == catalog.BedOccupied {
				problems = append(problems, fmt.Sprintf("bed %s is occupied by no admission", b.ID))
			}
			continue
		}
		if b.Status != catalog.BedOccupied {
			continue // a bed being cleaned may still remember its last occupant
		}
		if other, ok := holder[b.AdmissionID]; ok {
			problems = append(problems, fmt.Sprintf("admission %s occupies beds %s and %s", b.AdmissionID, other, b.ID))
		}
		holder[b.AdmissionID] = b.ID
		a, err := s.Admission(ctx, b.AdmissionID)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("bed %s names admission %s: %v", b.ID, b.AdmissionID, err))
		case a.Status == StateDischarged:
			problems = append(problems, fmt.Sprintf("bed %s still holds discharged admission %s", b.ID, a.ID))
		case a.Bed != b.ID:
			problems = append(problems, fmt.Sprintf("bed %s names admission %s, which lies in %s", b.ID, a.ID, a.Bed))
		}
	}
	active, err := s.ActiveIDs(ctx)
	if err != nil {
		return problems, err
	}
	for _, id := range active {
		a, err := s.Admission(ctx, id)
		if err != nil {
			problems = append(problems, fmt.Sprintf("active admission %s: %v", id, err))
			continue
		}
		if a.Status != StateDischarged && holder[id] != a.Bed {
			problems = append(problems, fmt.Sprintf("admission %s is in no bed (its bed %s does not name it)", id, a.Bed))
		}
	}
	return problems, nil
}
