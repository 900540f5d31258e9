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
	ChargeBilled   = "billed"   // on an invoice (the billing issue sets it)
	ChargeReversed = "reversed" // cancelled before billing
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
}

// Tax is the tax on the charge in paise, rounded half up.
func (c Charge) Tax() int64 { return (c.Amount*c.TaxBP + 5000) / 10000 }

// Charges reads and writes the charges collection.
type Charges struct {
	db *store.DB
	c  store.Coll
}

// NewCharges returns the charges repository.
func NewCharges(db *store.DB) *Charges { return &Charges{db: db, c: db.Coll(store.CollCharges)} }

// Post stores a new unbilled charge. It is idempotent: a charge whose _id is already
// stored is left as it is and Post returns nil, so a follow-up can be re-applied.
func (s *Charges) Post(ctx context.Context, ch Charge) error {
	switch {
	case strings.TrimSpace(ch.ID) == "":
		return fmt.Errorf("%w: a charge needs an id derived from its source", store.ErrInvalid)
	case ch.PatientID == "" || ch.ServiceCode == "":
		return fmt.Errorf("%w: a charge needs a patient and a service", store.ErrInvalid)
	case ch.Qty <= 0 || ch.UnitPrice < 0 || ch.TaxBP < 0:
		return fmt.Errorf("%w: charge quantity or price", store.ErrInvalid)
	}
	now := time.Now().UTC()
	ch.Amount = ch.Qty * ch.UnitPrice
	ch.Status = ChargeUnbilled
	ch.ReversedAt, ch.ReversedBy, ch.ReverseReason = time.Time{}, "", ""
	if ch.PostedAt.IsZero() {
		ch.PostedAt = now
	}
	ch.PostedAt = ch.PostedAt.UTC()
	ch.CreatedAt, ch.CreatedBy, ch.UpdatedAt, ch.UpdatedBy = now, ch.PostedBy, now, ch.PostedBy
	_, err := s.c.W.InsertOne(ctx, ch)
	if err != nil && !store.IsDuplicate(err) {
		return fmt.Errorf("store: post charge %s: %w", ch.ID, err)
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
	return ch, nil
}

// Reverse cancels an unbilled charge with a reason; the document stays. A charge already
// billed or reversed gives store.ErrInvalid (a billed one needs a credit note).
func (s *Charges) Reverse(ctx context.Context, id, reason, by string) (Charge, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Charge{}, fmt.Errorf("%w: a reason is required to reverse a charge", store.ErrInvalid)
	}
	now := time.Now().UTC()
	var ch Charge
	ok, err := guard.Update(ctx, s.db, store.CollCharges, id, []guard.Cond{guard.Eq("status", ChargeUnbilled)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: ChargeReversed}, {Key: "reversed_at", Value: now},
			{Key: "reversed_by", Value: by}, {Key: "reverse_reason", Value: reason},
			{Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}}}}, &ch)
	if err != nil || ok {
		return ch, err
	}
	cur, err := s.ByID(ctx, id)
	if err != nil {
		return cur, err
	}
	return cur, fmt.Errorf("%w: the charge is %s", store.ErrInvalid, cur.Status)
}
