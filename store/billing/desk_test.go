package billing_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/storetest"
)

const today = "2026-11-27"

func charge(patient, id, enc, dept string, price, taxBP int64) billing.Charge {
	return billing.Charge{ID: id, PatientID: patient, MRN: "M-" + patient, Name: "Patient " + patient, Encounter: enc,
		EncounterKind: "opd", Department: dept, ServiceCode: "SVC", Description: "Service " + id, Qty: 1,
		UnitPrice: price, TaxBP: taxBP, PostedBy: "test"}
}

func newDesk(t *testing.T) (*billing.Desk, *store.DB) {
	db := storetest.DB(t)
	return billing.New(db), db
}

func TestAccountShowsUnbilledChargesGroupedAndTheBalance(t *testing.T) {
	d, db := newDesk(t)
	ctx := context.Background()
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "visit:V1:consult", "V1", "MED", 60000, 0)))
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "lab:V1-L1", "V1", "LAB", 35000, 0)))
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "lab:V1-L2", "V1", "LAB", 10000, 1200)))
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "lab:V1-L2", "V1", "LAB", 10000, 1200)), "a re-post is a no-op")
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "visit:V2:consult", "V2", "SURG", 80000, 0)))
	v, err := d.View(ctx, "p1")
	require.NoError(t, err)
	require.Len(t, v.Unbilled, 2)
	assert.Equal(t, "V2", v.Unbilled[0].ID, "newest encounter first")
	v1 := v.Unbilled[1]
	require.Len(t, v1.Groups, 2)
	assert.Equal(t, "LAB", v1.Groups[0].Department)
	assert.Equal(t, int64(2), v1.Groups[0].Count)
	assert.Equal(t, int64(35000+11200), v1.Groups[0].Total)
	lines, err := d.UnbilledCharges(ctx, "p1", "V1")
	require.NoError(t, err)
	require.Len(t, lines, 3)
	assert.Equal(t, "visit:V1:consult", lines[0].Ref)
	assert.Equal(t, int64(60000+35000+11200+80000), v.Balance)
	assert.Equal(t, v.UnbilledTotal, v.Balance)
	require.NoError(t, d.Check(ctx, "p1"))
	accts, err := billing.UnbilledAccounts(ctx, db)
	require.NoError(t, err)
	require.Len(t, accts, 1)
	assert.Equal(t, "p1", accts[0].PatientID)
}

func TestInvoiceBillsChargesAndCancellationPutsThemBack(t *testing.T) {
	d, _ := newDesk(t)
	ctx := context.Background()
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "visit:V1:consult", "V1", "MED", 60000, 0)))
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "lab:V1-L1", "V1", "LAB", 33333, 1800)))
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "visit:V2:consult", "V2", "MED", 60000, 0)))

	_, err := d.Invoices.Create(ctx, billing.Draft{PatientID: "p1", ChargeIDs: []string{"visit:V1:consult", "visit:V2:consult"}, By: "clerk"})
	assert.ErrorIs(t, err, store.ErrInvalid, "one encounter per invoice")
	_, err = d.Invoices.Create(ctx, billing.Draft{PatientID: "p1", ChargeIDs: []string{"visit:V1:consult"}, Terms: billing.Terms{Discount: 100, LimitBP: 1000}, By: "clerk"})
	assert.ErrorIs(t, err, store.ErrInvalid, "a discount needs a reason")

	pol := &billing.Policy{PayerCode: "STAR", PayerName: "Star Health", PlanName: "Gold", MemberNumber: "M1", CoveragePct: 80, CopayPct: 10}
	inv, err := d.Invoices.Create(ctx, billing.Draft{PatientID: "p1", ChargeIDs: []string{"visit:V1:consult", "lab:V1-L1"},
		Terms: billing.Terms{Discount: 1000, LimitBP: 1000}, DiscountReason: "staff", Policy: pol, By: "clerk"})
	require.NoError(t, err)
	assert.Equal(t, "INV-0000001", inv.ID)
	assert.Equal(t, billing.InvoiceIssued, inv.Status)
	var lines int64
	for _, l := range inv.Lines {
		lines += l.Gross
	}
	assert.Equal(t, inv.Totals.Total, lines-inv.Totals.Discount)
	assert.Equal(t, int64(60000+33333+6000-1000), inv.Totals.Total)
	ch, _ := d.Charges.ByID(ctx, "lab:V1-L1")
	assert.Equal(t, billing.ChargeBilled, ch.Status)
	assert.Equal(t, inv.ID, ch.Invoice)

	_, err = d.Invoices.Create(ctx, billing.Draft{PatientID: "p1", ChargeIDs: []string{"lab:V1-L1"}, By: "clerk"})
	assert.ErrorIs(t, err, store.ErrConflict, "a billed charge cannot be billed again")

	v, err := d.View(ctx, "p1")
	require.NoError(t, err)
	assert.Equal(t, int64(60000+33333+6000+60000-1000), v.Balance, "the discount is an adjustment")
	require.Len(t, v.Unbilled, 1)
	require.NoError(t, d.Check(ctx, "p1"))

	_, err = d.Invoices.Cancel(ctx, inv.ID, "", "sup")
	assert.ErrorIs(t, err, store.ErrInvalid, "a reason is required")
	cancelled, err := d.Invoices.Cancel(ctx, inv.ID, "wrong patient plan", "sup")
	require.NoError(t, err)
	assert.Equal(t, billing.InvoiceCancelled, cancelled.Status)
	assert.Equal(t, "INV-0000001", cancelled.ID, "the number is kept")
	ch, _ = d.Charges.ByID(ctx, "lab:V1-L1")
	assert.Equal(t, billing.ChargeUnbilled, ch.Status)
	v, err = d.View(ctx, "p1")
	require.NoError(t, err)
	assert.Equal(t, int64(60000+33333+6000+60000), v.Balance, "the discount is given back")
	require.NoError(t, d.Check(ctx, "p1"))

	_, err = d.Payments.Post(ctx, billing.PaymentInput{Token: "tok-cancelled-1", PatientID: "p1", Invoice: inv.ID, Mode: billing.ModeCash, Amount: 100, By: "cash1", Day: today})
	assert.ErrorIs(t, err, billing.ErrNotPayable, "paying a cancelled invoice is refused")

	again, err := d.Invoices.Create(ctx, billing.Draft{PatientID: "p1", ChargeIDs: []string{"visit:V1:consult", "lab:V1-L1"}, By: "clerk"})
	require.NoError(t, err)
	assert.Equal(t, "INV-0000002", again.ID)
}

func TestReversingABilledChargeGivesACreditNote(t *testing.T) {
	d, _ := newDesk(t)
	ctx := context.Background()
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "visit:V1:consult", "V1", "MED", 60000, 0)))
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "lab:V1-L1", "V1", "LAB", 40000, 0)))
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "lab:V1-L2", "V1", "LAB", 5000, 0)))
	_, err := d.Charges.Reverse(ctx, "lab:V1-L2", "sample not taken", "lab")
	require.NoError(t, err)
	inv, err := d.Invoices.Create(ctx, billing.Draft{PatientID: "p1", ChargeIDs: []string{"visit:V1:consult", "lab:V1-L1"},
		Terms: billing.Terms{Discount: 10000, LimitBP: 1000}, DiscountReason: "senior citizen", By: "clerk"})
	require.NoError(t, err)
	ch, err := d.Charges.Reverse(ctx, "lab:V1-L1", "test cancelled", "lab")
	require.NoError(t, err)
	assert.Equal(t, billing.ChargeCredited, ch.Status)
	assert.Equal(t, "CN-0000001", ch.CreditNote)
	assert.Equal(t, int64(40000-4000), ch.Credit, "the credit is the line less its share of the discount")
	cn, err := d.Invoices.ByID(ctx, "CN-0000001")
	require.NoError(t, err)
	assert.Equal(t, inv.ID, cn.Against)
	inv, _ = d.Invoices.ByID(ctx, inv.ID)
	due, _ := inv.Dues()
	assert.Equal(t, int64(90000-36000), due)
	v, err := d.View(ctx, "p1")
	require.NoError(t, err)
	assert.Equal(t, int64(105000-5000-10000-36000), v.Balance)
	require.NoError(t, d.Check(ctx, "p1"))
	_, err = d.Charges.Reverse(ctx, "lab:V1-L1", "again", "lab")
	assert.ErrorIs(t, err, store.ErrInvalid)
}

func billedInvoice(t *testing.T, d *billing.Desk, patient string, amount int64) billing.Invoice {
	t.Helper()
	ctx := context.Background()
	id := "visit:" + patient + ":consult"
	require.NoError(t, d.Charges.Post(ctx, charge(patient, id, "V-"+patient, "MED", amount, 0)))
	inv, err := d.Invoices.Create(ctx, billing.Draft{PatientID: patient, ChargeIDs: []string{id}, By: "clerk"})
	require.NoError(t, err)
	return inv
}

func TestTwentyConcurrentPostsOfOnePaymentPostOne(t *testing.T) {
	d, db := newDesk(t)
	ctx := context.Background()
	inv := billedInvoice(t, d, "p1", 100000)
	var wg sync.WaitGroup
	var ok atomic.Int32
	ids := make(chan string, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := d.Payments.Post(ctx, billing.PaymentInput{Token: "form-token-1", PatientID: "p1", Invoice: inv.ID,
				Mode: billing.ModeCash, Amount: 40000, By: "cash1", Day: today})
			if assert.NoError(t, err) {
				ok.Add(1)
				ids <- p.ID
			}
		}()
	}
	wg.Wait()
	close(ids)
	assert.Equal(t, int32(20), ok.Load(), "every retry gets the receipt")
	for id := range ids {
		assert.Equal(t, "PAY-form-token-1", id)
	}
	n, err := db.R.Collection(store.CollPayments).CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	v, err := d.View(ctx, "p1")
	require.NoError(t, err)
	assert.Equal(t, int64(60000), v.Balance, "the balance went down once")
	require.NoError(t, d.Check(ctx, "p1"))
	day, err := d.Payments.Day(ctx, today, "cash1")
	require.NoError(t, err)
	assert.Equal(t, int64(40000), day.ByMode[billing.ModeCash])

	_, err = d.Payments.Post(ctx, billing.PaymentInput{Token: "form-token-1", PatientID: "p1", Invoice: inv.ID, Mode: billing.ModeCash, Amount: 50000, By: "cash1", Day: today})
	assert.ErrorIs(t, err, billing.ErrTokenReused, "the same form with another amount is refused")
}

func TestTwoCashiersWithOneReferencePostOnce(t *testing.T) {
	d, _ := newDesk(t)
	ctx := context.Background()
	inv := billedInvoice(t, d, "p1", 100000)
	var wg sync.WaitGroup
	var ok, dup atomic.Int32
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := d.Payments.Post(ctx, billing.PaymentInput{Token: fmt.Sprintf("cashier-%02d-form", i), PatientID: "p1", Invoice: inv.ID,
				Mode: billing.ModeUPI, Reference: "upi-4471", Amount: 30000, By: fmt.Sprintf("cash%d", i), Day: today})
			switch {
			case err == nil:
				ok.Add(1)
			case assert.ErrorIs(t, err, billing.ErrReferenceUsed):
				dup.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), ok.Load())
	assert.Equal(t, int32(9), dup.Load())
	v, _ := d.View(ctx, "p1")
	assert.Equal(t, int64(70000), v.Balance)
	require.NoError(t, d.Check(ctx, "p1"))
}

func TestPaymentRules(t *testing.T) {
	d, _ := newDesk(t)
	ctx := context.Background()
	inv := billedInvoice(t, d, "p1", 100000)
	pay := func(tok string, amt int64, invoice string, advance bool) error {
		_, err := d.Payments.Post(ctx, billing.PaymentInput{Token: tok, PatientID: "p1", Invoice: invoice, Advance: advance,
			Mode: billing.ModeCash, Amount: amt, By: "cash1", Day: today})
		return err
	}
	assert.ErrorIs(t, pay("tok-negative", -100, inv.ID, false), store.ErrInvalid)
	assert.ErrorIs(t, pay("tok-zero-000", 0, inv.ID, false), store.ErrInvalid)
	assert.ErrorIs(t, pay("tok-too-much", 100001, inv.ID, false), billing.ErrMoreThanDue)
	assert.ErrorIs(t, pay("tok-no-invoice", 100, "", false), store.ErrInvalid, "no invoice and not an advance")
	require.NoError(t, pay("tok-part-one", 30000, inv.ID, false))
	require.NoError(t, pay("tok-part-two", 70000, inv.ID, false))
	assert.ErrorIs(t, pay("tok-part-three", 1, inv.ID, false), billing.ErrMoreThanDue, "nothing left due")
	require.NoError(t, pay("tok-advance-1", 500000, "", true), "an advance may exceed the balance")
	v, _ := d.View(ctx, "p1")
	assert.Equal(t, int64(-500000), v.Balance, "in credit")

	_, err := d.Payments.RequestRefund(ctx, billing.RefundInput{Token: "refund-token-1", PatientID: "p1", Mode: billing.ModeCash, Reason: "discharged early", Amount: 500001, By: "clerk"})
	assert.ErrorIs(t, err, billing.ErrRefundTooLarge)
	rf, err := d.Payments.RequestRefund(ctx, billing.RefundInput{Token: "refund-token-2", PatientID: "p1", Mode: billing.ModeCash, Reason: "discharged early", Amount: 200000, By: "clerk"})
	require.NoError(t, err)
	_, err = d.Payments.ApproveRefund(ctx, rf.ID, "clerk", today)
	assert.ErrorIs(t, err, billing.ErrSameApprover)
	rf, err = d.Payments.ApproveRefund(ctx, rf.ID, "sup", today)
	require.NoError(t, err)
	assert.Equal(t, "RFD-0000001", rf.Number)
	v, _ = d.View(ctx, "p1")
	assert.Equal(t, int64(-300000), v.Balance)
	require.NoError(t, d.Check(ctx, "p1"))

	up, err := d.Payments.CloseDay(ctx, today, "cash1", 600000, "", "sup")
	require.NoError(t, err)
	assert.Equal(t, int64(600000), up.Expected)
	assert.ErrorIs(t, pay("tok-after-close", 100, "", true), billing.ErrDayClosed, "a closed day takes no payments")
	_, err = d.Payments.CloseDay(ctx, today, "cash1", 1, "", "sup")
	assert.ErrorIs(t, err, billing.ErrDayClosed, "a closed day cannot be edited")
}

func TestClaimLifecycleSettlesAndMovesTheRestToThePatient(t *testing.T) {
	d, _ := newDesk(t)
	ctx := context.Background()
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "visit:V1:consult", "V1", "MED", 100000, 0)))
	pol := &billing.Policy{PayerCode: "STAR", PayerName: "Star Health", PlanName: "Gold", MemberNumber: "M1", CoveragePct: 80, CopayPct: 0}
	inv, err := d.Invoices.Create(ctx, billing.Draft{PatientID: "p1", ChargeIDs: []string{"visit:V1:consult"}, Policy: pol, By: "clerk"})
	require.NoError(t, err)
	assert.Equal(t, int64(80000), inv.Totals.Insurance)
	_, err = d.Payments.Post(ctx, billing.PaymentInput{Token: "patient-share", PatientID: "p1", Invoice: inv.ID, Mode: billing.ModeCash, Amount: 20000, By: "cash1", Day: today})
	require.NoError(t, err)

	c, err := d.Claims.Create(ctx, inv.ID, []string{"j06.9", ""}, "clerk")
	require.NoError(t, err)
	assert.Equal(t, []string{"J06.9"}, c.Diagnoses)
	assert.Equal(t, int64(80000), c.Claimed)
	again, err := d.Claims.Create(ctx, inv.ID, []string{"J06.9"}, "clerk")
	require.NoError(t, err)
	assert.Equal(t, c.ID, again.ID, "one claim per invoice")

	act := func(a string, amt int64, note string) error {
		var err error
		c, err = d.Claims.Act(ctx, billing.ClaimAction{ID: c.ID, Action: a, Amount: amt, Note: note, By: "clerk", Day: today})
		return err
	}
	assert.ErrorIs(t, act(billing.ActSettle, 1, ""), store.ErrInvalid, "a draft cannot be settled")
	require.NoError(t, act(billing.ActSubmit, 0, ""))
	require.NoError(t, act(billing.ActQuery, 0, "send the discharge summary"))
	require.NoError(t, act(billing.ActRespond, 0, "sent"))
	require.NoError(t, act(billing.ActDecide, 70000, ""))
	assert.Equal(t, billing.ClaimPartial, c.Status)
	require.NoError(t, act(billing.ActSettle, 70000, ""))
	assert.Equal(t, billing.ClaimSettled, c.Status)
	v, _ := d.View(ctx, "p1")
	assert.Equal(t, int64(10000), v.Balance, "the payer's payment is on the account")
	require.NoError(t, act(billing.ActMove, 0, "patient informed"))
	inv, _ = d.Invoices.ByID(ctx, inv.ID)
	patientDue, payerDue := inv.Dues()
	assert.Equal(t, int64(10000), patientDue)
	assert.Equal(t, int64(0), payerDue)
	_, err = d.Payments.Post(ctx, billing.PaymentInput{Token: "patient-rest", PatientID: "p1", Invoice: inv.ID, Mode: billing.ModeCard, Reference: "slip-1", Amount: 10000, By: "cash1", Day: today})
	require.NoError(t, err)
	v, _ = d.View(ctx, "p1")
	assert.Equal(t, int64(0), v.Balance)
	require.NoError(t, d.Check(ctx, "p1"))
	rows, err := d.Claims.List(ctx, "STAR", billing.ClaimSettled)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, "0–30", rows[0].Ageing(time.Now()))
	assert.Equal(t, "90+", rows[0].Ageing(time.Now().AddDate(0, 0, 91)))
}

func TestRepairFinishesAnInterruptedCharge(t *testing.T) {
	d, db := newDesk(t)
	ctx := context.Background()
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "visit:V1:consult", "V1", "MED", 60000, 0)))
	// A crash after the charge was stored but before its ledger entry: the charge is in
	// the collection and the account still marks it pending, a minute ago.
	ch := charge("p1", "lab:V1-L9", "V1", "LAB", 25000, 0)
	ch.Amount, ch.Status, ch.Page, ch.V, ch.PostedAt = 25000, billing.ChargeUnbilled, 1, 1, time.Now().UTC()
	_, err := db.W.Collection(store.CollCharges).InsertOne(ctx, ch)
	require.NoError(t, err)
	_, err = db.W.Collection(store.CollAccounts).UpdateOne(ctx, bson.D{{Key: "_id", Value: "p1"}}, bson.D{{Key: "$set",
		Value: bson.D{{Key: "pending.charge~lab:V1-L9", Value: billing.Pending{Source: "charges:lab:V1-L9", At: time.Now().Add(-time.Minute)}}}}})
	require.NoError(t, err)
	assert.ErrorIs(t, d.Check(ctx, "p1"), billing.ErrLedger, "before the repair, the account is short")
	v, err := d.View(ctx, "p1")
	require.NoError(t, err)
	assert.Equal(t, int64(85000), v.Balance, "reading the account finished the charge")
	assert.Empty(t, v.Pending)
	require.NoError(t, d.Check(ctx, "p1"))
}

// A random mix of operations over a few accounts: every account's balance still equals
// charges − payments − adjustments, proved by Check against the source documents. The
// issue's 1,000 operations take several minutes on the embedded engine (every operation
// is several writes through its one connection), so the default run does 200 and
// HMS_BILLING_RANDOM_OPS=1000 runs the full mix.
func TestBalanceInvariantAfterRandomOperations(t *testing.T) {
	d, _ := newDesk(t)
	ctx := context.Background()
	// Four clerks work at once, each on their own patient's account.
	patients := []string{"p1", "p2", "p3", "p4"}
	ops := 200
	if n, err := strconv.Atoi(os.Getenv("HMS_BILLING_RANDOM_OPS")); err == nil && n > 0 {
		ops = n
	}
	var wg sync.WaitGroup
	for w, p := range patients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			randomOperations(t, d, p, rand.New(rand.NewPCG(8, uint64(w))), ops/len(patients))
		}()
	}
	wg.Wait()
	for _, p := range patients {
		require.NoError(t, d.Check(ctx, p), p)
	}
	n, err := d.CheckAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(patients), n)
}

func randomOperations(t *testing.T, d *billing.Desk, p string, r *rand.Rand, n int) {
	ctx := context.Background()
	var charges, invoices []string
	for i := range n {
		switch op := r.IntN(10); {
		case op < 4:
			id := fmt.Sprintf("ipd:%s:%d", p, i)
			assert.NoError(t, d.Charges.Post(ctx, charge(p, id, "A-"+p, []string{"MED", "LAB", "PHARM"}[r.IntN(3)], int64(r.IntN(500000)+1), []int64{0, 500, 1800}[r.IntN(3)])))
			charges = append(charges, id)
		case op < 5 && len(charges) > 0:
			_, err := d.Charges.Reverse(ctx, charges[r.IntN(len(charges))], "random", "test")
			if err != nil {
				assert.ErrorIs(t, err, store.ErrInvalid)
			}
		case op < 7 && len(charges) > 0:
			lines, err := d.UnbilledCharges(ctx, p, "A-"+p)
			if !assert.NoError(t, err) || len(lines) == 0 {
				continue
			}
			var ids []string
			for _, e := range lines[:min(len(lines), 8)] {
				ids = append(ids, e.Ref)
			}
			inv, err := d.Invoices.Create(ctx, billing.Draft{PatientID: p, ChargeIDs: ids, Terms: billing.Terms{DiscountBP: int64(r.IntN(1000)), LimitBP: 1000}, DiscountReason: "random", By: "t"})
			if assert.NoError(t, err) {
				invoices = append(invoices, inv.ID)
			}
		case op < 9 && len(invoices) > 0:
			inv, err := d.Invoices.ByID(ctx, invoices[r.IntN(len(invoices))])
			assert.NoError(t, err)
			due, _ := inv.Dues()
			if inv.Status != billing.InvoiceIssued || due <= 0 {
				continue
			}
			_, err = d.Payments.Post(ctx, billing.PaymentInput{Token: fmt.Sprintf("rand-%s-%d", p, i), PatientID: p, Invoice: inv.ID,
				Mode: billing.ModeCash, Amount: int64(r.IntN(int(due))) + 1, By: "cash", Day: today})
			assert.NoError(t, err)
		case op == 9 && len(invoices) > 0:
			_, err := d.Invoices.Cancel(ctx, invoices[r.IntN(len(invoices))], "random", "sup")
			if err != nil {
				assert.ErrorIs(t, err, store.ErrInvalid)
			}
		}
	}
}

func TestBulkPostLeavesWhatPostWould(t *testing.T) {
	d, db := newDesk(t)
	ctx := context.Background()
	var chs []billing.Charge
	for i := range 130 { // two full pages and a partial one
		chs = append(chs, charge("p1", fmt.Sprintf("bulk:%d", i), "A1", []string{"MED", "LAB"}[i%2], 1000, []int64{0, 1800}[i%2]))
	}
	require.NoError(t, billing.BulkPost(ctx, db, chs))
	require.NoError(t, d.Check(ctx, "p1"))
	v, err := d.View(ctx, "p1")
	require.NoError(t, err)
	assert.Equal(t, int64(130), v.Charges)
	assert.Equal(t, int64(65*1000+65*1180), v.Balance)
	require.NoError(t, d.Charges.Post(ctx, charge("p1", "after-bulk", "A1", "MED", 500, 0)), "posting goes on after a bulk load")
	require.NoError(t, d.Check(ctx, "p1"))
}
