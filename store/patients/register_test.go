package patients_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/patients"
	"hms/store/storetest"
)

func TestRegistrationValidatesWhatMustHold(t *testing.T) {
	s, _ := newStore(t)
	for name, r := range map[string]patients.Registration{
		"no given name":      {Demographics: patients.Demographics{Given: "  ", Family: "Rao", Sex: "F", DOB: date(1990, 1, 1)}},
		"unknown sex":        {Demographics: patients.Demographics{Given: "Asha", Sex: "X", DOB: date(1990, 1, 1)}},
		"no date of birth":   {Demographics: patients.Demographics{Given: "Asha", Sex: "F"}},
		"born in future":     {Demographics: patients.Demographics{Given: "Asha", Sex: "F", DOB: time.Now().AddDate(0, 0, 3)}},
		"born 200 years ago": {Demographics: patients.Demographics{Given: "Asha", Sex: "F", DOB: date(1826, 1, 1)}},
	} {
		_, err := s.Register(t.Context(), r, "frontdesk")
		assert.ErrorIs(t, err, store.ErrInvalid, name)
	}
	assert.Zero(t, s.Indexed(), "nothing was registered")
}

func TestFiftyConcurrentRegistrationsGetGapFreeMRNsAndAnAccountEach(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	const n = 50
	got := make([]patients.Patient, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			r := person(fmt.Sprintf("Walkin%02d", i), "Gowda")
			r.Phone = patients.NormalizePhone(fmt.Sprintf("98450%05d", i))
			got[i], errs[i] = s.Register(ctx, r, "frontdesk")
		})
	}
	close(start)
	wg.Wait()

	mrns := map[string]bool{}
	var numbers []int
	accounts := billing.NewAccounts(db)
	for i := range n {
		require.NoError(t, errs[i], "registration %d", i)
		p := got[i]
		assert.False(t, mrns[p.MRN], "MRN %s given twice", p.MRN)
		mrns[p.MRN] = true
		num, err := strconv.Atoi(p.MRN)
		require.NoError(t, err)
		numbers = append(numbers, num)

		acc, err := accounts.ByPatient(ctx, p.ID)
		require.NoError(t, err, "account of %s", p.MRN)
		assert.Equal(t, int64(0), acc.Balance)
		assert.Equal(t, p.MRN, acc.MRN)
		assert.Equal(t, p.Name(), acc.Name)
		assert.Equal(t, "open", acc.Status)
	}
	assert.Len(t, mrns, n)
	slices.Sort(numbers)
	assert.Equal(t, n-1, numbers[n-1]-numbers[0], "MRNs are consecutive: %v", numbers)

	c := db.Coll(store.CollPatients).R
	count, err := c.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	assert.Equal(t, int64(n), count)
	left, err := c.CountDocuments(ctx, bson.D{{Key: "pending", Value: bson.D{{Key: "$exists", Value: true}}}})
	require.NoError(t, err)
	assert.Zero(t, left, "no registration left follow-ups pending")
	accs, err := db.Coll(store.CollAccounts).R.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	assert.Equal(t, int64(n), accs, "one account per patient, no more")
	assert.Equal(t, n, s.Indexed())
}

func TestAnIDNumberBelongsToOnePatient(t *testing.T) {
	s, _ := newStore(t)
	first := person("Kavya", "Reddy")
	first.IDKind, first.IDNumber = "Aadhaar", "1234 5678 9012"
	p1 := register(t, s, first)
	assert.Equal(t, "9012", p1.IDLast4)

	second := person("Someone", "Else")
	second.IDKind, second.IDNumber = "Aadhaar", "123456789012"
	_, err := s.Register(t.Context(), second, "frontdesk")
	require.ErrorIs(t, err, patients.ErrNationalIDTaken)
	var taken *patients.TakenError
	require.ErrorAs(t, err, &taken)
	assert.Equal(t, p1.MRN, taken.MRN)
	assert.Equal(t, p1.ID, taken.PatientID)
	assert.Contains(t, err.Error(), p1.MRN, "the clerk is told whose number it is")

	// dashes and lower case are the same number too
	second.IDNumber = "1234-5678-9012"
	_, err = s.Register(t.Context(), second, "frontdesk")
	assert.ErrorIs(t, err, patients.ErrNationalIDTaken)
	assert.Equal(t, 1, s.Indexed(), "the refused registrations stored nothing")

	// the same person without the ID number is still allowed (the desk decides)
	second.IDNumber = ""
	register(t, s, second)
}

func TestTenConcurrentRegistrationsWithOneIDNumberHaveOneWinner(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			r := person(fmt.Sprintf("Claimant%d", i), "Das")
			r.IDNumber = "5555 6666 7777"
			if i%2 == 1 {
				r.IDNumber = "555566667777"
			}
			_, errs[i] = s.Register(ctx, r, "frontdesk")
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		assert.ErrorIs(t, err, patients.ErrNationalIDTaken)
	}
	assert.Equal(t, 1, won)
	count, err := db.Coll(store.CollPatients).R.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), count)
	keys, err := db.Coll(store.CollPatientKeys).R.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), keys, "the losers left no ID key behind")
}

// walk calls fn with every string value in a decoded document, and its key.
func walk(v any, key string, fn func(key, val string)) {
	switch x := v.(type) {
	case string:
		fn(key, x)
	case bson.M:
		for k, e := range x {
			walk(e, k, fn)
		}
	case map[string]any:
		for k, e := range x {
			walk(e, k, fn)
		}
	case bson.D:
		for _, e := range x {
			walk(e.Value, e.Key, fn)
		}
	case bson.A:
		for _, e := range x {
			walk(e, key, fn)
		}
	case []any:
		for _, e := range x {
			walk(e, key, fn)
		}
	}
}

func TestTheIDNumberIsNeverStoredInClear(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	r := person("Farah", "Khan")
	r.IDKind, r.IDNumber = "Aadhaar", "1234 5678 9012"
	r.Token = "form-farah"
	p := register(t, s, r)

	clear := []string{"123456789012", "1234 5678 9012", "12345678", "56789012"}
	check := func(what string, doc bson.M) {
		strs := 0
		walk(doc, "", func(key, val string) {
			strs++
			if key == "id_last4" {
				assert.Equal(t, "9012", val)
				return
			}
			for _, c := range clear {
				assert.NotContains(t, val, c, "%s field %s", what, key)
			}
		})
		assert.NotZero(t, strs, "%s was read", what)
	}
	var doc bson.M
	require.NoError(t, db.Coll(store.CollPatients).R.FindOne(ctx, bson.D{{Key: "_id", Value: p.ID}}).Decode(&doc))
	assert.Equal(t, "9012", doc["id_last4"])
	assert.NotEmpty(t, doc["id_sealed"])
	assert.NotEmpty(t, doc["id_hash"])
	check("patient", doc)

	cur, err := db.Coll(store.CollPatientKeys).R.Find(ctx, bson.D{})
	require.NoError(t, err)
	var keys []bson.M
	require.NoError(t, cur.All(ctx, &keys))
	require.Len(t, keys, 2, "the ID key and the form token")
	for _, k := range keys {
		check("key "+fmt.Sprint(k["_id"]), k)
	}

	// staff with the key can still read it back
	stored, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	plain, err := s.Box().Open(stored.IDSealed)
	require.NoError(t, err)
	assert.Equal(t, "123456789012", plain)
}

func TestAStaleIDKeyLeftByACrashIsTakenOverButAFreshOneIsNot(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	box := newBox(t)
	keys := db.Coll(store.CollPatientKeys).W
	// a registration that crashed two minutes ago, after its ID key and before its patient
	_, err := keys.InsertOne(ctx, bson.D{{Key: "_id", Value: "nid:" + box.Hash("nid", "AB1234567")},
		{Key: "patient_id", Value: "crashed-1"}, {Key: "created_at", Value: time.Now().Add(-2 * time.Minute)}})
	require.NoError(t, err)
	// one still being saved by another desk
	_, err = keys.InsertOne(ctx, bson.D{{Key: "_id", Value: "nid:" + box.Hash("nid", "CD7654321")},
		{Key: "patient_id", Value: "in-flight-1"}, {Key: "created_at", Value: time.Now()}})
	require.NoError(t, err)

	r := person("Lena", "Mathew")
	r.IDKind, r.IDNumber = "Passport", "ab 1234567"
	p := register(t, s, r)
	assert.Equal(t, "4567", p.IDLast4)
	cands, err := s.Candidates(ctx, patients.Demographics{}, "AB1234567")
	require.NoError(t, err)
	require.Len(t, cands, 1, "the key now points at the new patient")
	assert.Equal(t, p.ID, cands[0].ID)

	r2 := person("Omar", "Sheikh")
	r2.IDNumber = "CD7654321"
	_, err = s.Register(ctx, r2, "frontdesk")
	assert.ErrorIs(t, err, patients.ErrNationalIDTaken)
}

func TestAFormSavedTwiceRegistersOnce(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	r := person("Ritu", "Bose")
	r.Token = "form-ritu"
	p1, err := s.Register(ctx, r, "frontdesk")
	require.NoError(t, err)

	p2, err := s.Register(ctx, r, "frontdesk")
	require.ErrorIs(t, err, patients.ErrResubmitted)
	assert.Equal(t, p1.ID, p2.ID)
	assert.Equal(t, p1.MRN, p2.MRN)

	count, err := db.Coll(store.CollPatients).R.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), count)

	// another form (another token) for the same person is another registration
	r.Token = "form-ritu-2"
	p3 := register(t, s, r)
	assert.NotEqual(t, p1.MRN, p3.MRN)
}

func TestFiveConcurrentSubmitsOfOneFormRegisterOnce(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	r := person("Gita", "Iyer")
	r.Token = "form-gita"
	const n = 5
	got := make([]patients.Patient, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			got[i], errs[i] = s.Register(ctx, r, "frontdesk")
		})
	}
	close(start)
	wg.Wait()
	saved, repeats := 0, 0
	for i := range n {
		switch {
		case errs[i] == nil:
			saved++
		case errors.Is(errs[i], patients.ErrResubmitted):
			repeats++
		default:
			t.Errorf("submit %d: %v", i, errs[i])
		}
		assert.Equal(t, got[0].ID, got[i].ID, "every submit returns the one patient")
		assert.NotEmpty(t, got[i].MRN)
	}
	assert.Equal(t, 1, saved)
	assert.Equal(t, n-1, repeats)
	count, err := db.Coll(store.CollPatients).R.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), count)
}

func TestAFailedRegistrationReleasesItsToken(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	holder := person("Arjun", "Menon")
	holder.IDNumber = "9999 8888 7777"
	register(t, s, holder)

	r := person("Vikram", "Singh")
	r.IDNumber = "999988887777" // typed the wrong card
	r.Token = "form-vikram"
	_, err := s.Register(ctx, r, "frontdesk")
	require.ErrorIs(t, err, patients.ErrNationalIDTaken)

	r.IDNumber = "4444 3333 2222" // corrected, same form
	p, err := s.Register(ctx, r, "frontdesk")
	require.NoError(t, err, "the corrected form is saved, not reported as a resubmit")
	assert.Equal(t, "2222", p.IDLast4)

	again, err := s.Register(ctx, r, "frontdesk")
	assert.ErrorIs(t, err, patients.ErrResubmitted)
	assert.Equal(t, p.ID, again.ID)
	assert.Equal(t, 2, s.Indexed())
}

func TestANewbornIsLinkedToItsMother(t *testing.T) {
	s, _ := newStore(t)
	mother := register(t, s, patients.Registration{Demographics: patients.Demographics{
		Given: "Lakshmi", Family: "Rao", Sex: "F", DOB: date(1995, 2, 1)}})
	baby := patients.Registration{Demographics: patients.Demographics{
		Given: "Baby of Lakshmi", Family: "Rao", Sex: "U", DOB: date(time.Now().Year(), time.Now().Month(), time.Now().Day()).AddDate(0, 0, -1)},
		MotherID: mother.ID}
	p := register(t, s, baby)
	assert.True(t, p.Newborn)
	assert.Equal(t, mother.MRN, p.MotherMRN)
	assert.NotEqual(t, mother.MRN, p.MRN)

	baby.MotherID = "no-such-patient"
	_, err := s.Register(t.Context(), baby, "frontdesk")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestRegistrationRecordsAllergiesAndInsuranceGiven(t *testing.T) {
	s, _ := newStore(t)
	r := person("Deepa", "Nair")
	r.Allergies = patients.Allergies{Status: patients.AllergiesListed, Items: []patients.Allergy{
		{Substance: "Penicillin", Reaction: "rash", Severity: "moderate"}}}
	r.Policy = &patients.Policy{PayerCode: "STAR", PayerName: "Star Health", PlanCode: "FHO", PlanName: "Family Health Optima",
		MemberNumber: "SH-1001", ValidFrom: date(2026, 1, 1), ValidTo: date(2026, 12, 31), Rank: "primary"}
	p := register(t, s, r)
	assert.Equal(t, patients.AllergiesListed, p.Allergies.Status)
	require.Len(t, p.Allergies.Items, 1)
	assert.NotEmpty(t, p.Allergies.Items[0].ID)
	assert.Equal(t, "frontdesk", p.Allergies.Items[0].RecordedBy)
	assert.Equal(t, "frontdesk", p.Allergies.RecordedBy)
	require.Len(t, p.Policies, 1)
	assert.True(t, p.Policies[0].Active)
	assert.NotEmpty(t, p.Policies[0].ID)

	stored, err := s.ByID(t.Context(), p.ID)
	require.NoError(t, err)
	assert.Equal(t, p.Allergies.Items[0].ID, stored.Allergies.Items[0].ID)
	member, err := s.OpenMember(stored.Policies[0].MemberSealed, stored.Policies[0].MemberNumber)
	require.NoError(t, err)
	assert.Equal(t, "SH-1001", member)
	assert.Empty(t, stored.Pending)
}

func TestCandidatesFindTheSamePersonTypedDifferently(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	r := patients.Registration{Demographics: patients.Demographics{
		Given: "José ", Family: "  D'Souza", Sex: "M", DOB: date(1975, 6, 15),
		Phone: patients.NormalizePhone("+91 98450 12345")}, IDNumber: "1234 5678 9012"}
	p := register(t, s, r)
	assert.Equal(t, "José D'Souza", p.Name())
	other := register(t, s, patients.Registration{Demographics: patients.Demographics{
		Given: "Maria", Family: "D'Souza", Sex: "F", DOB: date(1978, 1, 2), Phone: "9845099999"}})

	only := func(t *testing.T, d patients.Demographics, idNumber, reason string) {
		t.Helper()
		cands, err := s.Candidates(ctx, d, idNumber)
		require.NoError(t, err)
		require.Len(t, cands, 1)
		assert.Equal(t, p.ID, cands[0].ID)
		assert.Equal(t, p.MRN, cands[0].MRN)
		assert.Equal(t, []string{reason}, cands[0].Reasons)
	}
	t.Run("same phone", func(t *testing.T) {
		only(t, patients.Demographics{Given: "J", Family: "Dsouza", DOB: date(1975, 6, 16),
			Phone: patients.NormalizePhone("9845012345")}, "", "same phone")
	})
	t.Run("same name and date of birth", func(t *testing.T) {
		only(t, patients.Demographics{Given: "jose d", Family: "souza", DOB: date(1975, 6, 15)}, "", "same name and date of birth")
		only(t, patients.Demographics{Given: "JOSÉ", Family: "D’SOUZA", DOB: date(1975, 6, 15)}, "", "same name and date of birth")
	})
	t.Run("same ID number", func(t *testing.T) {
		only(t, patients.Demographics{Given: "Joe", Family: "Dee"}, "123456789012", "same ID number")
	})
	t.Run("all three at once is one candidate", func(t *testing.T) {
		cands, err := s.Candidates(ctx, patients.Demographics{Given: "jose", Family: "d souza", DOB: date(1975, 6, 15),
			Phone: "9845012345"}, "1234-5678-9012")
		require.NoError(t, err)
		require.Len(t, cands, 1)
		assert.ElementsMatch(t, []string{"same ID number", "same phone", "same name and date of birth"}, cands[0].Reasons)
	})
	t.Run("a different person is no candidate", func(t *testing.T) {
		for _, d := range []patients.Demographics{
			{Given: "Jose", Family: "D'Souza", DOB: date(1975, 6, 16)},                  // same name, other day
			{Given: "Jose", Family: "Fernandes", DOB: date(1975, 6, 15)},                // same day, other name
			{Given: "Jose", Family: "D'Souza Pinto", DOB: date(1975, 6, 15)},            // a longer name
			{Given: "Anita", Family: "Rao", DOB: date(1990, 3, 3), Phone: "9845012346"}, // one digit off
		} {
			cands, err := s.Candidates(ctx, d, "")
			require.NoError(t, err)
			assert.Empty(t, cands, "%+v", d)
		}
		cands, err := s.Candidates(ctx, patients.Demographics{Given: "Anita", Family: "Rao"}, "1234 5678 9013")
		require.NoError(t, err)
		assert.Empty(t, cands)
	})
	t.Run("the other D'Souza is found by her own phone only", func(t *testing.T) {
		cands, err := s.Candidates(ctx, patients.Demographics{Given: "Maria", Family: "Dsouza",
			Phone: patients.NormalizePhone("+91 98450 99999")}, "")
		require.NoError(t, err)
		require.Len(t, cands, 1)
		assert.Equal(t, other.ID, cands[0].ID)
	})
}

func TestLoadCompletesARegistrationInterruptedByACrash(t *testing.T) {
	db := newDBWithCrashedRegistration(t)
	ctx := t.Context()
	accounts := billing.NewAccounts(db)
	_, err := accounts.ByPatient(ctx, "crashed-patient")
	require.ErrorIs(t, err, store.ErrNotFound, "the crash came before the account")

	s := patients.New(db, newBox(t), nil)
	n, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	acc, err := accounts.ByPatient(ctx, "crashed-patient")
	require.NoError(t, err)
	assert.Equal(t, int64(0), acc.Balance)
	assert.Equal(t, "100777", acc.MRN)
	assert.Equal(t, "Meera Nair", acc.Name)
	assert.Equal(t, "frontdesk", acc.CreatedBy)

	var raw bson.M
	require.NoError(t, db.Coll(store.CollPatients).R.FindOne(ctx, bson.D{{Key: "_id", Value: "crashed-patient"}}).Decode(&raw))
	assert.NotContains(t, raw, "pending")
	res, err := s.Search(ctx, "meera", 20)
	require.NoError(t, err)
	assert.Equal(t, []string{"Meera Nair"}, names(res))

	// a second start finds nothing left to do and opens no second account
	_ = openStore(t, db)
	count, err := db.Coll(store.CollAccounts).R.CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), count)
}

func newDBWithCrashedRegistration(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.DB(t)
	now := time.Now().UTC()
	_, err := db.Coll(store.CollPatients).W.InsertOne(t.Context(), patients.Patient{
		ID: "crashed-patient", MRN: "100777",
		Demographics: patients.Demographics{Given: "Meera", Family: "Nair", Sex: "F", DOB: date(1988, 8, 8)},
		Allergies:    patients.Allergies{Status: patients.AllergiesUnknown, Items: []patients.Allergy{}},
		Policies:     []patients.Policy{}, History: []patients.Change{}, Pending: []string{"account"},
		Version: 1, Rev: 1, CreatedAt: now, CreatedBy: "frontdesk", UpdatedAt: now, UpdatedBy: "frontdesk"})
	require.NoError(t, err)
	return db
}

func TestLoadRebuildsTheSearchIndex(t *testing.T) {
	s1, db := newStore(t)
	ctx := t.Context()
	var ps []patients.Patient
	for _, n := range [][2]string{{"Harish", "Kulkarni"}, {"Nandini", "Joshi"}, {"Zubin", "Irani"}} {
		ps = append(ps, register(t, s1, person(n[0], n[1])))
	}

	s2 := patients.New(db, newBox(t), nil)
	res, err := s2.Search(ctx, "joshi", 20)
	require.NoError(t, err)
	assert.Zero(t, res.Total, "a store that has not loaded knows nobody")

	n, err := s2.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, 3, s2.Indexed())
	for _, p := range ps {
		res, err := s2.Search(ctx, strings.ToLower(p.Family), 20)
		require.NoError(t, err)
		assert.Equal(t, []string{p.Name()}, names(res))
		res, err = s2.Search(ctx, p.MRN, 20)
		require.NoError(t, err)
		require.Len(t, res.Hits, 1)
		assert.Equal(t, p.ID, res.Hits[0].ID)
		id, err := s2.IDByMRN(ctx, p.MRN)
		require.NoError(t, err)
		assert.Equal(t, p.ID, id)
	}
}

func TestCheckReportsAnInterruptedRegistrationAndRepairsIt(t *testing.T) {
	db := newDBWithCrashedRegistration(t)
	ctx := t.Context()
	s := patients.New(db, newBox(t), nil)
	found, err := s.Check(ctx, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"crashed-patient"}, found)
	_, err = billing.NewAccounts(db).ByPatient(ctx, "crashed-patient")
	require.ErrorIs(t, err, store.ErrNotFound, "a check without repair changes nothing")

	found, err = s.Check(ctx, true)
	require.NoError(t, err)
	assert.Len(t, found, 1)
	_, err = billing.NewAccounts(db).ByPatient(ctx, "crashed-patient")
	require.NoError(t, err, "repair opened the account")
	found, err = s.Check(ctx, false)
	require.NoError(t, err)
	assert.Empty(t, found)
}
