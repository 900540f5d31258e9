package ipd_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store/ipd"
	"hms/store/pharmacy"
)

// The ward and the pharmacy together: a doctor's medication order reaches the pharmacy,
// the pharmacist supplies it from stock, and the nurse records the dose by scanning the
// label the pharmacy printed — the barcode is the dispensed line.
func TestAWardOrderIsSuppliedByThePharmacyAndGivenByItsLabel(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ph := pharmacy.New(e.db, e.cat, pharmacy.Options{Location: ist, Visits: e.opd, Now: e.clock.Now})
	_, err := ph.Receive(ctx, pharmacy.GRN{Supplier: "Test Pharma", Invoice: "INV-1", Lines: []pharmacy.GRNLine{
		{DrugCode: "CEFT1G", BatchNo: "CF2031A", Expiry: "2031-12-31", Qty: 20, Cost: 4000, Price: 5500}}}, "storekeeper")
	require.NoError(t, err)

	a := e.admit(t, "Handoff", "W1-2")
	o, err := e.s.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindMedication, DrugCode: "CEFT1G", Dose: "1 g", Frequency: "BD", ByName: "Dr. Rao"}, "dr.rao")
	require.NoError(t, err)
	_, err = e.s.SetOrderState(ctx, a.ID, o.ID, ipd.OrderActive, "", "nurse")
	require.NoError(t, err)

	item, orders, err := ph.Orders(ctx, "med:"+o.ID)
	require.NoError(t, err, "the pharmacy reads the ward's order from its queue")
	require.Len(t, orders, 1)
	assert.Equal(t, a.PatientID, item.PatientID)
	line, err := ph.Dispense(ctx, pharmacy.DispenseInput{ItemID: item.ID, OrderRef: orders[0].Ref, BatchID: "CF2031A", Qty: 2}, "pharmacist")
	require.NoError(t, err)

	e.clock.Set(at(0, 20, 5))
	slot := at(0, 20, 0).Format(ipd.SlotLayout)
	d, err := e.s.RecordDose(ctx, a.ID, o.ID, slot, ipd.DoseInput{Status: ipd.DoseGiven, Wristband: a.MRN, Barcode: line.ID, ByName: "Nurse"}, "nurse")
	require.NoError(t, err, "the label's barcode confirms the right patient and drug")
	assert.Equal(t, ipd.DoseGiven, d.Status)
}
