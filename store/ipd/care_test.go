package ipd_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/ipd"
	"hms/store/opd"
	"hms/store/worklist"
)

func TestBedDayChargesEqualNightsStayedAcrossATransfer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.admit(t, "Stayer", "W1-1") // day 0, 10:00
	e.clock.Set(at(1, 3, 0))
	_, err := e.s.SweepBedDays(ctx)
	require.NoError(t, err)
	_, err = e.s.SweepBedDays(ctx) // a second sweep posts nothing more
	require.NoError(t, err)
	e.clock.Set(at(2, 15, 0))
	_, err = e.s.Transfer(ctx, a.ID, "ICU-1", "deteriorating", "chargenurse")
	require.NoError(t, err)
	e.clock.Set(at(4, 9, 0))
	_, err = e.s.OrderDischarge(ctx, a.ID, ipd.DischargeOrder{Outcome: ipd.OutcomeHome}, "dr.rao")
	require.NoError(t, err)
	e.clock.Set(at(4, 11, 0))
	_, err = e.s.Depart(ctx, a.ID, e.clock.Now(), "nurse")
	require.NoError(t, err)
	_, err = e.s.SweepBedDays(ctx)
	require.NoError(t, err)
	require.NoError(t, e.s.PostBedDays(ctx, a.ID))

	charges := billing.NewCharges(e.db)
	want := map[string]int64{"2030-03-04": priceGen, "2030-03-05": priceGen, "2030-03-06": priceICU, "2030-03-07": priceICU}
	for date, price := range want {
		ch, err := charges.ByID(ctx, "bed:"+a.ID+":"+date)
		require.NoError(t, err, date)
		assert.Equal(t, price, ch.UnitPrice, date)
		assert.Equal(t, "ipd", ch.EncounterKind)
	}
	n, err := e.db.R.Collection(store.CollCharges).CountDocuments(ctx, bson.D{{Key: "encounter", Value: a.ID}})
	require.NoError(t, err)
	assert.EqualValues(t, 4, n, "four nights: four charges, none twice")
	cur, err := e.s.Admission(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, 4, e.s.Nights(cur, cur.Discharge.DepartedAt))
}

// dispensed stands in for the pharmacy: a dispensed line whose _id is the label's barcode.
func (e *env) dispensed(t *testing.T, barcode string, a ipd.Admission, drug, orderRef string) {
	t.Helper()
	_, err := e.db.W.Collection("dispense_lines").InsertOne(context.Background(),
		bson.D{{Key: "_id", Value: barcode}, {Key: "patient_id", Value: a.PatientID}, {Key: "drug_code", Value: drug}, {Key: "order_ref", Value: orderRef}})
	require.NoError(t, err)
}

func TestADoseIsRecordedOnceUnderDoubleSubmit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.admit(t, "Dosed", "W1-1")
	o, err := e.s.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindMedication, DrugCode: "CEFT1G", Dose: "1 g", Frequency: "BD", ByName: "Dr. Rao"}, "dr.rao")
	require.NoError(t, err)
	it, err := worklist.New(e.db).Get(ctx, worklist.Pharmacy, "med:"+o.ID)
	require.NoError(t, err, "the pharmacy sees the order")
	assert.Equal(t, "CEFT1G", it.Med.DrugCode)
	cur, _ := e.s.Admission(ctx, a.ID)
	assert.Equal(t, 1, cur.Unacked, "the tile shows a new order")

	_, err = e.s.SetOrderState(ctx, a.ID, o.ID, ipd.OrderActive, "", "nurse")
	require.NoError(t, err)
	e.clock.Set(at(0, 20, 5))
	slot := at(0, 20, 0).Format(ipd.SlotLayout)
	in := ipd.DoseInput{Status: ipd.DoseGiven, Wristband: a.MRN, Barcode: "DL-0001", ByName: "Nurse"}

	_, err = e.s.RecordDose(ctx, a.ID, o.ID, slot, in, "nurse")
	require.ErrorIs(t, err, ipd.ErrNotDispensed, "nothing dispensed yet: refused, not faked")
	e.dispensed(t, "DL-0001", a, "CEFT1G", o.ID)
	wrong := in
	wrong.Wristband = "999999"
	_, err = e.s.RecordDose(ctx, a.ID, o.ID, slot, wrong, "nurse")
	require.ErrorIs(t, err, ipd.ErrWrongPatient)

	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, dup := 0, 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.s.RecordDose(ctx, a.ID, o.ID, slot, in, "nurse")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ipd.ErrDoseRecorded):
				dup++
			default:
				t.Errorf("dose: %v", err)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, ok)
	assert.Equal(t, 9, dup)
	rows, err := e.s.Schedule(ctx, a.ID, "2030-03-04")
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.Len(t, rows[0].Slots, 1, "BD from 10:00: only the 20:00 dose on the first day")
	require.NotNil(t, rows[0].Slots[0].Dose)
	assert.Equal(t, ipd.DoseGiven, rows[0].Slots[0].Dose.Status)
}

func TestAHeldDoseNeedsAReasonAndAWrongDrugIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.admit(t, "Held", "W1-1")
	o, err := e.s.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindMedication, DrugCode: "CEFT1G", Dose: "1 g", Frequency: "OD"}, "dr.rao")
	require.NoError(t, err)
	_, err = e.s.SetOrderState(ctx, a.ID, o.ID, ipd.OrderActive, "", "nurse")
	require.NoError(t, err)
	slot := at(1, 8, 0).Format(ipd.SlotLayout)
	e.clock.Set(at(1, 8, 10))
	_, err = e.s.RecordDose(ctx, a.ID, o.ID, slot, ipd.DoseInput{Status: ipd.DoseHeld}, "nurse")
	require.ErrorIs(t, err, store.ErrInvalid)
	e.dispensed(t, "DL-OTHER", a, "PARA500T", "")
	_, err = e.s.RecordDose(ctx, a.ID, o.ID, slot, ipd.DoseInput{Status: ipd.DoseGiven, Wristband: a.MRN, Barcode: "DL-OTHER"}, "nurse")
	require.ErrorIs(t, err, ipd.ErrWrongDrug)
	_, err = e.s.RecordDose(ctx, a.ID, o.ID, slot, ipd.DoseInput{Status: ipd.DoseHeld, Reason: "Nil by mouth for surgery"}, "nurse")
	require.NoError(t, err)
}

func TestADeceasedOutcomeCancelsOpenOrdersAndMarksThePatient(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.admit(t, "Late", "W1-1")
	med, err := e.s.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindMedication, DrugCode: "CEFT1G", Dose: "1 g", Frequency: "BD"}, "dr.rao")
	require.NoError(t, err)
	lab, err := e.s.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindLab, Code: "CBC"}, "dr.rao")
	require.NoError(t, err)
	diet, err := e.s.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindDiet, Text: "Soft diet"}, "dr.rao")
	require.NoError(t, err)
	_, err = e.s.SetOrderState(ctx, a.ID, diet.ID, ipd.OrderCompleted, "", "dr.rao")
	require.NoError(t, err)
	doc, err := e.opd.Order(ctx, opd.OrderLab, lab.DocID)
	require.NoError(t, err, "the lab order reached the lab")
	assert.Equal(t, "ipd", doc.Source)
	assert.Equal(t, a.ID, doc.VisitID)

	e.clock.Set(at(1, 4, 0))
	_, err = e.s.OrderDischarge(ctx, a.ID, ipd.DischargeOrder{Outcome: ipd.OutcomeDeceased, DeathAt: at(1, 3, 40), CertifiedBy: "Dr. Rao"}, "dr.rao")
	require.NoError(t, err)

	list, _, err := e.s.Orders(ctx, a.ID)
	require.NoError(t, err)
	for _, o := range list {
		switch o.ID {
		case med.ID, lab.ID:
			assert.Equal(t, ipd.OrderDiscontinued, o.Status, o.ID)
			assert.Equal(t, "Patient deceased", o.EndReason)
		case diet.ID:
			assert.Equal(t, ipd.OrderCompleted, o.Status, "an order already ended stays as it was")
		}
	}
	p, err := e.pats.ByID(ctx, a.PatientID)
	require.NoError(t, err)
	require.NotNil(t, p.Death)
	assert.True(t, p.Death.At.Equal(at(1, 3, 40)))
	it, err := worklist.New(e.db).Get(ctx, worklist.Pharmacy, "med:"+med.ID)
	require.NoError(t, err)
	assert.Equal(t, "discontinued", it.Med.Status)
	doc, err = e.opd.Order(ctx, opd.OrderLab, lab.DocID)
	require.NoError(t, err)
	assert.Equal(t, opd.OrderCancelled, doc.Status)
	assert.Equal(t, "occupied", e.bed(t, "W1-1").Status, "the bed waits for the body to leave the ward")
	_, err = e.s.Admit(ctx, admitInput(p, "W1-2"), "admissions")
	require.ErrorIs(t, err, ipd.ErrDeceased)
}

func TestVitalsUseTheOPDLimitsAndFlagTheTile(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.admit(t, "Febrile", "W1-1")
	bad := 55.0
	_, err := e.s.RecordVitals(ctx, a.ID, opd.Vitals{TempC: &bad}, "nurse")
	var verr *opd.VitalsError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, opd.FieldTemp, verr.Field)
	fever := 39.2
	_, err = e.s.RecordVitals(ctx, a.ID, opd.Vitals{TempC: &fever}, "nurse")
	require.NoError(t, err)
	cur, err := e.s.Admission(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{opd.FieldTemp}, cur.VitalsAbnormal)
}

func TestRepairHandsOnAnOrderACrashKeptFromThePharmacy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.admit(t, "Crashed", "W1-1")
	o, err := e.s.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindMedication, DrugCode: "CEFT1G", Dose: "1 g", Frequency: "BD"}, "dr.rao")
	require.NoError(t, err)
	assert.True(t, o.Sent)
	// The crash: the worklist item never written, the order not marked sent.
	lists := worklist.New(e.db)
	require.NoError(t, lists.Remove(ctx, worklist.Pharmacy, "med:"+o.ID))
	_, err = e.db.W.Collection(store.CollIPDOrders).UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "orders.0.sent", Value: false}}}})
	require.NoError(t, err)
	n, err := e.s.Repair(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = lists.Get(ctx, worklist.Pharmacy, "med:"+o.ID)
	require.NoError(t, err, "the pharmacy has the order again")
	n, err = e.s.Repair(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "a second repair finds nothing to do")
}
