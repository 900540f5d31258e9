package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hms/store/ipd"
	"hms/store/opd"
	"hms/store/patients"
)

// demoAdmission is a patient on a ward when the demo hospital opens, with a medication
// and a care-task order the nurse has still to acknowledge, and a set of vitals.
type demoAdmission struct {
	mrn, bed, diagnosis, reason string
	temp, pulse                 float64
}

var demoAdmissions = []demoAdmission{
	{"100002", "W2-3", "Acute gastroenteritis with dehydration", "IV fluids", 37.2, 104},
	{"100006", "W2-5", "Right lower lobe pneumonia", "IV antibiotics, oxygen", 38.6, 112},
	{"100016", "ICU-2", "Acute exacerbation of COPD", "Non-invasive ventilation", 37.8, 118},
}

// admissions admits the demo inpatients through the ward store (so every rule and
// list applies); a patient already admitted by an earlier, interrupted run is skipped.
func admissions(ctx context.Context, db *ipd.Store, pats *patients.Store) (int, error) {
	n := 0
	for _, d := range demoAdmissions {
		id, err := pats.IDByMRN(ctx, d.mrn)
		if err != nil {
			return n, fmt.Errorf("seed: admission of MRN %s: %w", d.mrn, err)
		}
		a, err := db.Admit(ctx, ipd.AdmitInput{PatientID: id, Source: ipd.SourceDirect, Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan",
			Department: "MED", Diagnosis: d.diagnosis, Reason: d.reason, ExpectedDays: 4, Bed: d.bed}, "admissions")
		if errors.Is(err, ipd.ErrAlreadyAdmitted) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("seed: admission of MRN %s: %w", d.mrn, err)
		}
		_, err = db.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindMedication, DrugCode: "PARA500T", Dose: "1 tablet",
			Frequency: "QID", PRN: false, Start: time.Now().Add(-6 * time.Hour), ByName: "Dr. Ananya Krishnan"}, "doctor")
		if err != nil {
			return n, err
		}
		if _, err := db.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindNursing, Text: "Turn and check pressure areas",
			EveryHours: 2, ByName: "Dr. Ananya Krishnan"}, "doctor"); err != nil {
			return n, err
		}
		temp, pulse := d.temp, d.pulse
		if _, err := db.RecordVitals(ctx, a.ID, opd.Vitals{TempC: &temp, Pulse: &pulse}, "nurse"); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
