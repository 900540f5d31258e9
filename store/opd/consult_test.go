package opd_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/signing"
)

var rao = signing.Person{ID: "dr.rao", Name: "Dr. Venkatesh Rao", Role: "Doctor"}

func TestASignedNoteIsReadOnlyButTakesAddenda(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	waiting := e.walkIn(t, e.patient(t, "Ravi", "Kumar"), "dr.rao")
	_, err := e.s.SaveNote(ctx, waiting.ID, opd.SOAP{Subjective: "cough"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrInvalid, "not before the patient is with the doctor")

	v := e.withDoctor(t, e.patient(t, "Asha", "Verma"))
	_, err = e.s.SignNote(ctx, v.ID, rao)
	assert.ErrorIs(t, err, store.ErrInvalid, "an empty note is not signed")
	_, err = e.s.AddAddendum(ctx, v.ID, "later", rao)
	assert.ErrorIs(t, err, store.ErrInvalid, "addenda are for signed notes")
	_, err = e.s.SaveNote(ctx, v.ID, opd.SOAP{Subjective: "cough 3 days"}, "dr.rao")
	require.NoError(t, err)
	v, err = e.s.SaveNote(ctx, v.ID, opd.SOAP{Subjective: "cough 3 days, fever", Assessment: "URTI", Plan: "paracetamol"}, "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, "cough 3 days, fever", v.Note.Subjective, "the draft is saved again")
	assert.Equal(t, opd.NoteDraft, v.Note.Status)

	v, err = e.s.SignNote(ctx, v.ID, rao)
	require.NoError(t, err)
	assert.Equal(t, opd.NoteSigned, v.Note.Status)
	assert.Equal(t, "dr.rao", v.Note.SignedBy)
	assert.Equal(t, monday.UTC(), v.Note.SignedAt.UTC())
	_, err = e.s.SaveNote(ctx, v.ID, opd.SOAP{Subjective: "changed"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrInvalid)
	_, err = e.s.SignNote(ctx, v.ID, rao)
	assert.ErrorIs(t, err, opd.ErrAlreadyDone)

	v, err = e.s.AddAddendum(ctx, v.ID, "Patient reports rash since morning.", signing.Person{ID: "dr.nair", Name: "Dr. Asha Nair", Role: "Doctor"})
	require.NoError(t, err)
	require.Len(t, v.Note.Addenda, 1)
	assert.Equal(t, "dr.nair", v.Note.Addenda[0].By)
	assert.Equal(t, "cough 3 days, fever", v.Note.Subjective, "the signed text is untouched")
}

func TestDiagnosesFromTheICD10ListOrFreeText(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.withDoctor(t, e.patient(t, "Asha", "Verma"))
	v, err := e.s.AddDiagnosis(ctx, v.ID, "i10", "", false, "dr.rao")
	require.NoError(t, err)
	v, err = e.s.AddDiagnosis(ctx, v.ID, "", "Viral fever, likely dengue", true, "dr.rao")
	require.NoError(t, err)
	require.Len(t, v.Diagnoses, 2)
	assert.Equal(t, "I10", v.Diagnoses[0].Code)
	assert.Equal(t, "Essential (primary) hypertension", v.Diagnoses[0].Title)
	assert.False(t, v.Diagnoses[0].Primary, "the later one was marked primary")
	assert.True(t, v.Diagnoses[1].Primary)
	_, err = e.s.AddDiagnosis(ctx, v.ID, "I10", "", false, "dr.rao")
	assert.ErrorIs(t, err, store.ErrDuplicate)
	_, err = e.s.AddDiagnosis(ctx, v.ID, "X99.9", "", false, "dr.rao")
	assert.ErrorIs(t, err, store.ErrNotFound)
	v, err = e.s.RemoveDiagnosis(ctx, v.ID, 2, "dr.rao")
	require.NoError(t, err)
	require.Len(t, v.Diagnoses, 1)
	assert.True(t, v.Diagnoses[0].Primary, "the remaining one becomes primary")
}

func TestAllergyConflicts(t *testing.T) {
	drug := func(generic, atc string) catalog.Drug { return catalog.Drug{Generic: generic, ATC: atc} }
	allergy := func(s string) []patients.Allergy { return []patients.Allergy{{Substance: s, Severity: "severe"}} }
	for _, c := range []struct {
		allergy string
		drug    catalog.Drug
		reason  string // "" = no conflict
	}{
		{"Penicillin", drug("Amoxicillin", "J01CA04"), "Amoxicillin is a penicillin (ATC J01CA04)"},
		{"penicillins", drug("Amoxicillin + clavulanic acid", "J01CR02"), "is a penicillin"},
		{"Penicillin", drug("Ampicillin", ""), "Ampicillin is a penicillin"},
		{"Amoxicillin", drug("Amoxicillin + clavulanic acid", "J01CR02"), "is or contains Amoxicillin"},
		{"Sulfonamides", drug("Co-trimoxazole", "J01EE01"), "Co-trimoxazole is a sulfonamide (ATC J01EE01)"},
		{"Sulfa drugs", drug("Co-trimoxazole", "J01EE01"), "is a sulfonamide"},
		{"Aspirin", drug("Ibuprofen", "M01AE01"), "Ibuprofen is an NSAID (ATC M01AE01)"},
		{"NSAID", drug("Diclofenac", "M01AB05"), "Diclofenac is an NSAID"},
		{"ASPIRIN", drug("Aspirin", "B01AC06"), "is or contains"},
		{"Ibuprofène", drug("Ibuprofen", "M01AE01"), "is or contains"},
		{"Penicillin", drug("Paracetamol", "N02BE01"), ""},
		{"Sulfonamides", drug("Magnesium sulfate", "B05XA05"), ""},
		{"Egg", drug("Paracetamol", "N02BE01"), ""},
		{"Peanuts", drug("Amoxicillin", "J01CA04"), ""},
	} {
		got := opd.AllergyConflicts(allergy(c.allergy), c.drug)
		if c.reason == "" {
			assert.Empty(t, got, "%s vs %s", c.allergy, c.drug.Generic)
			continue
		}
		require.Len(t, got, 1, "%s vs %s", c.allergy, c.drug.Generic)
		assert.Contains(t, got[0].Reason, c.reason)
		assert.Equal(t, c.allergy, got[0].Substance)
	}
}

func rx(code, freq string, days int) opd.RxInput {
	return opd.RxInput{DrugCode: code, Dose: "1 tablet", Frequency: freq, DurationDays: days}
}

func TestAPrescriptionThePatientIsAllergicToNeedsAcknowledging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.withDoctor(t, e.patient(t, "Rajesh", "Sharma", "Penicillin"))
	_, err := e.s.AddPrescription(ctx, v.ID, rx("AMOX500C", "TDS", 5), "dr.rao")
	require.ErrorIs(t, err, opd.ErrAllergyConflict)
	var ace *opd.AllergyConflictError
	require.True(t, errors.As(err, &ace))
	assert.Contains(t, err.Error(), "Allergy to Penicillin (severe, Hives): Amoxicillin is a penicillin")
	cur, _ := e.s.Visit(ctx, v.ID)
	assert.Empty(t, cur.Prescriptions, "nothing prescribed without the acknowledgement")

	in := rx("AMOX500C", "TDS", 5)
	in.AckAllergy = true
	v, err = e.s.AddPrescription(ctx, v.ID, in, "dr.rao")
	require.NoError(t, err)
	require.Len(t, v.Prescriptions, 1)
	line := v.Prescriptions[0]
	require.NotNil(t, line.AllergyAck, "the acknowledgement is recorded on the line")
	assert.Equal(t, "dr.rao", line.AllergyAck.By)
	assert.Contains(t, line.AllergyAck.Warnings[0], "Penicillin")
	assert.Equal(t, 15, line.Quantity)
	assert.Equal(t, "oral", line.Route, "the drug's route by default")

	_, err = e.s.AddPrescription(ctx, v.ID, rx("PARA500T", "SOS", 3), "dr.rao")
	assert.ErrorIs(t, err, store.ErrInvalid, "an SOS drug needs its quantity")
	in = rx("PARA500T", "SOS", 3)
	in.Quantity = 6
	v, err = e.s.AddPrescription(ctx, v.ID, in, "dr.rao")
	require.NoError(t, err)
	assert.Nil(t, v.Prescriptions[1].AllergyAck, "no allergy, no acknowledgement")
}

func TestTheSameDrugTwiceNeedsAcknowledging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.withDoctor(t, e.patient(t, "Asha", "Verma"))
	v, err := e.s.AddPrescription(ctx, v.ID, rx("PARA500T", "TDS", 3), "dr.rao")
	require.NoError(t, err)
	_, err = e.s.AddPrescription(ctx, v.ID, rx("PARA125S", "TDS", 3), "dr.rao")
	require.ErrorIs(t, err, opd.ErrDuplicateDrug, "the same generic in another form")
	assert.Contains(t, err.Error(), "Paracetamol is already prescribed (line 1")

	in := rx("PARA125S", "TDS", 3)
	in.AckDuplicate = true
	v, err = e.s.AddPrescription(ctx, v.ID, in, "dr.rao")
	require.NoError(t, err)
	require.Len(t, v.Prescriptions, 2)
	require.NotNil(t, v.Prescriptions[1].DuplicateAck)
	assert.Equal(t, 2, v.Prescriptions[1].Line)

	v, err = e.s.RemovePrescription(ctx, v.ID, 1, "duplicate", "dr.rao")
	require.NoError(t, err)
	v, err = e.s.RemovePrescription(ctx, v.ID, 2, "duplicate", "dr.rao")
	require.NoError(t, err)
	assert.Empty(t, v.ActivePrescriptions())
	v, err = e.s.AddPrescription(ctx, v.ID, rx("PARA500T", "BD", 2), "dr.rao")
	require.NoError(t, err, "removed lines are no duplicate")
	assert.Equal(t, 3, v.Prescriptions[2].Line)
}

func TestQuantityIsDosesTimesDaysTimesUnitsRoundedUp(t *testing.T) {
	for _, c := range []struct {
		freq  string
		days  int
		units float64
		want  int
	}{
		{"OD", 5, 1, 5},
		{"BD", 5, 1, 10},
		{"tds", 5, 1, 15},
		{"QID", 3, 2, 24},
		{"HS", 10, 1, 10},
		{"Q6H", 2, 1, 8},
		{"Q8H", 7, 0.5, 11}, // 10.5 half-tablets round up to 11
		{"BD", 3, 0.5, 3},
		{"WEEKLY", 14, 1, 2},
		{"weekly", 10, 1, 2}, // a second week begun needs its dose
		{"STAT", 0, 2, 2},
	} {
		got, err := opd.Quantity(c.freq, c.days, c.units)
		require.NoError(t, err, "%+v", c)
		assert.Equal(t, c.want, got, "%+v", c)
	}
	for _, bad := range []struct {
		freq  string
		days  int
		units float64
	}{{"SOS", 3, 1}, {"XYZ", 3, 1}, {"BD", 0, 1}, {"BD", 3, 0}, {"OD", 400, 1}} {
		_, err := opd.Quantity(bad.freq, bad.days, bad.units)
		assert.ErrorIs(t, err, store.ErrInvalid, "%+v", bad)
	}
	f, ok := opd.FrequencyOf("Q8H")
	require.True(t, ok)
	assert.InDelta(t, 3.0, f.DosesPerDay(), 1e-9)
	w, _ := opd.FrequencyOf("WEEKLY")
	assert.InDelta(t, 1.0/7, w.DosesPerDay(), 1e-9)
}
