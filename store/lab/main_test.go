package lab_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/catalog"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/secret"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// onCall is a roster with one on-call doctor per department.
type onCall map[string]string

func (o onCall) OnDutyNow(_ context.Context, dept string, _ time.Time) (opd.OnCall, error) {
	if d, ok := o[dept]; ok {
		return opd.OnCall{Department: dept, Doctor: d, DoctorName: "Dr. " + d}, nil
	}
	return opd.OnCall{}, store.ErrNotFound
}

func f(v float64) *float64 { return &v }

// env is a small lab: a price list, a catalogue with a panel, one patient, over a fresh database.
type env struct {
	db    *store.DB
	cat   *catalog.Catalog
	pats  *patients.Store
	opd   *opd.Store
	lab   *lab.Store
	clock *clock
	n     int
}

var labTests = []catalog.LabTest{
	{Code: "HB", Name: "Haemoglobin", Unit: "g/dL", Specimen: "blood", Container: "EDTA", TATHours: 4,
		Ranges:      []catalog.RefRange{{Sex: "M", AgeFrom: 18, AgeTo: 130, Low: 13, High: 17}, {Sex: "F", AgeFrom: 18, AgeTo: 130, Low: 12, High: 15}},
		CriticalLow: f(7), CriticalHigh: f(20)},
	{Code: "PLT", Name: "Platelet count", Unit: "10^3/µL", Specimen: "blood", Container: "EDTA", TATHours: 4,
		Ranges: []catalog.RefRange{{AgeFrom: 18, AgeTo: 130, Low: 150, High: 410}}},
	{Code: "CBC", Name: "Complete blood count", Specimen: "blood", Container: "EDTA", ServiceCode: "LAB-CBC", TATHours: 4, Components: []string{"HB", "PLT"}},
	{Code: "GLU-F", Name: "Glucose, fasting", Unit: "mg/dL", Specimen: "plasma", Container: "Fluoride", ServiceCode: "LAB-GLU-F", TATHours: 2,
		Ranges: []catalog.RefRange{{AgeFrom: 18, AgeTo: 130, Low: 70, High: 100}}, CriticalLow: f(50), CriticalHigh: f(400)},
	{Code: "U-PROT", Name: "Urine protein", Specimen: "urine", Container: "Urine", ServiceCode: "LAB-UPROT", TATHours: 4,
		Codes: []string{"Nil", "Trace", "1+", "2+", "3+", "4+"}},
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db := storetest.DB(t)
	e := &env{db: db, cat: catalog.New(db), clock: &clock{t: time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC)}}
	box, err := secret.New([]byte("hms-lab-tests-key-0123456789abcd"))
	require.NoError(t, err)
	e.pats = patients.New(db, box, nil)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for code, paise := range map[string]int64{"LAB-CBC": 35000, "LAB-GLU-F": 12000, "LAB-UPROT": 8000} {
		require.NoError(t, e.cat.AddService(ctx, catalog.Service{Code: code, Name: code, Category: catalog.CatLab}, paise, from, "test"))
	}
	for _, lt := range labTests {
		require.NoError(t, e.cat.AddLabTest(ctx, lt))
	}
	e.opd = opd.New(db, e.cat, opd.Options{Patients: e.pats, Now: e.clock.Now})
	e.lab = lab.New(db, e.cat, lab.Options{Patients: e.pats, Now: e.clock.Now, OnCall: onCall{"MED": "dr.oncall"}})
	return e
}

// patient registers a patient of sex born in year.
func (e *env) patient(t *testing.T, sex string, year int) patients.Patient {
	t.Helper()
	p, err := e.pats.Register(context.Background(), patients.Registration{Demographics: patients.Demographics{
		Given: "Test", Family: "Patient", Sex: sex, DOB: time.Date(year, 5, 1, 0, 0, 0, 0, time.UTC)}}, "frontdesk")
	require.NoError(t, err)
	return p
}

// order places a lab order for p, as the OPD does, and returns its id.
func (e *env) order(t *testing.T, p patients.Patient, code, priority string) string {
	t.Helper()
	return e.orderFrom(t, p, code, priority, "opd")
}

// orderFrom places a lab order from the OPD ("opd") or a ward ("ipd").
func (e *env) orderFrom(t *testing.T, p patients.Patient, code, priority, source string) string {
	t.Helper()
	ctx := context.Background()
	lt, err := e.cat.LabTest(ctx, code)
	require.NoError(t, err)
	e.n++
	d := opd.OrderDoc{ID: fmt.Sprintf("V%07d-L1", e.n), VisitID: fmt.Sprintf("V%07d", e.n), Line: 1, Source: source,
		PatientID: p.ID, MRN: p.MRN, Name: p.Name(), AgeSex: "40y/" + p.Sex, Doctor: "dr.rao", DoctorName: "Dr. Rao",
		Department: "MED", Code: lt.Code, TestName: lt.Name, ServiceCode: lt.ServiceCode, Specimen: lt.Specimen,
		Container: lt.Container, Components: lt.Components, Priority: priority, Status: opd.OrderOrdered,
		OrderedAt: e.clock.Now(), OrderedBy: "dr.rao"}
	require.NoError(t, e.opd.PlaceOrderDoc(ctx, opd.OrderLab, d))
	return d.ID
}

// resulted takes an order through collection and result entry by the technician.
func (e *env) resulted(t *testing.T, id string, values map[string]string) lab.Order {
	t.Helper()
	ctx := context.Background()
	_, err := e.lab.Collect(ctx, id, lab.AtLab, "labtech")
	require.NoError(t, err)
	o, err := e.lab.Order(ctx, id)
	require.NoError(t, err)
	o, err = e.lab.EnterResults(ctx, id, o.Version, values, "labtech", "Lab Tech")
	require.NoError(t, err)
	return o
}
