package pharmacy

import (
	"context"
	"slices"
	"time"

	"hms/store"
	"hms/store/worklist"
)

// Med is a drug recently dispensed to a patient, active until Until.
type Med struct {
	LineID   string    `bson:"line_id"`
	OrderRef string    `bson:"order_ref"`
	DrugCode string    `bson:"drug_code"`
	Generic  string    `bson:"generic"`
	Strength string    `bson:"strength"`
	At       time.Time `bson:"at"`
	Until    time.Time `bson:"until"`
}

// patientMeds is the per-patient bucket of recently dispensed drugs (kept short).
type patientMeds struct {
	ID   string `bson:"_id"`
	Meds []Med  `bson:"meds"`
}

// maxMeds bounds the bucket: the newest dispensed lines a check needs.
const maxMeds = 40

// rememberMed adds a dispensed line to the patient's medication bucket (once per line).
func (s *Store) rememberMed(ctx context.Context, l Line, o Order) error {
	until := l.DispensedAt.Add(SupplyHours * time.Hour)
	if o.DurationDays > 0 {
		until = l.DispensedAt.AddDate(0, 0, o.DurationDays)
	}
	if !o.Stop.IsZero() {
		until = o.Stop
	}
	_, err := change(ctx, s.db, store.CollPatientMeds, l.PatientID, func() patientMeds { return patientMeds{ID: l.PatientID} },
		func(pm *patientMeds) error {
			if slices.ContainsFunc(pm.Meds, func(m Med) bool { return m.LineID == l.ID }) {
				return errNoChange
			}
			pm.Meds = append(pm.Meds, Med{LineID: l.ID, OrderRef: l.OrderRef, DrugCode: l.DrugCode, Generic: l.Generic,
				Strength: l.Strength, At: l.DispensedAt, Until: until})
			if len(pm.Meds) > maxMeds {
				pm.Meds = pm.Meds[len(pm.Meds)-maxMeds:]
			}
			return nil
		})
	return err
}

// OtherMed is another active medication of the patient, named for the interaction check.
type OtherMed struct {
	Generic, Strength string
	Source            string // "dispensed 26 Nov", "ward order", "this prescription"
}

// ActiveMeds lists the patient's active medications the pharmacy knows of: drugs
// dispensed whose course has not ended and the ward's active medication orders on the
// pharmacy list, leaving out the orders in skip.
func (s *Store) ActiveMeds(ctx context.Context, patientID string, skip map[string]bool) ([]OtherMed, error) {
	items, _, err := s.lists.Items(ctx, worklist.Pharmacy)
	if err != nil {
		return nil, err
	}
	return s.activeMeds(ctx, patientID, skip, items)
}

// activeMeds is ActiveMeds with the pharmacy list already read (it is the page's biggest read).
func (s *Store) activeMeds(ctx context.Context, patientID string, skip map[string]bool, items []worklist.Item) ([]OtherMed, error) {
	now := s.now()
	var out []OtherMed
	pm, err := byID[patientMeds](ctx, s.meds, patientID, "patient medications")
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	seen := map[string]bool{}
	for _, m := range slices.Backward(pm.Meds) {
		if m.Until.Before(now) || skip[m.OrderRef] || seen[m.OrderRef] {
			continue
		}
		seen[m.OrderRef] = true
		out = append(out, OtherMed{Generic: m.Generic, Strength: m.Strength,
			Source: "dispensed " + m.At.In(s.loc).Format("2 Jan")})
	}
	for _, it := range items {
		if it.PatientID != patientID || it.Med == nil || it.Med.Status != "active" || skip[it.Ref] || seen[it.Ref] {
			continue
		}
		d, err := s.cat.Drug(ctx, it.Med.DrugCode)
		if err != nil {
			continue
		}
		out = append(out, OtherMed{Generic: d.Generic, Strength: d.Strength, Source: "ward order"})
	}
	return out, nil
}
