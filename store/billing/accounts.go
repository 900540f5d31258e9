// Package billing stores patients' billing accounts; the billing workflow posts
// charges and payments to them.
package billing

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// Account is a patient's billing account, one per patient: _id is the patient's id.
type Account struct {
	PatientID string    `bson:"_id"`
	MRN       string    `bson:"mrn"`
	Name      string    `bson:"name"`    // copied for lists (DESIGN rule 4)
	Balance   int64     `bson:"balance"` // paise the patient owes; negative = in credit
	Status    string    `bson:"status"`  // open
	CreatedAt time.Time `bson:"created_at"`
	CreatedBy string    `bson:"created_by"`

	// The ledger (ledger.go): how many pages, the sums of all pages' copies (kept in the
	// "<patient>:sums" document), and the events in flight.
	// Balance = charges − payments − adjustments.
	Pages         int64              `bson:"pages"`
	Unbilled      map[string]EncSum  `bson:"unbilled,omitempty"` // escaped encounter → unbilled by department
	Events        []Entry            `bson:"events,omitempty"`   // invoices, payments, adjustments
	ChargeCount   int64              `bson:"charge_count"`
	SumsV         int64              `bson:"sums_v"` // the version of the sums document this reflects
	ChargesTotal  int64              `bson:"charges_total"`
	PaymentsTotal int64              `bson:"payments_total"`
	AdjustTotal   int64              `bson:"adjust_total"`
	Pending       map[string]Pending `bson:"pending,omitempty"`
	Version       int64              `bson:"version"`
	Listed        bool               `bson:"listed,omitempty"` // on the desk's list of accounts with unbilled charges
}

// Pending is an event whose follow-ups may not all have been applied.
type Pending struct {
	Source string    `bson:"source"` // collection:_id of the event's source document
	At     time.Time `bson:"at"`
}

// Totals are the account's sums.
func (a Account) Totals() Sums {
	return Sums{Charges: a.ChargesTotal, Payments: a.PaymentsTotal, Adjust: a.AdjustTotal}
}

// Accounts reads and writes billing accounts.
type Accounts struct{ c store.Coll }

// NewAccounts returns the accounts repository.
func NewAccounts(db *store.DB) *Accounts { return &Accounts{c: db.Coll(store.CollAccounts)} }

// Open creates the account of a patient with a zero balance. It is idempotent: an
// account that already exists is left as it is, so a registration can re-apply it.
func (s *Accounts) Open(ctx context.Context, patientID, mrn, name, by string) error {
	a := Account{PatientID: patientID, MRN: mrn, Name: name, Status: "open", Pages: 1, CreatedAt: time.Now().UTC(), CreatedBy: by}
	_, err := s.c.W.InsertOne(ctx, a)
	if err != nil && !store.IsDuplicate(err) {
		return fmt.Errorf("store: open account %s: %w", mrn, err)
	}
	return nil
}

// ByPatient returns a patient's account or store.ErrNotFound.
func (s *Accounts) ByPatient(ctx context.Context, patientID string) (Account, error) {
	var a Account
	err := s.c.R.FindOne(ctx, bson.D{{Key: "_id", Value: patientID}}).Decode(&a)
	if store.NoDocs(err) {
		return a, store.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("store: account %s: %w", patientID, err)
	}
	return a, nil
}

// SetName keeps the copied name in step when the patient is renamed.
func (s *Accounts) SetName(ctx context.Context, patientID, name string) error {
	_, err := s.c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: patientID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: name}}}})
	if err != nil {
		return fmt.Errorf("store: account %s: %w", patientID, err)
	}
	return nil
}
