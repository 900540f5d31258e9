package pharmacy

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/storetest"
	"hms/store/worklist"
)

type oneVisit opd.Visit

func (v oneVisit) Visit(context.Context, string) (opd.Visit, error) { return opd.Visit(v), nil }

// A crash between the steps of a receipt, a dispense or a return leaves the source of
// truth written and its follow-ups missing; Repair completes them exactly once.
func TestRepairFinishesWhatACrashCutShortOnce(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	cat := catalog.New(db)
	require.NoError(t, cat.AddDrug(ctx, catalog.Drug{Code: "PARA500T", Generic: "Paracetamol", Form: "tablet", Strength: "500 mg", Unit: "tablet"}))
	v := opd.Visit{ID: "V1", PatientID: "P1", MRN: "100001", Name: "Rajesh Sharma", Prescriptions: []opd.Prescription{
		{Line: 1, DrugCode: "PARA500T", Dose: "500 mg", UnitsPerDose: 1, Frequency: "TDS", DurationDays: 5, Quantity: 15, Status: opd.RxActive}}}
	s := New(db, cat, Options{Visits: oneVisit(v)})
	require.NoError(t, s.lists.Add(ctx, worklist.Pharmacy, worklist.Item{ID: "rx:V1", Kind: worklist.KindOPDRx, Ref: "V1", PatientID: "P1"}))

	// A GRN stored, its lines never posted.
	g := GRN{ID: "GRN000001", Supplier: "Medlife", Status: GRNPosting, By: "storekeeper", At: time.Now().UTC(),
		Lines: []GRNLine{{N: 1, DrugCode: "PARA500T", BatchNo: "LOT-1", Expiry: time.Now().AddDate(1, 0, 0).Format(DateLayout), Qty: 100, Price: 200}}}
	_, err := s.grns.W.InsertOne(ctx, g)
	require.NoError(t, err)

	// A dispense counted and its stock taken, then the crash: no line, no charge.
	require.NoError(t, s.Repair(ctx))
	_, orders, err := s.Orders(ctx, "rx:V1")
	require.NoError(t, err)
	sl := SupplyLine{LineID: "D00000001", BatchID: "LOT-1", Qty: 5, State: SupplyReserved, By: "pharmacist", At: time.Now().UTC()}
	require.NoError(t, s.reserve(ctx, orders[0], func(Supply) int64 { return 15 }, sl))
	_, err = s.move(ctx, "LOT-1", movement{ID: "disp:D00000001", Kind: MoveDispense, Qty: -5, Ref: "D00000001"}, "pharmacist")
	require.NoError(t, err)
	// Another dispense counted whose stock was never taken.
	sl2 := SupplyLine{LineID: "D00000002", BatchID: "LOT-1", Qty: 7, State: SupplyReserved, By: "pharmacist", At: time.Now().UTC()}
	require.NoError(t, s.reserve(ctx, orders[0], func(Supply) int64 { return 15 }, sl2))

	for range 2 { // twice: a repair re-run changes nothing
		require.NoError(t, s.Repair(ctx))
		b, err := s.Batch(ctx, "LOT-1")
		require.NoError(t, err)
		require.EqualValues(t, 95, b.Qty, "received once, 5 dispensed once")
		l, err := s.Line(ctx, "D00000001")
		require.NoError(t, err)
		require.EqualValues(t, 5, l.Qty)
		_, err = s.charges.ByID(ctx, ChargeID("D00000001"))
		require.NoError(t, err)
		_, err = s.Line(ctx, "D00000002")
		require.ErrorIs(t, err, store.ErrNotFound)
		sup, err := s.supply(ctx, SupplyID("V1", 1))
		require.NoError(t, err)
		require.EqualValues(t, 5, sup.Dispensed, "the count of the dispense that took no stock was given back")
		require.Empty(t, sup.Lines)
		rep, err := s.CheckLedger(ctx)
		require.NoError(t, err)
		require.Empty(t, rep.Problems)
	}
	gg, err := s.GRN(ctx, "GRN000001")
	require.NoError(t, err)
	require.Equal(t, GRNPosted, gg.Status)
}
