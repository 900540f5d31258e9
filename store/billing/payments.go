package billing

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/guard"
)

// Payment modes.
const (
	ModeCash    = "cash"
	ModeCard    = "card"
	ModeUPI     = "upi"
	ModeBank    = "bank"
	ModeInsurer = "insurer" // a claim settled by the payer
)

// Modes a cashier takes, in the order the form offers them.
var Modes = []string{ModeCash, ModeCard, ModeUPI, ModeBank}

// Payment kinds and states.
const (
	KindPayment = "payment"
	KindRefund  = "refund"

	PaymentPosted    = "posted"
	RefundRequested  = "requested" // waits for a supervisor
	RefundRejected   = "rejected"
	paymentNoNumber  = ""
	maxPaymentAmount = 10_00_00_000_00 // ₹10 crore
)

// Errors the payment form shows next to its fields.
var (
	ErrMoreThanDue      = fmt.Errorf("%w: the amount is more than is due on the invoice", store.ErrInvalid)
	ErrNotPayable       = fmt.Errorf("%w: the invoice cannot be paid", store.ErrInvalid)
	ErrDayClosed        = fmt.Errorf("%w: the cashier's day is closed", store.ErrInvalid)
	ErrReferenceUsed    = fmt.Errorf("%w: this reference has already been used for a payment", store.ErrDuplicate)
	ErrSameApprover     = fmt.Errorf("%w: a refund must be approved by someone other than who asked for it", store.ErrInvalid)
	ErrRefundTooLarge   = fmt.Errorf("%w: a refund cannot be more than the account's credit", store.ErrInvalid)
	ErrTokenReused      = fmt.Errorf("%w: this form was already used for a different payment; reload it", store.ErrInvalid)
	errNeedsInvoiceOrAd = fmt.Errorf("%w: a payment is against an invoice, or is an advance", store.ErrInvalid)
)

// Payment is money received from a patient or payer, or a refund paid out.
type Payment struct {
	ID          string    `bson:"_id"`    // PAY- + the form's idempotency token
	Number      string    `bson:"number"` // receipt number, RCT-0000001
	Kind        string    `bson:"kind"`
	PatientID   string    `bson:"patient_id"`
	MRN         string    `bson:"mrn"`
	Name        string    `bson:"name"`
	Invoice     string    `bson:"invoice,omitempty"`
	Advance     bool      `bson:"advance,omitempty"`
	Payer       string    `bson:"payer,omitempty"` // a payer's settlement of a claim
	Claim       string    `bson:"claim,omitempty"`
	Mode        string    `bson:"mode"`
	Reference   string    `bson:"reference,omitempty"`
	Amount      int64     `bson:"amount"`
	Status      string    `bson:"status"`
	Reason      string    `bson:"reason,omitempty"`
	Page        int64     `bson:"page"`
	Cashier     string    `bson:"cashier"`
	Day         string    `bson:"day"` // the cashier's day, YYYY-MM-DD in the hospital's zone
	At          time.Time `bson:"at"`
	RequestedBy string    `bson:"requested_by,omitempty"`
	ApprovedBy  string    `bson:"approved_by,omitempty"`
}

// PaymentInput is a payment as the cashier enters it.
type PaymentInput struct {
	Token     string // one per form shown: a double click or retry carries the same one
	PatientID string
	Invoice   string
	Advance   bool
	Mode      string
	Reference string
	Amount    int64
	Payer     string
	Claim     string
	By        string
	Day       string
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9-]{8,64}$`)

// Payments reads and writes payments and refunds.
type Payments struct {
	db *store.DB
	c  store.Coll
	l  ledger
}

// NewPayments returns the payments repository.
func NewPayments(db *store.DB) *Payments {
	return &Payments{db: db, c: db.Coll(store.CollPayments), l: newLedger(db)}
}

// ByID returns a payment or refund, or store.ErrNotFound.
func (s *Payments) ByID(ctx context.Context, id string) (Payment, error) {
	var p Payment
	err := s.c.R.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&p)
	if store.NoDocs(err) {
		return p, store.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("store: payment %s: %w", id, err)
	}
	return p, nil
}

// NewToken returns a fresh idempotency token for a payment form.
func NewToken() string { return newToken() }

func refKey(mode, ref string) string {
	return "pay:" + mode + ":" + strings.ToUpper(strings.TrimSpace(ref))
}

// Post takes a payment. It is idempotent on the form's token (20 concurrent posts of
// one form store one payment) and on the mode's reference (two cashiers entering the
// same card slip: one payment). Against an invoice it may not exceed what the patient
// (or, for a settlement, the payer) still owes; without one it must be an advance.
func (s *Payments) Post(ctx context.Context, in PaymentInput) (Payment, error) {
	in.Reference = strings.TrimSpace(in.Reference)
	switch {
	case !tokenRE.MatchString(in.Token):
		return Payment{}, fmt.Errorf("%w: the form has no valid token; reload it", store.ErrInvalid)
	case in.Amount <= 0 || in.Amount > maxPaymentAmount:
		return Payment{}, fmt.Errorf("%w: the amount must be more than zero", store.ErrInvalid)
	case !slices.Contains(Modes, in.Mode) && !(in.Mode == ModeInsurer && in.Claim != ""):
		return Payment{}, fmt.Errorf("%w: choose how it was paid", store.ErrInvalid)
	case in.Mode != ModeCash && in.Reference == "":
		return Payment{}, fmt.Errorf("%w: a %s payment needs its reference", store.ErrInvalid, in.Mode)
	case in.Invoice == "" && !in.Advance:
		return Payment{}, errNeedsInvoiceOrAd
	case in.Day == "" || in.By == "":
		return Payment{}, fmt.Errorf("%w: cashier and day", store.ErrInvalid)
	}
	id := "PAY-" + in.Token
	if p, err := s.ByID(ctx, id); err == nil {
		return s.same(p, in)
	}
	acct, err := s.l.account(ctx, in.PatientID)
	if err != nil {
		return Payment{}, err
	}
	if in.Invoice != "" {
		inv, err := readInvoice(ctx, s.db, in.Invoice)
		if err != nil || inv.PatientID != in.PatientID {
			return Payment{}, store.ErrNotFound
		}
		if inv.Kind != KindInvoice || inv.Status != InvoiceIssued {
			return Payment{}, fmt.Errorf("%w: invoice %s is %s", ErrNotPayable, inv.ID, inv.Status)
		}
	}
	now := time.Now().UTC()
	p := Payment{ID: id, Kind: KindPayment, PatientID: in.PatientID, MRN: acct.MRN, Name: acct.Name, Invoice: in.Invoice,
		Advance: in.Invoice == "" && in.Advance, Payer: in.Payer, Claim: in.Claim, Mode: in.Mode, Reference: in.Reference,
		Amount: in.Amount, Status: PaymentPosted, Page: acct.Pages, Cashier: in.By, Day: in.Day, At: now}
	if p.Mode != ModeCash {
		_, err := s.db.W.Collection(store.CollBillKeys).InsertOne(ctx, bson.D{{Key: "_id", Value: refKey(p.Mode, p.Reference)}, {Key: "payment", Value: id}})
		if store.IsDuplicate(err) {
			var k struct {
				Payment string `bson:"payment"`
			}
			if err := s.db.R.Collection(store.CollBillKeys).FindOne(ctx, bson.D{{Key: "_id", Value: refKey(p.Mode, p.Reference)}}).Decode(&k); err != nil {
				return Payment{}, fmt.Errorf("store: payment reference: %w", err)
			}
			if k.Payment != id {
				return Payment{}, ErrReferenceUsed
			}
		} else if err != nil {
			return Payment{}, fmt.Errorf("store: payment reference: %w", err)
		}
	}
	key := entryKey("payment", id)
	ref := ""
	if p.Mode != ModeCash {
		ref = refKey(p.Mode, p.Reference)
	}
	if err := s.l.markPending(ctx, p.PatientID, key, store.CollPayments+":"+id+"@"+p.Invoice+"@"+ref+"@"+dayID(p.Day, p.Cashier)); err != nil {
		return p, err
	}
	undo := func(cause error) (Payment, error) {
		s.forget(ctx, p)
		return Payment{}, cause
	}
	if err := s.recordDay(ctx, p, true); err != nil {
		return undo(err)
	}
	if p.Invoice != "" {
		if err := s.gateInvoice(ctx, p); err != nil {
			return undo(err)
		}
	}
	_, err = s.c.W.InsertOne(ctx, p)
	if store.IsDuplicate(err) {
		cur, err := s.ByID(ctx, id)
		if err != nil {
			return cur, err
		}
		return s.same(cur, in)
	}
	if err != nil {
		return p, fmt.Errorf("store: payment %s: %w", id, err)
	}
	if err := s.number(ctx, &p); err != nil {
		return p, err
	}
	return p, s.apply(ctx, p)
}

// same answers a repeated post of one form: the payment already taken, unless the
// form now says something else.
func (s *Payments) same(p Payment, in PaymentInput) (Payment, error) {
	if p.Amount != in.Amount || p.PatientID != in.PatientID || p.Invoice != in.Invoice || p.Mode != in.Mode {
		return p, ErrTokenReused
	}
	return p, nil
}

// forget undoes the gates of a payment that was refused or never stored.
func (s *Payments) forget(ctx context.Context, p Payment) {
	s.forgetGates(ctx, p, refKeyOf(p), dayID(p.Day, p.Cashier))
}

func refKeyOf(p Payment) string {
	if p.Mode == ModeCash || p.Mode == "" {
		return ""
	}
	return refKey(p.Mode, p.Reference)
}

func (s *Payments) forgetGates(ctx context.Context, p Payment, ref, day string) {
	if ref != "" {
		_, _ = guard.Delete(ctx, s.db, store.CollBillKeys, ref, []guard.Cond{guard.Eq("payment", p.ID)})
	}
	_, _ = s.db.W.Collection(store.CollCashDays).UpdateOne(ctx, bson.D{{Key: "_id", Value: day}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "e." + keyEscaper.Replace(p.ID), Value: ""}}}})
	if p.Invoice != "" {
		_, _ = s.db.W.Collection(store.CollInvoices).UpdateOne(ctx, bson.D{{Key: "_id", Value: p.Invoice}},
			bson.D{{Key: "$unset", Value: bson.D{{Key: "paid." + p.ID, Value: ""}, {Key: "payer_paid." + p.ID, Value: ""}}}})
	}
	_ = s.l.clearPending(ctx, p.PatientID, entryKey("payment", p.ID))
}

// gateInvoice records the payment on its invoice if it fits what is still due: a
// read-modify-write guarded by the invoice's version, so two cashiers cannot both take
// the last rupee.
func (s *Payments) gateInvoice(ctx context.Context, p Payment) error {
	field := "paid"
	if p.Payer != "" {
		field = "payer_paid"
	}
	for attempt := 0; attempt < 100; attempt++ {
		inv, err := readInvoice(ctx, s.db, p.Invoice)
		if err != nil {
			return err
		}
		if _, done := inv.Paid[p.ID]; done {
			return nil
		}
		if _, done := inv.PayerPaid[p.ID]; done {
			return nil
		}
		if inv.Status != InvoiceIssued {
			return fmt.Errorf("%w: invoice %s is %s", ErrNotPayable, inv.ID, inv.Status)
		}
		patientDue, payerDue := inv.Dues()
		due := patientDue
		if p.Payer != "" {
			due = payerDue
		}
		if p.Amount > due {
			return fmt.Errorf("%w (%s due)", ErrMoreThanDue, paiseText(due))
		}
		ok, err := guard.Update(ctx, s.db, store.CollInvoices, inv.ID, []guard.Cond{guard.Eq("version", inv.Version)},
			bson.D{{Key: "$set", Value: bson.D{{Key: field + "." + p.ID, Value: p.Amount}, {Key: "version", Value: inv.Version + 1}}}}, nil)
		if err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("%w: invoice %s: too many concurrent payments", store.ErrConflict, p.Invoice)
}

func paiseText(p int64) string { return fmt.Sprintf("₹%d.%02d", p/100, p%100) }

// number gives a stored payment its receipt number, once.
func (s *Payments) number(ctx context.Context, p *Payment) error {
	prefix, counter := "RCT-", "receipt"
	if p.Kind == KindRefund {
		prefix, counter = "RFD-", "refund"
	}
	n, err := s.db.Next(ctx, counter)
	if err != nil {
		return err
	}
	num := fmt.Sprintf("%s%07d", prefix, n)
	ok, err := guard.Update(ctx, s.db, store.CollPayments, p.ID, []guard.Cond{guard.Eq("number", paymentNoNumber)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "number", Value: num}}}}, p)
	if err != nil {
		return err
	}
	if !ok {
		cur, err := s.ByID(ctx, p.ID)
		*p = cur
		return err
	}
	return nil
}

// apply carries a posted payment's follow-ups: its cash-day line, its invoice line, its
// ledger entry. Each is idempotent; Repair re-runs it.
func (s *Payments) apply(ctx context.Context, p Payment) error {
	if p.Status != PaymentPosted {
		return nil
	}
	if err := s.recordDay(ctx, p, false); err != nil {
		return err
	}
	if p.Invoice != "" {
		field := "paid."
		if p.Payer != "" {
			field = "payer_paid."
		}
		if _, err := s.db.W.Collection(store.CollInvoices).UpdateOne(ctx, bson.D{{Key: "_id", Value: p.Invoice}},
			bson.D{{Key: "$set", Value: bson.D{{Key: field + p.ID, Value: p.Amount}}}}); err != nil {
			return fmt.Errorf("store: invoice %s payment: %w", p.Invoice, err)
		}
	}
	amt, text := p.Amount, "Payment "+p.Number+" ("+p.Mode+")"
	if p.Kind == KindRefund {
		amt, text = -p.Amount, "Refund "+p.Number+" ("+p.Mode+")"
	} else if p.Advance {
		text = "Advance deposit " + p.Number + " (" + p.Mode + ")"
	} else if p.Payer != "" {
		text = "Settlement of claim " + p.Claim + " by " + p.Payer + " " + p.Number
	}
	e := Entry{Kind: p.Kind, Cat: catPayment, Amount: amt, Ref: p.ID, At: p.At, Text: text, Invoice: p.Invoice}
	return s.l.add(ctx, p.PatientID, p.Page, entryKey("payment", p.ID), e) // clears the pending mark
}

// RefundInput is a refund of an account's credit, as a clerk asks for it.
type RefundInput struct {
	Token, PatientID, Mode, Reference, Reason, By string
	Amount                                        int64
}

// RequestRefund records a refund waiting for a supervisor; nothing moves until approved.
func (s *Payments) RequestRefund(ctx context.Context, in RefundInput) (Payment, error) {
	switch {
	case !tokenRE.MatchString(in.Token):
		return Payment{}, fmt.Errorf("%w: the form has no valid token; reload it", store.ErrInvalid)
	case in.Amount <= 0:
		return Payment{}, fmt.Errorf("%w: the amount must be more than zero", store.ErrInvalid)
	case !slices.Contains(Modes, in.Mode):
		return Payment{}, fmt.Errorf("%w: choose how it is paid back", store.ErrInvalid)
	case strings.TrimSpace(in.Reason) == "":
		return Payment{}, fmt.Errorf("%w: a refund needs a reason", store.ErrInvalid)
	}
	acct, err := s.l.account(ctx, in.PatientID)
	if err != nil {
		return Payment{}, err
	}
	if in.Amount > -acct.Balance {
		return Payment{}, ErrRefundTooLarge
	}
	p := Payment{ID: "RF-" + in.Token, Kind: KindRefund, PatientID: in.PatientID, MRN: acct.MRN, Name: acct.Name,
		Mode: in.Mode, Reference: strings.TrimSpace(in.Reference), Amount: in.Amount, Status: RefundRequested,
		Reason: strings.TrimSpace(in.Reason), At: time.Now().UTC(), RequestedBy: in.By}
	if _, err := s.c.W.InsertOne(ctx, p); err != nil && !store.IsDuplicate(err) {
		return p, fmt.Errorf("store: refund: %w", err)
	}
	if p, err = s.ByID(ctx, p.ID); err != nil || p.Status != RefundRequested {
		return p, err
	}
	return p, s.listRefund(ctx, p, true)
}

// ApproveRefund pays out a requested refund: a supervisor other than the requester,
// never more than the account's credit at the time. It goes on the approver's day.
func (s *Payments) ApproveRefund(ctx context.Context, id, by, day string) (Payment, error) {
	p, err := s.ByID(ctx, id)
	if err != nil {
		return p, err
	}
	switch {
	case p.Kind != KindRefund || p.Status != RefundRequested:
		return p, fmt.Errorf("%w: the refund is %s", store.ErrInvalid, p.Status)
	case p.RequestedBy == by:
		return p, ErrSameApprover
	}
	acct, err := s.l.account(ctx, p.PatientID)
	if err != nil {
		return p, err
	}
	if p.Amount > -acct.Balance {
		return p, ErrRefundTooLarge
	}
	if st, _ := s.dayStatus(ctx, day, by); st.Closed {
		return p, ErrDayClosed
	}
	key := entryKey("payment", id)
	if err := s.l.markPending(ctx, p.PatientID, key, store.CollPayments+":"+id+"@"); err != nil {
		return p, err
	}
	ok, err := guard.Update(ctx, s.db, store.CollPayments, id, []guard.Cond{guard.Eq("status", RefundRequested)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: PaymentPosted}, {Key: "approved_by", Value: by},
			{Key: "cashier", Value: by}, {Key: "day", Value: day}, {Key: "page", Value: acct.Pages}, {Key: "at", Value: time.Now().UTC()}}}}, &p)
	if err != nil {
		return p, err
	}
	if !ok {
		_ = s.l.clearPending(ctx, p.PatientID, key)
		return p, fmt.Errorf("%w: the refund was changed by someone else", store.ErrConflict)
	}
	if err := s.number(ctx, &p); err != nil {
		return p, err
	}
	if err := s.listRefund(ctx, p, false); err != nil {
		return p, err
	}
	return p, s.apply(ctx, p)
}

// RejectRefund declines a requested refund.
func (s *Payments) RejectRefund(ctx context.Context, id, by string) error {
	var p Payment
	ok, err := guard.Update(ctx, s.db, store.CollPayments, id, []guard.Cond{guard.Eq("status", RefundRequested)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: RefundRejected}, {Key: "approved_by", Value: by}}}}, &p)
	if err == nil && !ok {
		err = fmt.Errorf("%w: the refund is no longer waiting", store.ErrInvalid)
	}
	if err != nil {
		return err
	}
	return s.listRefund(ctx, p, false)
}

// repair finishes a payment a crash interrupted, or undoes its gates if it was never stored.
func (s *Payments) repair(ctx context.Context, patientID, ref string) error {
	parts := strings.Split(ref, "@")
	for len(parts) < 4 {
		parts = append(parts, "")
	}
	id := parts[0]
	p, err := s.ByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.forgetGates(ctx, Payment{ID: id, PatientID: patientID, Invoice: parts[1]}, parts[2], parts[3])
		return nil
	}
	if err != nil {
		return err
	}
	if p.Number == paymentNoNumber && p.Status == PaymentPosted {
		if err := s.number(ctx, &p); err != nil {
			return err
		}
	}
	if p.Status != PaymentPosted {
		return s.l.clearPending(ctx, patientID, entryKey("payment", id))
	}
	return s.apply(ctx, p)
}

const listRefunds = "refunds"

// listRefund keeps the refunds waiting for a supervisor on one list document.
func (s *Payments) listRefund(ctx context.Context, p Payment, on bool) error {
	update := bson.D{{Key: "$unset", Value: bson.D{{Key: "r." + keyEscaper.Replace(p.ID), Value: ""}}}}
	if on {
		update = bson.D{{Key: "$set", Value: bson.D{{Key: "r." + keyEscaper.Replace(p.ID), Value: p}}}}
	}
	_, err := s.db.W.Collection(store.CollBillList).UpdateOne(ctx, bson.D{{Key: "_id", Value: listRefunds}}, update, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: refunds list: %w", err)
	}
	return nil
}

// Requested lists the refunds of a patient waiting for approval.
func (s *Payments) Requested(ctx context.Context, patientID string) ([]Payment, error) {
	var doc struct {
		R map[string]Payment `bson:"r"`
	}
	err := s.db.R.Collection(store.CollBillList).FindOne(ctx, bson.D{{Key: "_id", Value: listRefunds}}).Decode(&doc)
	if err != nil && !store.NoDocs(err) {
		return nil, fmt.Errorf("store: refunds list: %w", err)
	}
	var out []Payment
	for _, p := range doc.R {
		if p.PatientID == patientID {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Payment) int { return a.At.Compare(b.At) })
	return out, nil
}
