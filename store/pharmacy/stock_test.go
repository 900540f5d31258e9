package pharmacy_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/pharmacy"
	"hms/store/worklist"
)

func TestGRNRefusesBadLinesAndStoresNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.receive(t, "WARF5T", "WF-1", in(300), 10)
	good := pharmacy.GRNLine{DrugCode: "PARA500T", BatchNo: "P-1", Expiry: in(300), Qty: 10, Price: 200}
	for name, bad := range map[string]pharmacy.GRNLine{
		"past expiry":           {DrugCode: "PARA500T", BatchNo: "P-2", Expiry: in(-1), Qty: 10},
		"expires today":         {DrugCode: "PARA500T", BatchNo: "P-2", Expiry: in(0), Qty: 10},
		"negative quantity":     {DrugCode: "PARA500T", BatchNo: "P-2", Expiry: in(300), Qty: -5},
		"zero quantity":         {DrugCode: "PARA500T", BatchNo: "P-2", Expiry: in(300), Qty: 0},
		"batch of another drug": {DrugCode: "PARA500T", BatchNo: "wf-1", Expiry: in(300), Qty: 5},
		"unknown drug":          {DrugCode: "NOPE", BatchNo: "P-2", Expiry: in(300), Qty: 5},
		"markup batch number":   {DrugCode: "PARA500T", BatchNo: "<b>1", Expiry: in(300), Qty: 5},
		"not a date":            {DrugCode: "PARA500T", BatchNo: "P-2", Expiry: "2027-02-30", Qty: 5},
	} {
		_, err := f.ph.Receive(ctx, pharmacy.GRN{Supplier: "Medlife", Lines: []pharmacy.GRNLine{good, bad}}, "storekeeper")
		require.Error(t, err, name)
		var le *pharmacy.LineError
		require.ErrorAs(t, err, &le, name)
		require.Equal(t, 2, le.N, name)
	}
	_, err := f.ph.Receive(ctx, pharmacy.GRN{Supplier: "<script>", Lines: []pharmacy.GRNLine{good}}, "storekeeper")
	require.ErrorIs(t, err, store.ErrInvalid)
	_, err = f.ph.Batch(ctx, "P-1")
	require.ErrorIs(t, err, store.ErrNotFound, "no line of a refused GRN is stored")
	st, _ := f.ph.Stock(ctx, "PARA500T")
	require.Empty(t, st.Batches)

	g, err := f.ph.Receive(ctx, pharmacy.GRN{Supplier: "Medlife", Invoice: "INV-9", Lines: []pharmacy.GRNLine{good,
		{DrugCode: "WARF5T", BatchNo: "WF-1", Expiry: in(300), Qty: 5, Price: 300}}}, "storekeeper")
	require.NoError(t, err)
	require.Equal(t, pharmacy.GRNPosted, mustGRN(t, f, g.ID).Status)
	b, _ := f.ph.Batch(ctx, "WF-1")
	require.EqualValues(t, 15, b.Qty, "the same batch of the same drug is topped up")
}

func mustGRN(t *testing.T, f *fixture, id string) pharmacy.GRN {
	g, err := f.ph.GRN(context.Background(), id)
	require.NoError(t, err)
	return g
}

func TestLedgerRebuildEqualsBalancesAfter500RandomMovements(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	batches := []string{"R-1", "R-2", "R-3", "R-4"}
	for _, b := range batches {
		f.receive(t, "PARA500T", b, in(300), 50)
	}
	item := f.prescribe(t, "V1", "PARA500T", 100000)
	rng := rand.New(rand.NewPCG(7, 11))
	var lines []string
	moves := 0
	for moves < 500 {
		b := batches[rng.IntN(len(batches))]
		switch rng.IntN(4) {
		case 0:
			if _, err := f.ph.Adjust(ctx, b, int64(rng.IntN(20)+1), pharmacy.AdjCount, "recount", "storekeeper"); err == nil {
				moves++
			}
		case 1:
			if _, err := f.ph.Adjust(ctx, b, -int64(rng.IntN(10)+1), pharmacy.AdjDamage, "broken strip", "storekeeper"); err == nil {
				moves++
			} else {
				require.ErrorIs(t, err, pharmacy.ErrOutOfStock)
			}
		case 2:
			l, err := f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: item, OrderRef: rx("V1", 1), BatchID: b, Qty: int64(rng.IntN(8) + 1)}, "pharmacist")
			if err == nil {
				lines = append(lines, l.ID)
				moves++
			} else {
				require.ErrorIs(t, err, pharmacy.ErrOutOfStock)
			}
		case 3:
			if len(lines) > 0 {
				l, err := f.ph.Line(ctx, lines[rng.IntN(len(lines))])
				require.NoError(t, err)
				if l.Qty > l.Returned {
					_, err := f.ph.ReturnLine(ctx, l.ID, 1, "unopened", "pharmacist")
					require.NoError(t, err)
					moves++
				}
			}
		}
	}
	rep, err := f.ph.CheckLedger(ctx)
	require.NoError(t, err)
	require.Empty(t, rep.Problems)
	require.Equal(t, 504, rep.Entries)
	st, _ := f.ph.Stock(ctx, "PARA500T")
	for _, sb := range st.Batches {
		b, _ := f.ph.Batch(ctx, sb.ID)
		require.Equal(t, b.Qty, sb.Qty, "the stock bucket matches the batch")
		require.GreaterOrEqual(t, b.Qty, int64(0))
	}
	// A tampered balance is found.
	_, err = f.db.W.Collection(store.CollBatches).UpdateOne(ctx, map[string]string{"_id": "R-1"}, map[string]any{"$inc": map[string]int{"qty": 1}})
	require.NoError(t, err)
	rep, err = f.ph.CheckLedger(ctx)
	require.NoError(t, err)
	require.Len(t, rep.Problems, 1)
}

func TestWardSupplyIs24HoursOfDoseTimesFrequencyAndStopsWhenDiscontinued(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.receive(t, "CEF1GI", "CF-1", in(300), 100)
	lists := worklist.New(f.db)
	med := &worklist.MedOrder{AdmissionID: "A1", Ward: "W1", Bed: "3", DrugCode: "CEF1GI", Dose: "1 g", UnitsPerDose: 1,
		Route: "IV", Frequency: "BD", Start: time.Now().Add(-time.Hour), Status: "active"}
	require.NoError(t, lists.Add(ctx, worklist.Pharmacy, worklist.Item{ID: "med:O1", Kind: worklist.KindIPDMed, Ref: "O1",
		PatientID: "P1", MRN: "100002", Name: "Asha", Priority: worklist.PriorityStat, Med: med}))
	_, orders, err := f.ph.Orders(ctx, "med:O1")
	require.NoError(t, err)
	require.EqualValues(t, 2, orders[0].Pending(), "BD for 24 hours is two vials")
	_, err = f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: "med:O1", OrderRef: "med:O1", BatchID: "CF-1", Qty: 3}, "pharmacist")
	require.ErrorIs(t, err, pharmacy.ErrOverDispense)
	l, err := f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: "med:O1", OrderRef: "med:O1", BatchID: "CF-1", Qty: 2}, "pharmacist")
	require.NoError(t, err)
	require.Equal(t, "O1", l.OrderRef)
	it, _ := lists.Get(ctx, worklist.Pharmacy, "med:O1")
	require.Equal(t, pharmacy.ItemSupplied, it.Status)

	// a stop date 6 hours from now limits a supply
	require.Equal(t, int64(1), pharmacy.WardAllowance(worklist.MedOrder{Frequency: "BD", UnitsPerDose: 1,
		Stop: time.Now().Add(6 * time.Hour)}, time.Time{}, time.Now()))

	require.NoError(t, lists.Update(ctx, worklist.Pharmacy, "med:O1", func(it *worklist.Item) { it.Med.Status = "discontinued" }))
	_, err = f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: "med:O1", OrderRef: "med:O1", BatchID: "CF-1", Qty: 1}, "pharmacist")
	require.ErrorIs(t, err, pharmacy.ErrOrderStopped)
	_, err = f.ph.ReturnLine(ctx, l.ID, 1, "order discontinued, vial unused", "pharmacist")
	require.NoError(t, err, "unused supply of a discontinued order is returnable")
	b, _ := f.ph.Batch(ctx, "CF-1")
	require.EqualValues(t, 99, b.Qty)
}
