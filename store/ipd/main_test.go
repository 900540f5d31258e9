package ipd_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/secret"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// ist is the hospital's zone in these tests.
var ist = time.FixedZone("IST", 5*3600+1800)

// at is a time on day 0 (Monday 4 March 2030) or a later day, in the hospital's zone.
func at(day, hour, minute int) time.Time {
	return time.Date(2030, time.March, 4+day, hour, minute, 0, 0, ist)
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// env is a small hospital: ward W1 (mixed, general beds 1–4), ICU (beds 1–2), a price
// list with both bed types, one drug and one lab test.
type env struct {
	db    *store.DB
	cat   *catalog.Catalog
	pats  *patients.Store
	opd   *opd.Store
	s     *ipd.Store
	clock *clock
}

const (
	priceGen = 150000 // paise a night
	priceICU = 800000
)

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db := storetest.DB(t)
	e := &env{db: db, cat: catalog.New(db), clock: &clock{t: at(0, 10, 0)}}
	box, err := secret.New([]byte("hms-ipd-tests-key-0123456789abcd"))
	require.NoError(t, err)
	e.pats = patients.New(db, box, nil)
	_, err = e.pats.Load(ctx)
	require.NoError(t, err)
	from := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, e.cat.AddService(ctx, catalog.Service{Code: "BED-GEN", Name: "General ward bed (per day)", Category: catalog.CatBed}, priceGen, from, "test"))
	require.NoError(t, e.cat.AddService(ctx, catalog.Service{Code: "BED-ICU", Name: "ICU bed (per day)", Category: catalog.CatBed}, priceICU, from, "test"))
	require.NoError(t, e.cat.AddService(ctx, catalog.Service{Code: "LAB-CBC", Name: "Complete blood count", Category: catalog.CatLab}, 35000, from, "test"))
	require.NoError(t, e.cat.AddWard(ctx, catalog.Ward{Code: "W1", Name: "Medical ward", Type: catalog.WardGeneral, Department: "MED"}))
	require.NoError(t, e.cat.AddWard(ctx, catalog.Ward{Code: "ICU", Name: "ICU", Type: catalog.WardICU, Department: "MED"}))
	for i := 1; i <= 4; i++ {
		require.NoError(t, e.cat.AddBed(ctx, catalog.Bed{Ward: "W1", Code: fmt.Sprint(i), BedType: "BED-GEN"}))
	}
	for i := 1; i <= 2; i++ {
		require.NoError(t, e.cat.AddBed(ctx, catalog.Bed{Ward: "ICU", Code: fmt.Sprint(i), BedType: "BED-ICU"}))
	}
	require.NoError(t, e.cat.AddDrug(ctx, catalog.Drug{Code: "CEFT1G", Generic: "Ceftriaxone", Form: "injection", Strength: "1 g", Route: "IV", Unit: "vial"}))
	require.NoError(t, e.cat.AddLabTest(ctx, catalog.LabTest{Code: "CBC", Name: "Complete blood count", Specimen: "blood", Container: "EDTA", ServiceCode: "LAB-CBC", TATHours: 4}))
	e.opd = opd.New(db, e.cat, opd.Options{Location: ist, Patients: e.pats, Now: e.clock.Now})
	e.s = ipd.New(db, e.cat, ipd.Options{Location: ist, Patients: e.pats, OPD: e.opd, Now: e.clock.Now})
	return e
}

// patient registers a patient.
func (e *env) patient(t *testing.T, given string) patients.Patient {
	t.Helper()
	p, err := e.pats.Register(context.Background(), patients.Registration{Demographics: patients.Demographics{
		Given: given, Family: "Test", Sex: "M", DOB: time.Date(1970, time.May, 1, 0, 0, 0, 0, time.UTC)}}, "frontdesk")
	require.NoError(t, err)
	return p
}

func admitInput(p patients.Patient, bed string) ipd.AdmitInput {
	return ipd.AdmitInput{PatientID: p.ID, Source: ipd.SourceDirect, Doctor: "dr.rao", DoctorName: "Dr. Rao", Department: "MED",
		Diagnosis: "Community-acquired pneumonia", Reason: "IV antibiotics", ExpectedDays: 4, Bed: bed}
}

// admit admits a new patient into bed.
func (e *env) admit(t *testing.T, given, bed string) ipd.Admission {
	t.Helper()
	a, err := e.s.Admit(context.Background(), admitInput(e.patient(t, given), bed), "admissions")
	require.NoError(t, err)
	return a
}

func (e *env) bed(t *testing.T, id string) ipd.Bed {
	t.Helper()
	b, err := e.s.Bed(context.Background(), id)
	require.NoError(t, err)
	return b
}
