package opd_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/catalog"
	"hms/store/identity"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/secret"
	"hms/store/signing"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// ist is the hospital's zone in these tests (a fixed zone: no tzdata needed).
var ist = time.FixedZone("IST", 5*3600+1800)

// monday is the tests' "now": Monday 4 March 2030, 09:00 in the hospital.
var monday = time.Date(2030, time.March, 4, 9, 0, 0, 0, ist)

// at is a time on the tests' Monday (day 0) or a later day, in the hospital's zone.
func at(day, hour, minute int) time.Time {
	return time.Date(2030, time.March, 4+day, hour, minute, 0, 0, ist)
}

// clock is a settable clock shared by the stores of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// env is a hospital with two doctors of General Medicine, one of Surgery, a nurse, a
// small price list, formulary and lab catalogue, over a fresh database.
type env struct {
	db    *store.DB
	cat   *catalog.Catalog
	pats  *patients.Store
	s     *opd.Store
	clock *clock

	mu         sync.Mutex
	lastVisits map[string]time.Time // what OnVisitComplete was told
	lastCalls  int
	regulars   []patients.Patient // reused by reach: a check-in needs a patient, not a new one
}

var testKey = []byte("hms-opd-tests-key-0123456789abcd")

// testSigner is the server key of every store the tests build (one key, as after a restart).
var testSigner = signing.Ephemeral()

var priceFrom = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db := storetest.DB(t)
	e := &env{db: db, cat: catalog.New(db), clock: &clock{t: monday}, lastVisits: map[string]time.Time{}}
	box, err := secret.New(testKey)
	require.NoError(t, err)
	e.pats = patients.New(db, box, nil)
	_, err = e.pats.Load(ctx)
	require.NoError(t, err)

	for _, d := range []catalog.Department{{Code: "MED", Name: "General Medicine", Clinical: true}, {Code: "SURG", Name: "General Surgery", Clinical: true}} {
		require.NoError(t, e.cat.AddDepartment(ctx, d))
	}
	require.NoError(t, e.cat.AddWard(ctx, catalog.Ward{Code: "W1", Name: "Medical ward", Type: catalog.WardGeneral, Department: "MED"}))
	for _, sv := range []struct {
		code, name, cat string
		paise           int64
	}{
		{"CONS-MED", "Consultation – General Medicine", catalog.CatConsultation, 60000},
		{"CONS-SURG", "Consultation – General Surgery", catalog.CatConsultation, 70000},
		{"CONS-FU", "Follow-up consultation", catalog.CatConsultation, 30000},
		{"LAB-CBC", "Complete blood count", catalog.CatLab, 35000},
		{"RAD-XR-CHEST", "X-ray chest PA view", catalog.CatRadiology, 40000},
	} {
		require.NoError(t, e.cat.AddService(ctx, catalog.Service{Code: sv.code, Name: sv.name, Category: sv.cat}, sv.paise, priceFrom, "test"))
	}
	for _, d := range []catalog.Drug{
		{Code: "AMOX500C", Generic: "Amoxicillin", Form: "capsule", Strength: "500 mg", Route: "oral", ATC: "J01CA04", Unit: "capsule"},
		{Code: "AMCL625T", Generic: "Amoxicillin + clavulanic acid", Form: "tablet", Strength: "500 mg + 125 mg", Route: "oral", ATC: "J01CR02", Unit: "tablet"},
		{Code: "IBU400T", Generic: "Ibuprofen", Form: "tablet", Strength: "400 mg", Route: "oral", ATC: "M01AE01", Unit: "tablet"},
		{Code: "PARA500T", Generic: "Paracetamol", Form: "tablet", Strength: "500 mg", Route: "oral", ATC: "N02BE01", Unit: "tablet"},
		{Code: "PARA125S", Generic: "Paracetamol", Form: "syrup", Strength: "125 mg/5 ml", Route: "oral", ATC: "N02BE01", Unit: "bottle"},
		{Code: "COTRI960T", Generic: "Co-trimoxazole", Form: "tablet", Strength: "800 mg + 160 mg", Route: "oral", ATC: "J01EE01", Unit: "tablet"},
	} {
		d.Stamp = catalog.NewStamp("test")
		require.NoError(t, e.cat.AddDrug(ctx, d))
	}
	for _, lt := range []catalog.LabTest{
		{Code: "HB", Name: "Haemoglobin", Specimen: "blood", Container: "EDTA", TATHours: 4},
		{Code: "CBC", Name: "Complete blood count", Specimen: "blood", Container: "EDTA", ServiceCode: "LAB-CBC", TATHours: 4, Components: []string{"HB"}},
	} {
		require.NoError(t, e.cat.AddLabTest(ctx, lt))
	}
	// Users are stored directly: these tests never sign in, and hashing five passwords
	// under the race detector would cost a second per test.
	for _, u := range []identity.User{
		{Username: "dr.rao", FullName: "Dr. Venkatesh Rao", Department: "MED", Roles: []string{"doctor"}},
		{Username: "dr.nair", FullName: "Dr. Asha Nair", Department: "MED", Roles: []string{"doctor"}},
		{Username: "dr.iyer", FullName: "Dr. Meera Iyer", Department: "SURG", Roles: []string{"doctor"}},
		{Username: "nurse.mary", FullName: "Mary Thomas", Department: "MED", Roles: []string{"nurse"}},
		{Username: "nurse.das", FullName: "Rina Das", Department: "MED", Roles: []string{"nurse"}},
	} {
		u.PasswordHash, u.CreatedBy = "-", "test"
		_, err := db.W.Collection(store.CollUsers).InsertOne(ctx, u)
		require.NoError(t, err)
	}
	e.s = e.store(nil)
	for _, d := range []struct{ user, dept string }{{"dr.rao", "MED"}, {"dr.nair", "MED"}, {"dr.iyer", "SURG"}} {
		p, err := e.s.SaveProfile(ctx, opd.Profile{Username: d.user, Kind: opd.KindDoctor, Department: d.dept,
			Specialty: "Internal medicine", Licence: "KMC-" + d.user, Room: "OPD-" + d.user, Active: true}, "admin")
		require.NoError(t, err)
		_, err = e.s.SetSessions(ctx, d.user, p.Version, everyDay("08:00", "20:00", 15), "admin")
		require.NoError(t, err)
	}
	return e
}

// store returns an OPD store over the env's database (a "restarted process" when called again).
func (e *env) store(charges opd.ChargePoster) *opd.Store {
	return opd.New(e.db, e.cat, opd.Options{Location: ist, Patients: e.pats, Charges: charges, Now: e.clock.Now, Signer: testSigner,
		OnVisitComplete: func(_ context.Context, patientID string, at time.Time) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.lastVisits[patientID] = at
			e.lastCalls++
			return nil
		}})
}

// everyDay is a session every day of the week.
func everyDay(start, end string, minutes int) []opd.Session {
	var out []opd.Session
	for d := time.Sunday; d <= time.Saturday; d++ {
		out = append(out, opd.Session{Weekday: d, Start: start, End: end, SlotMinutes: minutes})
	}
	return out
}

// patient registers a patient.
func (e *env) patient(t *testing.T, given, family string, allergies ...string) patients.Patient {
	t.Helper()
	r := patients.Registration{Demographics: patients.Demographics{Given: given, Family: family, Sex: "F",
		DOB: time.Date(1950, time.May, 1, 0, 0, 0, 0, time.UTC)}}
	for _, a := range allergies {
		r.Allergies.Status = patients.AllergiesListed
		r.Allergies.Items = append(r.Allergies.Items, patients.Allergy{Substance: a, Reaction: "Hives", Severity: "severe"})
	}
	p, err := e.pats.Register(context.Background(), r, "frontdesk")
	require.NoError(t, err)
	return p
}

// walkIn checks a patient in to a doctor's queue.
func (e *env) walkIn(t *testing.T, p patients.Patient, doctor string) opd.Visit {
	t.Helper()
	v, err := e.s.CheckIn(context.Background(), opd.CheckIn{PatientID: p.ID, Doctor: doctor}, "frontdesk")
	require.NoError(t, err)
	return v
}

// withDoctor checks a new patient in and calls them in to dr.rao.
func (e *env) withDoctor(t *testing.T, p patients.Patient) opd.Visit {
	t.Helper()
	v := e.walkIn(t, p, "dr.rao")
	v, err := e.s.Call(context.Background(), v.ID, "dr.rao")
	require.NoError(t, err)
	return v
}

func f(v float64) *float64 { return &v }
