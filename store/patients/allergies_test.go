package patients_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/patients"
)

func TestAllergiesHaveThreeStates(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	p := register(t, s, person("Nisha", "Kapoor"))
	assert.Equal(t, patients.AllergiesUnknown, p.Allergies.Status, "nobody has asked yet")
	assert.Empty(t, p.Allergies.Items)
	assert.Empty(t, p.Allergies.RecordedBy)

	p, err := s.SetNoKnownAllergies(ctx, p.ID, "nurse-1")
	require.NoError(t, err)
	assert.Equal(t, patients.AllergiesNone, p.Allergies.Status)
	assert.Equal(t, "nurse-1", p.Allergies.RecordedBy)
	assert.False(t, p.Allergies.RecordedAt.IsZero())

	p, err = s.AddAllergy(ctx, p.ID, patients.Allergy{Substance: " Penicillin ", Reaction: "hives", Severity: "severe"}, "dr-rao")
	require.NoError(t, err)
	assert.Equal(t, patients.AllergiesListed, p.Allergies.Status)
	assert.Equal(t, "dr-rao", p.Allergies.RecordedBy)
	require.Len(t, p.Allergies.Items, 1)
	pen := p.Allergies.Items[0]
	assert.Equal(t, "Penicillin", pen.Substance)
	assert.NotEmpty(t, pen.ID)
	assert.Equal(t, "dr-rao", pen.RecordedBy)

	_, err = s.SetNoKnownAllergies(ctx, p.ID, "nurse-2")
	require.ErrorIs(t, err, patients.ErrHasAllergies)
	assert.ErrorIs(t, err, store.ErrInvalid)
	stored, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, patients.AllergiesListed, stored.Allergies.Status, "the listed allergy still shows")

	p, err = s.AddAllergy(ctx, p.ID, patients.Allergy{Substance: "Peanuts", Severity: "life-threatening"}, "dr-rao")
	require.NoError(t, err)
	require.Len(t, p.Allergies.Items, 2)
	nuts := p.Allergies.Items[1]

	p, err = s.RemoveAllergy(ctx, p.ID, pen.ID, "recorded on the wrong patient", "dr-rao")
	require.NoError(t, err)
	assert.Equal(t, patients.AllergiesListed, p.Allergies.Status, "one is still listed")
	assert.Equal(t, []string{"Peanuts"}, substances(p))

	p, err = s.RemoveAllergy(ctx, p.ID, nuts.ID, "entered in error", "dr-rao")
	require.NoError(t, err)
	assert.Equal(t, patients.AllergiesUnknown, p.Allergies.Status, "with the last one gone, nobody has said \"none\"")
	assert.Empty(t, p.Allergies.Items)

	_, err = s.RemoveAllergy(ctx, p.ID, nuts.ID, "again", "dr-rao")
	assert.ErrorIs(t, err, store.ErrNotFound)

	var fields []string
	for _, c := range p.History {
		fields = append(fields, c.Field)
	}
	assert.Equal(t, []string{"Allergies", "Allergy added", "Allergy added", "Allergy removed", "Allergy removed"}, fields)
	assert.Equal(t, "Not recorded", p.History[0].Old)
	assert.Equal(t, "No known allergies", p.History[0].New)
	assert.Contains(t, p.History[4].New, "entered in error")
}

func substances(p patients.Patient) []string {
	out := []string{}
	for _, a := range p.Allergies.Items {
		out = append(out, a.Substance)
	}
	return out
}

func TestAnAllergyIsListedOnce(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	p := register(t, s, person("Omkar", "Joshi"))
	p, err := s.AddAllergy(ctx, p.ID, patients.Allergy{Substance: "Pénicilline", Severity: "mild"}, "dr-rao")
	require.NoError(t, err)
	for _, again := range []string{"penicilline", "  PENICILLINE ", "Pénicilline"} {
		_, err = s.AddAllergy(ctx, p.ID, patients.Allergy{Substance: again, Severity: "severe"}, "dr-rao")
		assert.ErrorIs(t, err, store.ErrDuplicate, again)
	}
	for _, bad := range []patients.Allergy{{Substance: "  ", Severity: "mild"}, {Substance: "Latex", Severity: "awful"}} {
		_, err = s.AddAllergy(ctx, p.ID, bad, "dr-rao")
		assert.ErrorIs(t, err, store.ErrInvalid)
	}
	_, err = s.AddAllergy(ctx, "no-such-patient", patients.Allergy{Substance: "Latex", Severity: "mild"}, "dr-rao")
	assert.ErrorIs(t, err, store.ErrNotFound)

	stored, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"Pénicilline"}, substances(stored))
}

func TestFiveNursesAddingOneAllergyAtOnceListItOnce(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	p := register(t, s, person("Pooja", "Shetty"))
	const n = 5
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = s.AddAllergy(ctx, p.ID, patients.Allergy{Substance: "Sulfa drugs", Severity: "moderate"}, fmt.Sprintf("nurse-%d", i))
		})
	}
	close(start)
	wg.Wait()
	added := 0
	for _, err := range errs {
		if err == nil {
			added++
		} else if !errors.Is(err, store.ErrDuplicate) {
			assert.ErrorIs(t, err, store.ErrConflict)
		}
	}
	assert.Equal(t, 1, added)
	stored, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"Sulfa drugs"}, substances(stored))
}
