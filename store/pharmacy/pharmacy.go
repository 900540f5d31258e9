// Package pharmacy stores the pharmacy's stock and dispensing: batches received on goods
// received notes, a ledger entry for every movement, adjustments, dispensing against OPD
// prescriptions and ward medication orders, returns, and a pharmacy charge per line.
//
// The batch document is the source of truth for stock: every movement is one write to it,
// guarded by its movement sequence, that also records the movement (Last); the ledger
// entry (its _id is the movement's, so insert-once) and the per-drug stock bucket are
// idempotent follow-ups, re-applied before the next movement and by Repair. The supply
// document of an order is the source of truth for how much was dispensed against it.
package pharmacy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/worklist"
)

// Errors of the pharmacy, besides store.ErrNotFound and store.ErrInvalid.
var (
	ErrOutOfStock     = errors.New("store: the batch does not hold that many units")
	ErrExpired        = errors.New("store: the batch has expired")
	ErrOverDispense   = errors.New("store: more than was ordered")
	ErrBatchOtherDrug = errors.New("store: this batch number is already used for another drug")
	ErrOrderStopped   = errors.New("store: the medication order is no longer active")
)

// VisitReader reads an OPD visit; *opd.Store is one.
type VisitReader interface {
	Visit(ctx context.Context, id string) (opd.Visit, error)
}

// ChargeBook posts and reverses charges; *billing.Charges is one.
type ChargeBook interface {
	Post(ctx context.Context, ch billing.Charge) error
	Reverse(ctx context.Context, id, reason, by string) (billing.Charge, error)
	ByID(ctx context.Context, id string) (billing.Charge, error)
}

// Options are what the pharmacy store needs besides the database.
type Options struct {
	Location *time.Location // the hospital's zone: expiry dates are calendar dates in it
	Visits   VisitReader    // required for OPD prescriptions
	Charges  ChargeBook     // nil: billing.NewCharges(db)
	Now      func() time.Time
	Logger   *slog.Logger
}

// Store reads and writes every pharmacy collection.
type Store struct {
	db                                     *store.DB
	cat                                    *catalog.Catalog
	visits                                 VisitReader
	charges                                ChargeBook
	lists                                  *worklist.Lists
	loc                                    *time.Location
	now                                    func() time.Time
	log                                    *slog.Logger
	batches, ledger, stock, grns, supplies store.Coll
	lines, meds                            store.Coll
	overview                               *overviewCache
}

// New returns the pharmacy store over db.
func New(db *store.DB, cat *catalog.Catalog, o Options) *Store {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Charges == nil {
		o.Charges = billing.NewCharges(db)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Store{db: db, cat: cat, visits: o.Visits, charges: o.Charges, lists: worklist.New(db), loc: o.Location,
		now: o.Now, log: o.Logger, batches: db.Coll(store.CollBatches), ledger: db.Coll(store.CollStockLedger),
		stock: db.Coll(store.CollStock), grns: db.Coll(store.CollGRNs), supplies: db.Coll(store.CollSupplies),
		lines: db.Coll(store.CollDispenseLines), meds: db.Coll(store.CollPatientMeds), overview: &overviewCache{}}
}

// DateLayout is how expiry dates are written.
const DateLayout = "2006-01-02"

// Today is the hospital's calendar date now.
func (s *Store) Today() string { return s.now().In(s.loc).Format(DateLayout) }

// Location is the hospital's zone.
func (s *Store) Location() *time.Location { return s.loc }

// Lists is the worklists the pharmacy works from.
func (s *Store) Lists() *worklist.Lists { return s.lists }

// byID reads one document of c by _id into a T, or store.ErrNotFound.
func byID[T any](ctx context.Context, c store.Coll, id, what string) (T, error) {
	var v T
	err := c.R.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&v)
	if store.NoDocs(err) {
		return v, fmt.Errorf("%w: %s %s", store.ErrNotFound, what, id)
	}
	if err != nil {
		return v, fmt.Errorf("store: %s %s: %w", what, id, err)
	}
	return v, nil
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
