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

// Charge states. A charge is never deleted: a mistaken one is reversed, with a reason.
const (
	ChargeUnbilled = "unbilled" // posted, not yet on an invoice
	ChargeBilled   = "billed"   // on an invoice
	ChargeReversed = "reversed" // cancelled before billing
	ChargeCredited = "credited" // reversed after billing: a credit note against its invoice
)

// Charge is one billable item for a patient, posted by the module that did the work.
// Its _id is derived from its source ("visit:V0000123:consult"), so posting the same
// source twice stores it once. The price is copied from the price list when posted.
type Charge struct {
	ID            string    `bson:"_id"`
	PatientID     string    `bson:"patient_id"`
	MRN           string    `bson:"mrn"`
	Name          string    `bson:"name"`           // copied for lists (DESIGN rule 4)
	Encounter     string    `bson:"encounter"`      // the visit or admission id
	EncounterKind string    `bson:"encounter_kind"` // opd, ipd, er
	Department    string    `bson:"department"`
	ServiceCode   string    `bson:"service_code"`
	Description   string    `bson:"description"`
	Qty           int64     `bson:"qty"`
	UnitPrice     int64     `bson:"unit_price"` // paise, the price in force when posted
	Amount        int64     `bson:"amount"`     // Qty × UnitPrice, before tax
	TaxBP         int64     `bson:"tax_bp"`     // tax rate in basis points, copied from the price list
	Status        string    `bson:"status"`
	PostedAt      time.Time `bson:"posted_at"`
	PostedBy      string    `bson:"posted_by"`
	ReversedAt    time.Time `bson:"reversed_at,omitempty"`
	ReversedBy    string    `bson:"reversed_by,omitempty"`
	ReverseReason string    `bson:"reverse_reason,omitempty"`
	CreatedAt     time.Time `bson:"created_at"`
	CreatedBy     string    `bson:"created_by"`
	UpdatedAt     time.Time `bson:"updated_at"`
	UpdatedBy     string    `bson:"updated_by"`

	Page       int64  `bson:"page"`                  // the ledger page its entry is on
	V          int64  `bson:"v"`                     // version: every change adds one
	Invoice    string `bson:"invoice,omitempty"`     // the invoice that billed it
	RevPage    int64  `bson:"rev_page,omitempty"`    // the ledger page of its reversal or credit
	CreditNote string `bson:"credit_note,omitempty"` // credited: the credit note's number
	Credit     int64  `bson:"credit,omitempty"`      // credited: the amount credited (after its share of discount)
}

// Tax is the tax on the charge in paise, rounded half up (the one rounding of a line).
func (c Charge) Tax() int64 { return (c.Amount*c.TaxBP + 5000) / 10000 }

// Gross is the charge with its tax: what it adds to the account.
func (c Charge) Gross() int64 { return c.Amount + c.Tax() }

// Charges reads and writes the charges collection.
type Charges struct {
	db *store.DB
	c  store.Coll
	l  ledger
}

// NewCharges returns the charges repository.
func NewCharges(db *store.DB) *Charges {
	return &Charges{db: db, c: db.Coll(store.CollCharges), l: newLedger(db)}
}

func (ch Charge) check() error {
	switch {
	case strings.TrimSpace(ch.ID) == "":
		return fmt.Errorf("%w: a charge needs an id derived from its source", store.ErrInvalid)
	case ch.PatientID == "" || ch.ServiceCode == "":
		return fmt.Errorf("%w: a charge needs a patient and a service", store.ErrInvalid)
	case ch.Qty <= 0 || ch.UnitPrice < 0 || ch.TaxBP < 0 || ch.Qty > 1_000_000 || ch.UnitPrice > 100_000_000_00:
		return fmt.Errorf("%w: charge quantity or price", store.ErrInvalid)
	}
	return nil
}

// Post stores a new unbilled charge and puts it on the patient's ledger. It is
// idempotent: a charge whose _id is already stored is left as it is and Post returns
// nil (after re-applying its ledger entry), so a follow-up can be re-applied.
func (s *Charges) Post(ctx context.Context, ch Charge) error {
	if err := ch.check(); err != nil {
		return err
	}
	now := time.Now().UTC()
	ch.Amount = ch.Qty * ch.UnitPrice
	ch.Status, ch.Invoice, ch.CreditNote, ch.Credit, ch.RevPage = ChargeUnbilled, "", "", 0, 0
	ch.ReversedAt, ch.ReversedBy, ch.ReverseReason = time.Time{}, "", ""
	if ch.PostedAt.IsZero() {
		ch.PostedAt = now
	}
	ch.PostedAt = ch.PostedAt.UTC()
	ch.CreatedAt, ch.CreatedBy, ch.UpdatedAt, ch.UpdatedBy = now, ch.PostedBy, now, ch.PostedBy
	acct, err := s.l.ensureAccount(ctx, ch.PatientID, ch.MRN, ch.Name, ch.PostedBy)
	if err != nil {
		return err
	}
	key := entryKey("charge", ch.ID)
	if err := s.l.markPending(ctx, ch.PatientID, key, store.CollCharges+":"+ch.ID); err != nil {
		return err
	}
	ch.Page, ch.V = acct.Pages, 1
	_, err = s.c.W.InsertOne(ctx, ch)
	if store.IsDuplicate(err) {
		if ch, err = s.ByID(ctx, ch.ID); err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("store: post charge %s: %w", ch.ID, err)
	}
	if err := s.addEntry(ctx, ch); err != nil {
		return err
	}
	if ch.V == 1 { // just posted: the entry shows its state, and adding it cleared the mark
		if acct.Listed {
			return nil
		}
		return s.follow(ctx, ch, map[string]bool{})
	}
	if err := s.sync(ctx, []Charge{ch}); err != nil {
		return err
	}
	return s.l.clearPending(ctx, ch.PatientID, key)
}

// apply brings the ledger in step with the charge as it stands: its entry, its reversal
// or credit note, its shown state. Every step is idempotent, so Repair re-runs it.
func (s *Charges) apply(ctx context.Context, ch Charge) error {
	if err := s.addEntry(ctx, ch); err != nil {
		return err
	}
	return s.sync(ctx, []Charge{ch})
}

func (s *Charges) addEntry(ctx context.Context, ch Charge) error {
	e := Entry{Kind: "charge", Cat: catCharge, Amount: ch.Gross(), Ref: ch.ID, At: ch.PostedAt, Text: ch.Description,
		Enc: ch.Encounter, EncKind: ch.EncounterKind, Dept: ch.Department, Qty: ch.Qty, Status: ch.Status, Invoice: ch.Invoice, CV: ch.V}
	return s.l.add(ctx, ch.PatientID, ch.Page, entryKey("charge", ch.ID), e)
}

// sync carries what follows from the charges' states (whose entries are on the ledger):
// a reversal's entry, a credit note, the desk's unbilled list, the shown state.
func (s *Charges) sync(ctx context.Context, chs []Charge) error {
	listed := map[string]bool{}
	for _, ch := range chs {
		if err := s.follow(ctx, ch, listed); err != nil {
			return err
		}
	}
	return s.l.setCharges(ctx, chs)
}

func (s *Charges) follow(ctx context.Context, ch Charge, listed map[string]bool) error {
	switch ch.Status {
	case ChargeUnbilled:
		if !listed[ch.PatientID] {
			listed[ch.PatientID] = true
			if err := s.l.list(ctx, ch); err != nil {
				return err
			}
		}
	case ChargeReversed:
		rev := Entry{Kind: "reversal", Cat: catAdjust, Amount: ch.Gross(), Ref: ch.ID, At: ch.ReversedAt,
			Text: "Reversed: " + ch.Description + " (" + ch.ReverseReason + ")"}
		if err := s.l.add(ctx, ch.PatientID, ch.RevPage, entryKey("reversal", ch.ID), rev); err != nil {
			return err
		}
	case ChargeCredited:
		return s.applyCredit(ctx, ch)
	}
	return nil
}

// ByID returns one charge or store.ErrNotFound.
func (s *Charges) ByID(ctx context.Context, id string) (Charge, error) {
	var ch Charge
	err := s.c.R.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&ch)
	if store.NoDocs(err) {
		return ch, store.ErrNotFound
	}
	if err != nil {
		return ch, fmt.Errorf("store: charge %s: %w", id, err)
	}
	if ch.Page == 0 {
		ch.Page = 1
	}
	return ch, nil
}

// Reverse cancels a charge with a reason; the document stays. An unbilled charge is
// reversed on the account; a billed one gets a numbered credit note against its invoice.
// A charge already reversed or credited gives store.ErrInvalid.
func (s *Charges) Reverse(ctx context.Context, id, reason, by string) (Charge, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Charge{}, fmt.Errorf("%w: a reason is required to reverse a charge", store.ErrInvalid)
	}
	cur, err := s.ByID(ctx, id)
	if err != nil {
		return cur, err
	}
	acct, err := s.l.account(ctx, cur.PatientID)
	if err != nil {
		return cur, err
	}
	now := time.Now().UTC()
	set := bson.D{{Key: "reversed_at", Value: now}, {Key: "reversed_by", Value: by}, {Key: "reverse_reason", Value: reason},
		{Key: "rev_page", Value: acct.Pages}, {Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}}
	var cond guard.Cond
	switch cur.Status {
	case ChargeUnbilled:
		cond = guard.Eq("status", ChargeUnbilled)
		set = append(set, bson.E{Key: "status", Value: ChargeReversed})
	case ChargeBilled:
		inv, err := s.invoice(ctx, cur.Invoice)
		if err != nil {
			return cur, err
		}
		if inv.Status != InvoiceIssued {
			return cur, fmt.Errorf("%w: invoice %s is %s", store.ErrInvalid, inv.ID, inv.Status)
		}
		n, err := s.db.Next(ctx, "credit-note")
		if err != nil {
			return cur, err
		}
		cond = guard.Eq("invoice", cur.Invoice)
		set = append(set, bson.E{Key: "status", Value: ChargeCredited}, bson.E{Key: "credit_note", Value: creditNoteID(n)},
			bson.E{Key: "credit", Value: inv.creditFor(cur)})
	default:
		return cur, fmt.Errorf("%w: the charge is %s", store.ErrInvalid, cur.Status)
	}
	key := entryKey("reversal", id)
	if err := s.l.markPending(ctx, cur.PatientID, key, store.CollCharges+":"+id); err != nil {
		return cur, err
	}
	var ch Charge
	ok, err := guard.Update(ctx, s.db, store.CollCharges, id, []guard.Cond{guard.Eq("status", cur.Status), cond},
		bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "v", Value: int64(1)}}}}, &ch)
	if err != nil {
		return cur, err
	}
	if !ok {
		_ = s.l.clearPending(ctx, cur.PatientID, key)
		return cur, fmt.Errorf("%w: the charge was changed by someone else", store.ErrConflict)
	}
	if ch.Page == 0 {
		ch.Page = 1
	}
	if err := s.apply(ctx, ch); err != nil {
		return ch, err
	}
	return ch, s.l.clearPending(ctx, cur.PatientID, key)
}
