package ipd_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/store/patients"
)

func TestTwentyAdmissionsRacingForTheLastBedHaveExactlyOneWinner(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.admit(t, "One", "W1-1")
	e.admit(t, "Two", "W1-2")
	e.admit(t, "Three", "W1-3") // W1-4 is the ward's last free bed
	var pats []patients.Patient
	for i := range 20 {
		pats = append(pats, e.patient(t, fmt.Sprintf("Racer%c", 'A'+i)))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, taken := []ipd.Admission{}, 0
	for _, p := range pats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := e.s.Admit(ctx, admitInput(p, "W1-4"), "admissions")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won = append(won, a)
			case errors.Is(err, ipd.ErrBedTaken):
				taken++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}()
	}
	wg.Wait()
	require.Len(t, won, 1)
	assert.Equal(t, 19, taken)
	b := e.bed(t, "W1-4")
	assert.Equal(t, catalog.BedOccupied, b.Status)
	assert.Equal(t, won[0].ID, b.AdmissionID)
	// The losers hold no admission and may be admitted elsewhere.
	loser := pats[0]
	if loser.ID == won[0].PatientID {
		loser = pats[1]
	}
	_, err := e.s.ActiveFor(ctx, loser.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.s.Admit(ctx, admitInput(loser, "ICU-1"), "admissions")
	require.NoError(t, err)
}

func TestLosingABedOffersTheNextFreeOne(t *testing.T) {
	e := newEnv(t)
	e.admit(t, "First", "W1-1")
	_, err := e.s.Admit(context.Background(), admitInput(e.patient(t, "Second"), "W1-1"), "admissions")
	var taken *ipd.BedTakenError
	require.ErrorAs(t, err, &taken)
	assert.Equal(t, "W1-2", taken.Next)
}

func TestAnActiveAdmissionCannotBeRepeated(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "Once")
	a, err := e.s.Admit(ctx, admitInput(p, "W1-1"), "admissions")
	require.NoError(t, err)
	assert.Equal(t, "IP0000001", a.ID)
	_, err = e.s.Admit(ctx, admitInput(p, "W1-2"), "admissions")
	require.ErrorIs(t, err, ipd.ErrAlreadyAdmitted)
	assert.Equal(t, catalog.BedAvailable, e.bed(t, "W1-2").Status, "the refused admission took no bed")
}

func TestWardSexRestrictionIsEnforced(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	require.NoError(t, e.cat.AddWard(ctx, catalog.Ward{Code: "WF", Name: "Female ward", Type: catalog.WardGeneral, Sex: "F", Department: "MED"}))
	require.NoError(t, e.cat.AddBed(ctx, catalog.Bed{Ward: "WF", Code: "1", BedType: "BED-GEN"}))
	_, err := e.s.Admit(ctx, admitInput(e.patient(t, "Man"), "WF-1"), "admissions")
	require.ErrorIs(t, err, ipd.ErrBedUnsuitable)
}

func TestAReservationHoldsTheBedUntilItExpires(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	held, other := e.patient(t, "Held"), e.patient(t, "Other")
	require.NoError(t, e.s.Reserve(ctx, "W1-1", held.ID, at(0, 12, 0), "admissions"))
	_, err := e.s.Admit(ctx, admitInput(other, "W1-1"), "admissions")
	require.ErrorIs(t, err, ipd.ErrBedTaken)
	e.clock.Set(at(0, 12, 1)) // the hold has run out
	a, err := e.s.Admit(ctx, admitInput(other, "W1-1"), "admissions")
	require.NoError(t, err)
	assert.Equal(t, a.ID, e.bed(t, "W1-1").AdmissionID)
}

func TestConcurrentTransfersNeverLeaveAPatientInTwoBedsOrNone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	adms := []ipd.Admission{e.admit(t, "Alpha", "W1-1"), e.admit(t, "Beta", "W1-2"), e.admit(t, "Gamma", "ICU-1")}
	beds := []string{"W1-1", "W1-2", "W1-3", "W1-4", "ICU-1", "ICU-2"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	moved := 0
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for range 5 {
				a := adms[r.IntN(len(adms))]
				_, err := e.s.Transfer(ctx, a.ID, beds[r.IntN(len(beds))], "clinical need", "chargenurse")
				if err == nil {
					mu.Lock()
					moved++
					mu.Unlock()
				} else if !errors.Is(err, ipd.ErrBedTaken) && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrInvalid) {
					t.Errorf("transfer: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	require.Positive(t, moved)
	holders := map[string]string{} // bed → admission
	for _, id := range beds {
		b := e.bed(t, id)
		if b.Status == catalog.BedOccupied {
			holders[id] = b.AdmissionID
		}
	}
	require.Len(t, holders, len(adms), "exactly one bed per patient: %v", holders)
	for _, a := range adms {
		cur, err := e.s.Admission(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, a.ID, holders[cur.Bed], "%s lies in %s", a.ID, cur.Bed)
		assert.Len(t, cur.Stays, 1+countTransfers(cur), "history kept")
	}
}

func countTransfers(a ipd.Admission) int {
	n := 0
	for _, ev := range a.Events {
		if ev.What == "transferred" {
			n++
		}
	}
	return n
}

func TestDischargeHoldsTheBedUntilThePatientLeaves(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.admit(t, "Going", "W1-1")
	e.clock.Set(at(2, 9, 0))
	a, err := e.s.OrderDischarge(ctx, a.ID, ipd.DischargeOrder{Outcome: ipd.OutcomeHome, ByName: "Dr. Rao"}, "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, ipd.StateDischargeOrdered, a.Status)
	assert.Equal(t, catalog.BedOccupied, e.bed(t, "W1-1").Status, "never released at the order")
	_, err = e.s.Depart(ctx, a.ID, e.clock.Now(), "nurse")
	require.NoError(t, err)
	b := e.bed(t, "W1-1")
	assert.Equal(t, catalog.BedCleaning, b.Status)
	assert.Empty(t, b.AdmissionID)
	_, err = e.s.ActiveFor(ctx, a.PatientID)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.s.Depart(ctx, a.ID, e.clock.Now(), "nurse")
	require.ErrorIs(t, err, store.ErrInvalid, "a departure is recorded once")
	require.NoError(t, e.s.MarkClean(ctx, "W1-1", "housekeeping"))
	assert.Equal(t, catalog.BedAvailable, e.bed(t, "W1-1").Status)
}

func TestDischargeAgainstAdviceNeedsTheSignedRefusal(t *testing.T) {
	e := newEnv(t)
	a := e.admit(t, "Leaving", "W1-1")
	_, err := e.s.OrderDischarge(context.Background(), a.ID, ipd.DischargeOrder{Outcome: ipd.OutcomeAMA}, "dr.rao")
	require.ErrorIs(t, err, store.ErrInvalid)
	_, err = e.s.OrderDischarge(context.Background(), a.ID, ipd.DischargeOrder{Outcome: ipd.OutcomeAMA, RefusalSigned: true}, "dr.rao")
	require.NoError(t, err)
}
