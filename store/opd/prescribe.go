package opd

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/patients"
)

// Frequency is how often a drug is taken: Doses every PeriodDays days, once (STAT), or
// when needed (SOS, whose quantity the prescriber states).
type Frequency struct {
	Code       string
	Label      string
	Doses      int
	PeriodDays int
	Once       bool
	AsNeeded   bool
}

// DosesPerDay is the number of doses a day (a fraction for weekly ones; 0 for STAT and SOS).
func (f Frequency) DosesPerDay() float64 {
	if f.PeriodDays == 0 {
		return 0
	}
	return float64(f.Doses) / float64(f.PeriodDays)
}

// Frequencies are the codes a prescription may use, in the order forms offer them.
var Frequencies = []Frequency{
	{Code: "OD", Label: "Once a day", Doses: 1, PeriodDays: 1},
	{Code: "BD", Label: "Twice a day", Doses: 2, PeriodDays: 1},
	{Code: "TDS", Label: "Three times a day", Doses: 3, PeriodDays: 1},
	{Code: "QID", Label: "Four times a day", Doses: 4, PeriodDays: 1},
	{Code: "HS", Label: "At bedtime", Doses: 1, PeriodDays: 1},
	{Code: "Q6H", Label: "Every 6 hours", Doses: 4, PeriodDays: 1},
	{Code: "Q8H", Label: "Every 8 hours", Doses: 3, PeriodDays: 1},
	{Code: "WEEKLY", Label: "Once a week", Doses: 1, PeriodDays: 7},
	{Code: "STAT", Label: "Immediately, once", Once: true},
	{Code: "SOS", Label: "When needed", AsNeeded: true},
}

// FrequencyOf returns the frequency with code (any case).
func FrequencyOf(code string) (Frequency, bool) {
	i := slices.IndexFunc(Frequencies, func(f Frequency) bool { return strings.EqualFold(f.Code, strings.TrimSpace(code)) })
	if i < 0 {
		return Frequency{}, false
	}
	return Frequencies[i], true
}

// Quantity is how many dispensing units a course needs: doses a day × days × units per
// dose, rounded up (a weekly dose for 14 days is 2 doses). STAT is one dose. SOS has no
// computed quantity: the prescriber states it.
func Quantity(freq string, days int, unitsPerDose float64) (int, error) {
	f, ok := FrequencyOf(freq)
	switch {
	case !ok:
		return 0, fmt.Errorf("%w: frequency %q", store.ErrInvalid, freq)
	case unitsPerDose <= 0 || unitsPerDose > 100:
		return 0, fmt.Errorf("%w: units per dose must be more than 0", store.ErrInvalid)
	case f.Once:
		return int(math.Ceil(unitsPerDose - 1e-9)), nil
	case f.AsNeeded:
		return 0, fmt.Errorf("%w: enter the quantity for a when-needed (SOS) drug", store.ErrInvalid)
	case days < 1 || days > 365:
		return 0, fmt.Errorf("%w: duration must be between 1 and 365 days", store.ErrInvalid)
	}
	q := float64(f.Doses) * float64(days) * unitsPerDose / float64(f.PeriodDays)
	return int(math.Ceil(q - 1e-9)), nil
}

// Ack records that the prescriber saw a warning and went on.
type Ack struct {
	Warnings []string  `bson:"warnings"`
	By       string    `bson:"by"`
	At       time.Time `bson:"at"`
}

// Prescription line states.
const (
	RxActive  = "active"
	RxRemoved = "removed"
)

// Prescription is one drug prescribed on the visit.
type Prescription struct {
	Line          int       `bson:"line"`
	DrugCode      string    `bson:"drug_code"`
	Generic       string    `bson:"generic"`
	Strength      string    `bson:"strength"`
	Form          string    `bson:"form"`
	Unit          string    `bson:"unit"` // dispensing unit: tablet, ml, bottle …
	Dose          string    `bson:"dose"` // "500 mg", "1 tablet"
	UnitsPerDose  float64   `bson:"units_per_dose"`
	Route         string    `bson:"route"`
	Frequency     string    `bson:"frequency"`
	DurationDays  int       `bson:"duration_days"`
	Quantity      int       `bson:"quantity"`
	Instructions  string    `bson:"instructions,omitempty"`
	AllergyAck    *Ack      `bson:"allergy_ack,omitempty"`
	DuplicateAck  *Ack      `bson:"duplicate_ack,omitempty"`
	Status        string    `bson:"status"`
	RemovedReason string    `bson:"removed_reason,omitempty"`
	By            string    `bson:"by"`
	At            time.Time `bson:"at"`
}

// RxInput is what the doctor enters for a prescription line.
type RxInput struct {
	DrugCode     string
	Dose         string
	UnitsPerDose float64 // dispensing units per dose; 0 means 1
	Route        string  // "" = the drug's route
	Frequency    string
	DurationDays int
	Quantity     int // SOS only; computed otherwise
	Instructions string
	AckAllergy   bool // the prescriber saw the allergy warning and goes on
	AckDuplicate bool // the prescriber saw the duplicate-drug warning and goes on
}

// AllergyConflictError lists the allergies a drug conflicts with; it is an ErrAllergyConflict.
type AllergyConflictError struct{ Conflicts []AllergyConflict }

func (e *AllergyConflictError) Error() string {
	parts := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		parts[i] = c.String()
	}
	return ErrAllergyConflict.Error() + ": " + strings.Join(parts, "; ")
}

// Unwrap makes the error an ErrAllergyConflict.
func (e *AllergyConflictError) Unwrap() error { return ErrAllergyConflict }

// AddPrescription prescribes a formulary drug. A drug the patient is allergic to (see
// AllergyConflicts) is refused with an *AllergyConflictError unless in.AckAllergy, and a
// drug whose generic is already prescribed on the visit with ErrDuplicateDrug unless
// in.AckDuplicate; an acknowledged warning is recorded on the line.
func (s *Store) AddPrescription(ctx context.Context, id string, in RxInput, by string) (Visit, error) {
	drug, err := s.Drug(ctx, strings.TrimSpace(in.DrugCode))
	if err != nil {
		return Visit{}, err
	}
	f, ok := FrequencyOf(in.Frequency)
	if !ok {
		return Visit{}, fmt.Errorf("%w: frequency %q", store.ErrInvalid, in.Frequency)
	}
	in.UnitsPerDose = cmp.Or(in.UnitsPerDose, 1)
	qty := in.Quantity
	if !f.AsNeeded {
		if qty, err = Quantity(f.Code, in.DurationDays, in.UnitsPerDose); err != nil {
			return Visit{}, err
		}
	} else if qty < 1 || qty > 1000 {
		return Visit{}, fmt.Errorf("%w: enter the quantity for a when-needed (SOS) drug", store.ErrInvalid)
	}
	if f.Once {
		in.DurationDays = 1
	}
	now := s.now().UTC()
	rx := Prescription{DrugCode: drug.Code, Generic: drug.Generic, Strength: drug.Strength, Form: drug.Form, Unit: drug.Unit,
		Dose: strings.TrimSpace(in.Dose), UnitsPerDose: in.UnitsPerDose, Route: cmp.Or(strings.TrimSpace(in.Route), drug.Route),
		Frequency: f.Code, DurationDays: in.DurationDays, Quantity: qty, Instructions: strings.TrimSpace(in.Instructions),
		Status: RxActive, By: by, At: now}
	if rx.Dose == "" {
		return Visit{}, fmt.Errorf("%w: enter the dose", store.ErrInvalid)
	}
	return s.edit(ctx, id, by, consulting, func(v Visit) (visitWrite, error) {
		pat, err := s.pats.ByID(ctx, v.PatientID)
		if err != nil {
			return visitWrite{}, err
		}
		line := rx
		if conflicts := AllergyConflicts(pat.Allergies.Items, drug); len(conflicts) > 0 {
			if !in.AckAllergy {
				return visitWrite{}, &AllergyConflictError{Conflicts: conflicts}
			}
			line.AllergyAck = &Ack{By: by, At: now}
			for _, c := range conflicts {
				line.AllergyAck.Warnings = append(line.AllergyAck.Warnings, c.String())
			}
		}
		generic := patients.Fold(drug.Generic)
		for _, x := range v.Prescriptions {
			line.Line = max(line.Line, x.Line)
			if x.Status != RxActive || patients.Fold(x.Generic) != generic {
				continue
			}
			warning := fmt.Sprintf("%s is already prescribed (line %d: %s %s)", drug.Generic, x.Line, x.Strength, x.Frequency)
			if !in.AckDuplicate {
				return visitWrite{}, fmt.Errorf("%w: %s", ErrDuplicateDrug, warning)
			}
			line.DuplicateAck = &Ack{Warnings: []string{warning}, By: by, At: now}
		}
		line.Line++
		return visitWrite{push: bson.D{{Key: "prescriptions", Value: line}}}, nil
	})
}

// RemovePrescription withdraws a line during the consultation; it stays on the visit, marked removed.
func (s *Store) RemovePrescription(ctx context.Context, id string, line int, reason, by string) (Visit, error) {
	return s.edit(ctx, id, by, consulting, func(v Visit) (visitWrite, error) {
		i := slices.IndexFunc(v.Prescriptions, func(p Prescription) bool { return p.Line == line && p.Status == RxActive })
		if i < 0 {
			return visitWrite{}, fmt.Errorf("%w: prescription line %d", store.ErrNotFound, line)
		}
		list := slices.Clone(v.Prescriptions)
		list[i].Status, list[i].RemovedReason = RxRemoved, strings.TrimSpace(reason)
		return visitWrite{set: bson.D{{Key: "prescriptions", Value: list}}}, nil
	})
}

// ActivePrescriptions lists the lines not removed.
func (v Visit) ActivePrescriptions() []Prescription {
	var out []Prescription
	for _, p := range v.Prescriptions {
		if p.Status == RxActive {
			out = append(out, p)
		}
	}
	return out
}
