package billing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// Invoice and credit-note states.
const (
	InvoicePending   = "pending"   // being drawn: its charges are being claimed
	InvoiceIssued    = "issued"    // final
	InvoiceCancelled = "cancelled" // by a supervisor: number kept, charges back to unbilled
	InvoiceVoid      = "void"      // never issued: a charge was billed by someone else meanwhile
)

// Document kinds of the invoices collection.
const (
	KindInvoice    = "invoice"
	KindCreditNote = "credit-note"
)

// Policy is the insurance an invoice is split with.
type Policy struct {
	PayerCode string `bson:"payer_code"`
	PayerName string `bson:"payer_name"`
	PlanName  string `bson:"plan_name"`
	// The patient's member number, still sealed (the patient store seals it), opened only
	// where it goes to the payer; MemberNumber is the clear copy of invoices from before
	// sealing, which ResealMembers seals.
	MemberSealed string `bson:"member_sealed,omitempty"`
	MemberLast4  string `bson:"member_last4,omitempty"`
	MemberNumber string `bson:"member_number,omitempty"`
	CoveragePct  int64  `bson:"coverage_pct"`
	CopayPct     int64  `bson:"copay_pct"`
}

// Invoice is a numbered bill (or a credit note against one).
type Invoice struct {
	ID             string            `bson:"_id"`
	Kind           string            `bson:"kind"`
	PatientID      string            `bson:"patient_id"`
	MRN            string            `bson:"mrn"`
	Name           string            `bson:"name"`
	Encounter      string            `bson:"encounter"`
	EncounterKind  string            `bson:"encounter_kind"`
	Lines          []Line            `bson:"lines"`
	Totals         Totals            `bson:"totals"`
	DiscountReason string            `bson:"discount_reason,omitempty"`
	Policy         *Policy           `bson:"policy,omitempty"`
	Interim        bool              `bson:"interim,omitempty"`
	Status         string            `bson:"status"`
	Paid           map[string]int64  `bson:"paid"`                   // patient payments: payment id → paise
	PayerPaid      map[string]int64  `bson:"payer_paid"`             // payer settlements: payment id → paise
	Credits        map[string]int64  `bson:"credits"`                // credit notes: number → paise
	CreditLines    map[string]string `bson:"credit_lines,omitempty"` // credit notes: number → the charge credited
	Moved          map[string]int64  `bson:"moved"`                  // rejected by the payer, moved to the patient: claim → paise
	Against        string            `bson:"against,omitempty"`      // credit note: the invoice
	Page           int64             `bson:"page"`
	CancelPage     int64             `bson:"cancel_page,omitempty"`
	CancelReason   string            `bson:"cancel_reason,omitempty"`
	CancelledBy    string            `bson:"cancelled_by,omitempty"`
	CancelledAt    time.Time         `bson:"cancelled_at,omitempty"`
	Version        int64             `bson:"version"`
	CreatedAt      time.Time         `bson:"created_at"`
	CreatedBy      string            `bson:"created_by"`
}

func sum(m map[string]int64) int64 {
	var t int64
	for _, v := range m {
		t += v
	}
	return t
}

// Dues are what is still owed on an invoice, by the patient and by the payer. Credit
// notes reduce the patient's part first; amounts the payer rejected move to the patient.
func (inv Invoice) Dues() (patient, payer int64) {
	patient = inv.Totals.Patient + sum(inv.Moved)
	payer = inv.Totals.Insurance - sum(inv.Moved)
	credit := sum(inv.Credits)
	c := min(credit, patient)
	patient -= c
	payer -= credit - c
	return patient - sum(inv.Paid), payer - sum(inv.PayerPaid)
}

func invoiceID(n int64) string    { return fmt.Sprintf("INV-%07d", n) }
func creditNoteID(n int64) string { return fmt.Sprintf("CN-%07d", n) }

// Invoices reads and writes invoices and credit notes.
type Invoices struct {
	db      *store.DB
	c       store.Coll
	l       ledger
	charges *Charges
}

// NewInvoices returns the invoices repository.
func NewInvoices(db *store.DB) *Invoices {
	return &Invoices{db: db, c: db.Coll(store.CollInvoices), l: newLedger(db), charges: NewCharges(db)}
}

func readInvoice(ctx context.Context, db *store.DB, id string) (Invoice, error) {
	var inv Invoice
	err := db.R.Collection(store.CollInvoices).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&inv)
	if store.NoDocs(err) {
		return inv, store.ErrNotFound
	}
	if err != nil {
		return inv, fmt.Errorf("store: invoice %s: %w", id, err)
	}
	return inv, nil
}

func (s *Charges) invoice(ctx context.Context, id string) (Invoice, error) {
	return readInvoice(ctx, s.db, id)
}

// ByID returns an invoice or credit note, or store.ErrNotFound.
func (s *Invoices) ByID(ctx context.Context, id string) (Invoice, error) {
	return readInvoice(ctx, s.db, id)
}

// Draft is what the desk asks an invoice to be drawn from.
type Draft struct {
	PatientID      string
	ChargeIDs      []string
	Terms          Terms
	DiscountReason string
	Policy         *Policy
	Interim        bool
	By             string
}

// Preview reads the drafted charges and works out the totals, without storing anything.
func (s *Invoices) Preview(ctx context.Context, d Draft) ([]Charge, Totals, error) {
	if len(d.ChargeIDs) == 0 {
		return nil, Totals{}, fmt.Errorf("%w: choose at least one charge", store.ErrInvalid)
	}
	var chs []Charge
	var lines []Line
	for _, id := range d.ChargeIDs {
		ch, err := s.charges.ByID(ctx, id)
		if err != nil {
			return nil, Totals{}, err
		}
		switch {
		case ch.PatientID != d.PatientID:
			return nil, Totals{}, store.ErrNotFound
		case ch.Status != ChargeUnbilled:
			return nil, Totals{}, fmt.Errorf("%w: %s is already %s", store.ErrConflict, ch.Description, ch.Status)
		case ch.Encounter != chs0(chs, ch).Encounter:
			return nil, Totals{}, fmt.Errorf("%w: an invoice covers one encounter", store.ErrInvalid)
		}
		chs = append(chs, ch)
		lines = append(lines, LineOf(ch))
	}
	t := d.Terms
	if d.Policy != nil {
		t.CoveragePct, t.CopayPct = d.Policy.CoveragePct, d.Policy.CopayPct
	}
	if (t.Discount > 0 || t.DiscountBP > 0) && strings.TrimSpace(d.DiscountReason) == "" {
		return nil, Totals{}, fmt.Errorf("%w: a discount needs a reason", store.ErrInvalid)
	}
	tot, err := Compute(lines, t)
	return chs, tot, err
}

func chs0(chs []Charge, ch Charge) Charge {
	if len(chs) == 0 {
		return ch
	}
	return chs[0]
}

// Create draws and issues an invoice: the number comes from the counters, then every
// charge is claimed with a guarded write (unbilled → billed). If another invoice took one
// meanwhile, the claimed ones are given back and the number is kept as a void invoice.
func (s *Invoices) Create(ctx context.Context, d Draft) (Invoice, error) {
	chs, tot, err := s.Preview(ctx, d)
	if err != nil {
		return Invoice{}, err
	}
	acct, err := s.l.account(ctx, d.PatientID)
	if err != nil {
		return Invoice{}, err
	}
	n, err := s.db.Next(ctx, "invoice")
	if err != nil {
		return Invoice{}, err
	}
	now := time.Now().UTC()
	inv := Invoice{ID: invoiceID(n), Kind: KindInvoice, PatientID: d.PatientID, MRN: acct.MRN, Name: acct.Name,
		Encounter: chs[0].Encounter, EncounterKind: chs[0].EncounterKind, Totals: tot, DiscountReason: strings.TrimSpace(d.DiscountReason),
		Policy: d.Policy, Interim: d.Interim, Status: InvoicePending, Paid: map[string]int64{}, PayerPaid: map[string]int64{},
		Credits: map[string]int64{}, Moved: map[string]int64{}, Page: acct.Pages, CreatedAt: now, CreatedBy: d.By}
	if d.Policy == nil || tot.Insurance == 0 {
		inv.Policy = nil
	}
	for _, ch := range chs {
		inv.Lines = append(inv.Lines, LineOf(ch))
	}
	key := entryKey("invoice", inv.ID)
	if err := s.l.markPending(ctx, d.PatientID, key, store.CollInvoices+":"+inv.ID); err != nil {
		return inv, err
	}
	if _, err := s.c.W.InsertOne(ctx, inv); err != nil {
		return inv, fmt.Errorf("store: invoice %s: %w", inv.ID, err)
	}
	if err := s.finish(ctx, inv); err != nil {
		return inv, err
	}
	inv, err = s.ByID(ctx, inv.ID)
	if err != nil {
		return inv, err
	}
	if inv.Status == InvoiceVoid {
		return inv, fmt.Errorf("%w: a charge was billed by someone else meanwhile; reload the account", store.ErrConflict)
	}
	return inv, nil
}

// finish carries an invoice's follow-ups through from whatever state it is in; Repair
// runs it for an invoice a crash interrupted.
func (s *Invoices) finish(ctx context.Context, inv Invoice) error {
	if inv.Status == InvoicePending {
		status := InvoiceIssued
		for _, l := range inv.Lines {
			ok, err := guard.Update(ctx, s.db, store.CollCharges, l.ChargeID, []guard.Cond{guard.Eq("status", ChargeUnbilled)},
				bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: ChargeBilled}, {Key: "invoice", Value: inv.ID},
					{Key: "updated_at", Value: time.Now().UTC()}, {Key: "updated_by", Value: inv.CreatedBy}}},
					{Key: "$inc", Value: bson.D{{Key: "v", Value: int64(1)}}}}, nil)
			if err != nil {
				return err
			}
			if !ok {
				ch, err := s.charges.ByID(ctx, l.ChargeID)
				if err != nil {
					return err
				}
				if ch.Invoice != inv.ID || ch.Status != ChargeBilled {
					status = InvoiceVoid
					break
				}
			}
		}
		if _, err := guard.Update(ctx, s.db, store.CollInvoices, inv.ID, []guard.Cond{guard.Eq("status", InvoicePending)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: status}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}}, &inv); err != nil {
			return err
		}
	}
	switch inv.Status {
	case InvoiceVoid:
		if err := s.release(ctx, inv); err != nil {
			return err
		}
	case InvoiceIssued, InvoiceCancelled:
		e := Entry{Kind: "invoice", Cat: catNone, Ref: inv.ID, At: inv.CreatedAt, Text: "Invoice " + inv.ID, Enc: inv.Encounter}
		if err := s.l.add(ctx, inv.PatientID, inv.Page, entryKey("invoice", inv.ID), e); err != nil {
			return err
		}
		if inv.Totals.Discount > 0 {
			e := Entry{Kind: "discount", Cat: catAdjust, Amount: inv.Totals.Discount, Ref: inv.ID, At: inv.CreatedAt,
				Text: "Discount on " + inv.ID + " (" + inv.DiscountReason + ")"}
			if err := s.l.add(ctx, inv.PatientID, inv.Page, entryKey("discount", inv.ID), e); err != nil {
				return err
			}
		}
		if inv.Status == InvoiceIssued {
			chs, err := s.lineCharges(ctx, inv)
			if err != nil {
				return err
			}
			if err := s.charges.sync(ctx, chs); err != nil {
				return err
			}
		} else if err := s.cancelFollowUps(ctx, inv); err != nil {
			return err
		}
	}
	return s.l.clearPending(ctx, inv.PatientID, entryKey("invoice", inv.ID))
}

func (s *Invoices) lineCharges(ctx context.Context, inv Invoice) ([]Charge, error) {
	chs := make([]Charge, 0, len(inv.Lines))
	for _, l := range inv.Lines {
		ch, err := s.charges.ByID(ctx, l.ChargeID)
		if err != nil {
			return nil, err
		}
		chs = append(chs, ch)
	}
	return chs, nil
}

// release gives an invoice's charges back to unbilled.
func (s *Invoices) release(ctx context.Context, inv Invoice) error {
	for _, l := range inv.Lines {
		_, err := guard.Update(ctx, s.db, store.CollCharges, l.ChargeID,
			[]guard.Cond{guard.Eq("status", ChargeBilled), guard.Eq("invoice", inv.ID)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: ChargeUnbilled}, {Key: "invoice", Value: ""},
				{Key: "updated_at", Value: time.Now().UTC()}}}, {Key: "$inc", Value: bson.D{{Key: "v", Value: int64(1)}}}}, nil)
		if err != nil {
			return err
		}
	}
	chs, err := s.lineCharges(ctx, inv)
	if err != nil {
		return err
	}
	return s.charges.sync(ctx, chs)
}

// Cancel cancels an issued invoice (a supervisor's decision, with a reason): it keeps
// its number, marked cancelled; its discount is given back and its charges return to
// unbilled. Payments already taken stay on the account as credit.
func (s *Invoices) Cancel(ctx context.Context, id, reason, by string) (Invoice, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Invoice{}, fmt.Errorf("%w: a reason is required to cancel an invoice", store.ErrInvalid)
	}
	inv, err := s.ByID(ctx, id)
	if err != nil {
		return inv, err
	}
	if inv.Kind != KindInvoice || inv.Status != InvoiceIssued {
		return inv, fmt.Errorf("%w: invoice %s is %s", store.ErrInvalid, id, inv.Status)
	}
	acct, err := s.l.account(ctx, inv.PatientID)
	if err != nil {
		return inv, err
	}
	key := entryKey("invoice", inv.ID)
	if err := s.l.markPending(ctx, inv.PatientID, key, store.CollInvoices+":"+inv.ID); err != nil {
		return inv, err
	}
	now := time.Now().UTC()
	ok, err := guard.Update(ctx, s.db, store.CollInvoices, id, []guard.Cond{guard.Eq("status", InvoiceIssued)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: InvoiceCancelled}, {Key: "cancel_reason", Value: reason},
			{Key: "cancelled_by", Value: by}, {Key: "cancelled_at", Value: now}, {Key: "cancel_page", Value: acct.Pages}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}}, &inv)
	if err != nil {
		return inv, err
	}
	if !ok {
		_ = s.l.clearPending(ctx, inv.PatientID, key)
		return inv, fmt.Errorf("%w: the invoice was changed by someone else", store.ErrConflict)
	}
	return inv, s.finish(ctx, inv)
}

func (s *Invoices) cancelFollowUps(ctx context.Context, inv Invoice) error {
	if inv.Totals.Discount > 0 {
		e := Entry{Kind: "undiscount", Cat: catAdjust, Amount: -inv.Totals.Discount, Ref: inv.ID, At: inv.CancelledAt,
			Text: "Discount of cancelled " + inv.ID + " given back"}
		if err := s.l.add(ctx, inv.PatientID, inv.CancelPage, entryKey("undiscount", inv.ID), e); err != nil {
			return err
		}
	}
	return s.release(ctx, inv)
}

// applyCredit writes a credited charge's credit note (insert-once by its number), puts it
// on the ledger and on the invoice.
func (s *Charges) applyCredit(ctx context.Context, ch Charge) error {
	inv, err := s.invoice(ctx, ch.Invoice)
	if err != nil {
		return err
	}
	cn := Invoice{ID: ch.CreditNote, Kind: KindCreditNote, PatientID: ch.PatientID, MRN: ch.MRN, Name: ch.Name,
		Encounter: ch.Encounter, EncounterKind: ch.EncounterKind, Lines: []Line{LineOf(ch)},
		Totals:         Totals{Net: ch.Amount, Tax: ch.Tax(), Gross: ch.Gross(), Discount: ch.Gross() - ch.Credit, Total: ch.Credit, Patient: ch.Credit},
		DiscountReason: ch.ReverseReason, Status: InvoiceIssued, Against: inv.ID, Page: ch.RevPage,
		Paid: map[string]int64{}, PayerPaid: map[string]int64{}, Credits: map[string]int64{}, Moved: map[string]int64{},
		CreatedAt: ch.ReversedAt, CreatedBy: ch.ReversedBy}
	if _, err := s.db.W.Collection(store.CollInvoices).InsertOne(ctx, cn); err != nil && !store.IsDuplicate(err) {
		return fmt.Errorf("store: credit note %s: %w", cn.ID, err)
	}
	if _, err := s.db.W.Collection(store.CollInvoices).UpdateOne(ctx, bson.D{{Key: "_id", Value: inv.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "credits." + cn.ID, Value: ch.Credit}, {Key: "credit_lines." + cn.ID, Value: ch.ID}}}}); err != nil {
		return fmt.Errorf("store: invoice %s credit: %w", inv.ID, err)
	}
	e := Entry{Kind: "credit", Cat: catAdjust, Amount: ch.Credit, Ref: cn.ID, At: ch.ReversedAt,
		Text: "Credit note " + cn.ID + " against " + inv.ID + ": " + ch.Description + " (" + ch.ReverseReason + ")"}
	return s.l.add(ctx, ch.PatientID, ch.RevPage, entryKey("credit", cn.ID), e)
}
