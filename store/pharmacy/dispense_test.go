package pharmacy_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/billing"
	"hms/store/pharmacy"
	"hms/store/worklist"
)

func TestThirtyConcurrentDispensesAgainstTenUnitsDispenseExactlyTen(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.receive(t, "PARA500T", "LOT-10", in(200), 10)
	var items []string
	for i := range 30 {
		items = append(items, f.prescribe(t, "V"+string(rune('A'+i)), "PARA500T", 5))
	}
	var ok, out atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, item := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: item, OrderRef: rx(item[3:], 1), BatchID: "LOT-10", Qty: 1}, "pharmacist")
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, pharmacy.ErrOutOfStock):
				out.Add(1)
			default:
				t.Errorf("dispense %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.EqualValues(t, 10, ok.Load(), "exactly the ten units in stock are dispensed")
	require.EqualValues(t, 20, out.Load(), "every other pharmacist is told the batch ran out")
	b, err := f.ph.Batch(ctx, "LOT-10")
	require.NoError(t, err)
	require.Zero(t, b.Qty)
	rep, err := f.ph.CheckLedger(ctx)
	require.NoError(t, err)
	require.Empty(t, rep.Problems)
	require.Equal(t, 11, rep.Entries, "one receipt and ten dispenses")
	// The losers' reservations were given back: their orders still have 5 pending.
	_, orders, err := f.ph.Orders(ctx, items[0])
	require.NoError(t, err)
	require.LessOrEqual(t, orders[0].Dispensed, int64(1))
}

func TestAPrescriptionLineIsNeverDispensedBeyondItsQuantityEvenWhenSentTwice(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.receive(t, "PARA500T", "LOT-A", in(200), 100)
	item := f.prescribe(t, "V1", "PARA500T", 15)
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 10 { // the same form submitted ten times at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: item, OrderRef: rx("V1", 1), BatchID: "LOT-A", Qty: 10}, "pharmacist")
			if err == nil {
				ok.Add(1)
			} else {
				require.ErrorIs(t, err, pharmacy.ErrOverDispense)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, ok.Load())
	b, _ := f.ph.Batch(ctx, "LOT-A")
	require.EqualValues(t, 90, b.Qty, "the refused submissions took no stock")
	// the rest (5) is pending: the item is partial, then gone when complete
	it, err := worklist.New(f.db).Get(ctx, worklist.Pharmacy, item)
	require.NoError(t, err)
	require.Equal(t, pharmacy.ItemPartial, it.Status)
	_, err = f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: item, OrderRef: rx("V1", 1), BatchID: "LOT-A", Qty: 6}, "pharmacist")
	require.ErrorIs(t, err, pharmacy.ErrOverDispense)
	_, err = f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: item, OrderRef: rx("V1", 1), BatchID: "LOT-A", Qty: 5}, "pharmacist")
	require.NoError(t, err)
	_, err = worklist.New(f.db).Get(ctx, worklist.Pharmacy, item)
	require.ErrorIs(t, err, store.ErrNotFound, "a fully dispensed prescription leaves the queue")
}

func TestFEFOAndExpiredBatchesAreNeverDispensed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.receive(t, "PARA500T", "LATE", in(400), 10)
	f.receive(t, "PARA500T", "EARLY", in(40), 10)
	f.receive(t, "PARA500T", "MID", in(100), 10)
	st, err := f.ph.Stock(ctx, "PARA500T")
	require.NoError(t, err)
	fefo := st.FEFO(f.ph.Today())
	require.Equal(t, []string{"EARLY", "MID", "LATE"}, []string{fefo[0].ID, fefo[1].ID, fefo[2].ID})

	// A batch that expired since it was received is refused.
	item := f.prescribe(t, "V1", "PARA500T", 5)
	past := pharmacy.New(f.db, f.cat, pharmacy.Options{Visits: f.visits, Now: func() time.Time { return time.Now().AddDate(0, 0, 41) }})
	_, err = past.Dispense(ctx, pharmacy.DispenseInput{ItemID: item, OrderRef: rx("V1", 1), BatchID: "EARLY", Qty: 1}, "pharmacist")
	require.ErrorIs(t, err, pharmacy.ErrExpired)
	require.Equal(t, []string{"MID", "LATE"}, ids(st.FEFO(past.Today())))
	b, _ := f.ph.Batch(ctx, "EARLY")
	require.EqualValues(t, 10, b.Qty)
}

func ids(bs []pharmacy.StockBatch) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

func TestEquivalentBrandIsRecordedAsSubstitutionAndOtherDrugsAreRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.receive(t, "PARA500C", "DOLO-1", in(300), 50)
	f.receive(t, "WARF5T", "WF-1", in(300), 50)
	item := f.prescribe(t, "V1", "PARA500T", 10)
	l, err := f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: item, OrderRef: rx("V1", 1), BatchID: "DOLO-1", Qty: 10, Brand: "Dolo"}, "pharmacist")
	require.NoError(t, err)
	require.Equal(t, "PARA500T", l.SubstitutedFor)
	require.Equal(t, "Dolo", l.Brand)
	item2 := f.prescribe(t, "V2", "PARA500T", 10)
	_, err = f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: item2, OrderRef: rx("V2", 1), BatchID: "WF-1", Qty: 1}, "pharmacist")
	require.ErrorIs(t, err, store.ErrInvalid)
}

func TestDispenseChargesAndAReturnReversesIt(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.receive(t, "PARA500T", "LOT-A", in(200), 100)
	item := f.prescribe(t, "V1", "PARA500T", 15)
	l, err := f.ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: item, OrderRef: rx("V1", 1), BatchID: "LOT-A", Qty: 15}, "pharmacist")
	require.NoError(t, err)
	ch, err := f.charges.ByID(ctx, pharmacy.ChargeID(l.ID))
	require.NoError(t, err)
	require.EqualValues(t, 15*200, ch.Amount, "15 tablets at the batch's selling price")
	got, err := f.ph.Line(ctx, l.ID)
	require.NoError(t, err)
	require.Equal(t, "P-V1", got.PatientID)
	require.Equal(t, "V1:1", got.OrderRef)

	_, err = f.ph.ReturnLine(ctx, l.ID, 16, "unopened", "pharmacist")
	require.ErrorIs(t, err, store.ErrInvalid, "never more than was dispensed")
	_, err = f.ph.ReturnLine(ctx, l.ID, 5, "<script>x</script>", "pharmacist")
	require.ErrorIs(t, err, store.ErrInvalid, "markup in a reason is refused")
	after, err := f.ph.ReturnLine(ctx, l.ID, 5, "patient stopped early, strip unopened", "pharmacist")
	require.NoError(t, err)
	require.EqualValues(t, 5, after.Returned)
	old, _ := f.charges.ByID(ctx, pharmacy.ChargeID(l.ID))
	require.Equal(t, billing.ChargeReversed, old.Status)
	kept, err := f.charges.ByID(ctx, after.ChargeID)
	require.NoError(t, err)
	require.EqualValues(t, 10*200, kept.Amount, "the kept ten are charged under a new id")
	b, _ := f.ph.Batch(ctx, "LOT-A")
	require.EqualValues(t, 90, b.Qty, "the five went back into the same batch")
	rep, err := f.ph.CheckLedger(ctx)
	require.NoError(t, err)
	require.Empty(t, rep.Problems)
}
