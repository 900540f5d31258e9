package pharmacy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/pharmacy"
	"hms/store/storetest"
	"hms/store/worklist"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fakeVisits serves the visits a test prescribes on.
type fakeVisits map[string]opd.Visit

func (f fakeVisits) Visit(_ context.Context, id string) (opd.Visit, error) {
	v, ok := f[id]
	if !ok {
		return v, store.ErrNotFound
	}
	return v, nil
}

type fixture struct {
	db      *store.DB
	cat     *catalog.Catalog
	ph      *pharmacy.Store
	charges *billing.Charges
	visits  fakeVisits
	today   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.DB(t)
	cat := catalog.New(db)
	for _, d := range []catalog.Drug{
		{Code: "PARA500T", Generic: "Paracetamol", Form: "tablet", Strength: "500 mg", Route: "oral", Unit: "tablet", PackSize: 10, ReorderLevel: 20, Brands: []string{"Crocin", "Calpol"}},
		{Code: "PARA500C", Generic: "Paracetamol", Form: "tablet", Strength: "500 mg", Route: "oral", Unit: "tablet", PackSize: 10, ReorderLevel: 20, Brands: []string{"Dolo"}},
		{Code: "WARF5T", Generic: "Warfarin", Form: "tablet", Strength: "5 mg", Route: "oral", Unit: "tablet", PackSize: 10, ReorderLevel: 20},
		{Code: "ASP75T", Generic: "Aspirin", Form: "tablet", Strength: "75 mg", Route: "oral", Unit: "tablet", PackSize: 14, ReorderLevel: 20},
		{Code: "CEF1GI", Generic: "Ceftriaxone", Form: "injection", Strength: "1 g", Route: "IV", Unit: "vial", PackSize: 1, ReorderLevel: 5},
	} {
		require.NoError(t, cat.AddDrug(ctx, d))
	}
	f := &fixture{db: db, cat: cat, charges: billing.NewCharges(db), visits: fakeVisits{}}
	f.ph = pharmacy.New(db, cat, pharmacy.Options{Visits: f.visits, Charges: f.charges})
	return f
}

// in returns the date days from today.
func in(days int) string { return time.Now().AddDate(0, 0, days).Format(pharmacy.DateLayout) }

// receive posts a one-line GRN.
func (f *fixture) receive(t *testing.T, drug, batch, expiry string, qty int64) {
	t.Helper()
	_, err := f.ph.Receive(context.Background(), pharmacy.GRN{Supplier: "Medlife Distributors", Lines: []pharmacy.GRNLine{
		{DrugCode: drug, BatchNo: batch, Expiry: expiry, Qty: qty, Cost: 150, Price: 200}}}, "storekeeper")
	require.NoError(t, err)
}

// prescribe puts a completed visit with the given lines (drug, quantity) on the pharmacy list.
func (f *fixture) prescribe(t *testing.T, visit string, lines ...any) string {
	t.Helper()
	v := opd.Visit{ID: visit, PatientID: "P-" + visit, MRN: "100001", Name: "Rajesh Sharma", Department: "Medicine"}
	for i := 0; i < len(lines); i += 2 {
		v.Prescriptions = append(v.Prescriptions, opd.Prescription{Line: i/2 + 1, DrugCode: lines[i].(string), Dose: "1 tablet",
			UnitsPerDose: 1, Frequency: "TDS", DurationDays: 5, Quantity: lines[i+1].(int), Status: opd.RxActive})
	}
	f.visits[visit] = v
	require.NoError(t, worklist.New(f.db).Add(context.Background(), worklist.Pharmacy, worklist.Item{ID: opd.PharmacyItemID(visit),
		Kind: worklist.KindOPDRx, Ref: visit, PatientID: v.PatientID, MRN: v.MRN, Name: v.Name, Priority: worklist.PriorityRoutine, Status: "waiting"}))
	return opd.PharmacyItemID(visit)
}

func rx(visit string, line int) string { return fmt.Sprintf("rx:%s:%d", visit, line) }
