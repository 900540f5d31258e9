package patients_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/billing"
	"hms/store/patients"
)

// edit starts an edit form from the record as stored.
func edit(p patients.Patient) patients.Edit { return patients.Edit{Demographics: p.Demographics} }

func TestAnEditRecordsEachChangedFieldInTheHistory(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	r := person("Imran", "Qureshi")
	r.Phone = patients.NormalizePhone("98450 11111")
	p := register(t, s, r)
	assert.Empty(t, p.History)

	e := edit(p)
	e.Phone = patients.NormalizePhone("+91 98450 22222")
	e.City = "Mysuru"
	e.BloodGroup = "O+"
	got, err := s.UpdateDemographics(ctx, p.ID, p.Version, e, "desk-2")
	require.NoError(t, err)
	assert.Equal(t, p.Version+1, got.Version)
	assert.Equal(t, "desk-2", got.UpdatedBy)
	assert.Equal(t, "9845022222", got.Phone)

	type change struct{ Field, Old, New, By string }
	var hist []change
	for _, c := range got.History {
		assert.False(t, c.At.IsZero())
		hist = append(hist, change{c.Field, c.Old, c.New, c.By})
	}
	assert.ElementsMatch(t, []change{
		{"Phone", "9845011111", "9845022222", "desk-2"},
		{"City", "", "Mysuru", "desk-2"},
		{"Blood group", "", "O+", "desk-2"},
	}, hist)

	stored, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	assert.Len(t, stored.History, 3, "the history is stored, not only returned")
	assert.Equal(t, "Mysuru", stored.City)

	// saving the form unchanged writes nothing
	same, err := s.UpdateDemographics(ctx, p.ID, got.Version, edit(got), "desk-3")
	require.NoError(t, err)
	assert.Equal(t, got.Version, same.Version)
	assert.Len(t, same.History, 3)

	// the old phone no longer finds the patient, the new one does
	assert.Zero(t, search(t, s, "9845011111").Total)
	assert.Equal(t, 1, search(t, s, "9845022222").Total)

	_, err = s.UpdateDemographics(ctx, "no-such-patient", 1, e, "desk-2")
	assert.ErrorIs(t, err, store.ErrNotFound)
	bad := edit(got)
	bad.Sex = "?"
	_, err = s.UpdateDemographics(ctx, p.ID, got.Version, bad, "desk-2")
	assert.ErrorIs(t, err, store.ErrInvalid)
}

func TestAnEditOfAStaleVersionIsAConflict(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	p := register(t, s, person("Sanjay", "Ghosh"))

	// two clerks open the same record; the first saves
	first := edit(p)
	first.City = "Kolkata"
	_, err := s.UpdateDemographics(ctx, p.ID, p.Version, first, "desk-1")
	require.NoError(t, err)
	second := edit(p)
	second.City = "Howrah"
	_, err = s.UpdateDemographics(ctx, p.ID, p.Version, second, "desk-2")
	require.ErrorIs(t, err, store.ErrConflict)

	second.IDNumber = "2468 1357 9999"
	_, err = s.UpdateDemographics(ctx, p.ID, p.Version, second, "desk-2")
	require.ErrorIs(t, err, store.ErrConflict)

	stored, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, "Kolkata", stored.City, "the second clerk did not overwrite the first")
	assert.Empty(t, stored.IDLast4)
	assert.Len(t, stored.History, 1)
	cands, err := s.Candidates(ctx, patients.Demographics{}, "246813579999")
	require.NoError(t, err)
	assert.Empty(t, cands, "the refused edit holds no ID number")
}

func TestTenConcurrentEditsOfOneVersionHaveOneWinner(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	p := register(t, s, person("Tara", "Banerjee"))
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			e := edit(p)
			e.Address = fmt.Sprintf("House %d", i)
			_, errs[i] = s.UpdateDemographics(ctx, p.ID, p.Version, e, fmt.Sprintf("desk-%d", i))
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			assert.ErrorIs(t, err, store.ErrConflict)
		}
	}
	assert.Equal(t, 1, won)
	stored, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, p.Version+1, stored.Version)
	assert.Len(t, stored.History, 1)
}

func TestAnEditCannotTakeAnotherPatientsIDNumber(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	r1 := person("Kavya", "Reddy")
	r1.IDKind, r1.IDNumber = "Aadhaar", "1111 2222 3333"
	p1 := register(t, s, r1)
	r2 := person("Kiran", "Reddy")
	r2.IDKind, r2.IDNumber = "Aadhaar", "4444 5555 6666"
	p2 := register(t, s, r2)

	e := edit(p2)
	e.IDNumber = "111122223333"
	_, err := s.UpdateDemographics(ctx, p2.ID, p2.Version, e, "desk-1")
	require.ErrorIs(t, err, patients.ErrNationalIDTaken)
	var taken *patients.TakenError
	require.ErrorAs(t, err, &taken)
	assert.Equal(t, p1.MRN, taken.MRN)
	stored, err := s.ByID(ctx, p2.ID)
	require.NoError(t, err)
	assert.Equal(t, "6666", stored.IDLast4, "the refused edit changed nothing")
	assert.Equal(t, p2.Version, stored.Version)

	// a corrected number is taken, and the old one is given back
	e.IDNumber = "7777-8888-9999"
	got, err := s.UpdateDemographics(ctx, p2.ID, p2.Version, e, "desk-1")
	require.NoError(t, err)
	assert.Equal(t, "9999", got.IDLast4)
	require.Len(t, got.History, 1)
	assert.Equal(t, "ID number", got.History[0].Field)
	assert.Equal(t, "•••• 6666", got.History[0].Old)
	assert.Equal(t, "•••• 9999", got.History[0].New)
	plain, err := s.Box().Open(got.IDSealed)
	require.NoError(t, err)
	assert.Equal(t, "777788889999", plain)

	cands, err := s.Candidates(ctx, patients.Demographics{}, "777788889999")
	require.NoError(t, err)
	require.Len(t, cands, 1)
	assert.Equal(t, p2.ID, cands[0].ID)
	cands, err = s.Candidates(ctx, patients.Demographics{}, "444455556666")
	require.NoError(t, err)
	assert.Empty(t, cands, "nobody holds the old number now")
	r3 := person("Someone", "New")
	r3.IDNumber = "4444 5555 6666"
	register(t, s, r3)

	// keeping the number on file (empty field) or typing it again changes nothing
	for _, keep := range []string{"", "7777 8888 9999"} {
		e := edit(got)
		e.IDNumber = keep
		same, err := s.UpdateDemographics(ctx, p2.ID, got.Version, e, "desk-1")
		require.NoError(t, err)
		assert.Equal(t, got.Version, same.Version, "%q", keep)
		assert.Equal(t, "9999", same.IDLast4)
	}
}

func TestARenameUpdatesSearchAndTheBillingAccount(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	p := register(t, s, person("Sunita", "Pillai"))
	register(t, s, person("Mohan", "Menon"))

	e := edit(p)
	e.Family = "  Menon "
	got, err := s.UpdateDemographics(ctx, p.ID, p.Version, e, "desk-1")
	require.NoError(t, err)
	assert.Equal(t, "Sunita Menon", got.Name())
	require.Len(t, got.History, 1)
	assert.Equal(t, patients.Change{At: got.History[0].At, By: "desk-1", Field: "Family name", Old: "Pillai", New: "Menon"}, got.History[0])

	assert.Zero(t, search(t, s, "pillai").Total, "the old name is gone from the index")
	assert.Equal(t, []string{"Mohan Menon", "Sunita Menon"}, names(search(t, s, "menon")))
	assert.Equal(t, []string{"Sunita Menon"}, names(search(t, s, "sunita")))
	assert.Equal(t, []string{"Sunita Menon"}, names(search(t, s, p.MRN)))

	acc, err := billing.NewAccounts(db).ByPatient(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, "Sunita Menon", acc.Name)

	// and a restarted process sees the new name only
	s2 := openStore(t, db)
	assert.Zero(t, search(t, s2, "pillai").Total)
	assert.Equal(t, []string{"Sunita Menon"}, names(search(t, s2, "sunita")))
}

func TestLastVisitOnlyMovesForward(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	p, err := s.Register(ctx, patients.Registration{Demographics: patients.Demographics{Given: "Last", Family: "Visit", Sex: "F",
		DOB: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}}, "desk")
	require.NoError(t, err)
	later := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	require.NoError(t, s.SetLastVisit(ctx, p.ID, later))
	require.NoError(t, s.SetLastVisit(ctx, p.ID, later.AddDate(0, 0, -5)), "an older visit re-applied")
	got, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	assert.True(t, got.LastVisit.Equal(later), "last visit %v", got.LastVisit)
	res, err := s.Search(ctx, got.MRN, 1)
	require.NoError(t, err)
	assert.True(t, res.Hits[0].LastVisit.Equal(later), "the search row shows it")
}
