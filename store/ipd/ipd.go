// Package ipd stores the wards' inpatient work: admissions and the beds they hold,
// transfers, discharge in steps, bed-day charges, doctor orders, the medication
// administration record and the nursing chart.
//
// The bed document (catalog's beds collection) is the one place that says who lies in a
// bed: claiming it is a single guarded update from "available" (or a reservation held
// for the same patient), so two admissions racing for the last bed get exactly one
// winner. The admission is the source of truth for everything else; the follow-ups it
// records (release the old bed, post bed-days, lists) are idempotent and re-applied by
// Repair (DESIGN rules 1–3).
package ipd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/signing"
	"hms/store/worklist"
)

// Errors of the wards, besides store.ErrNotFound, store.ErrInvalid and store.ErrConflict.
var (
	ErrAlreadyAdmitted = fmt.Errorf("%w: the patient already has an active admission", store.ErrDuplicate)
	ErrBedTaken        = errors.New("store: the bed is no longer free")
	ErrBedUnsuitable   = fmt.Errorf("%w: the bed does not suit this patient", store.ErrInvalid)
	ErrDeceased        = fmt.Errorf("%w: the patient is recorded as deceased", store.ErrInvalid)
	ErrDoseRecorded    = fmt.Errorf("%w: this dose is already recorded", store.ErrDuplicate)
	ErrWrongPatient    = errors.New("store: the wristband is not this patient's")
	ErrNotDispensed    = errors.New("store: no dispensed item carries this barcode")
	ErrWrongDrug       = errors.New("store: the scanned item is not for this order")
)

// BedTakenError is ErrBedTaken with the next free bed of the same ward and type, if any.
type BedTakenError struct{ Next string }

func (e *BedTakenError) Error() string { return ErrBedTaken.Error() }

// Unwrap makes a BedTakenError an ErrBedTaken.
func (e *BedTakenError) Unwrap() error { return ErrBedTaken }

// OPD is what the wards use of the outpatient store; *opd.Store is one.
type OPD interface {
	PlaceOrderDoc(ctx context.Context, kind string, d opd.OrderDoc) error
	Drug(ctx context.Context, code string) (catalog.Drug, error)
	LabTest(ctx context.Context, code string) (catalog.LabTest, error)
	CancelFutureAppointments(ctx context.Context, patientID string, from time.Time, reason, by string) (int, error)
}

// Options are what the ward store needs besides the database.
type Options struct {
	Location *time.Location // the hospital's zone: dates, nights and administration times are in it
	Patients *patients.Store
	OPD      OPD
	Charges  *billing.Charges // nil: billing.NewCharges(db)
	Now      func() time.Time // nil: time.Now; tests move the clock
	Logger   *slog.Logger
	Signer   *signing.Signer // signs nursing notes and discharge summaries; nil: a throw-away key (tests)
}

// Store reads and writes the wards' collections.
type Store struct {
	db                                    *store.DB
	cat                                   *catalog.Catalog
	pats                                  *patients.Store
	opd                                   OPD
	charges                               *billing.Charges
	lists                                 *worklist.Lists
	loc                                   *time.Location
	now                                   func() time.Time
	log                                   *slog.Logger
	signer                                *signing.Signer
	adms, keys, ilists, orders, doses, ch store.Coll
	beds, dispense                        store.Coll
	tc                                    tileCache
}

// New returns the ward store.
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
	if o.Signer == nil {
		o.Signer = signing.Ephemeral()
	}
	return &Store{signer: o.Signer, db: db, cat: cat, pats: o.Patients, opd: o.OPD, charges: o.Charges, lists: worklist.New(db),
		loc: o.Location, now: o.Now, log: o.Logger,
		adms: db.Coll(store.CollAdmissions), keys: db.Coll(store.CollIPDKeys), ilists: db.Coll(store.CollIPDLists),
		orders: db.Coll(store.CollIPDOrders), doses: db.Coll(store.CollIPDDoses), ch: db.Coll(store.CollIPDCharts),
		beds: db.Coll(store.CollBeds), dispense: db.Coll(store.CollDispenseLines)}
}

// Location is the hospital's zone.
func (s *Store) Location() *time.Location { return s.loc }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// DateLayout is how dates are written in ids: the hospital's calendar date.
const DateLayout = "2006-01-02"

// DateOf is the hospital's calendar date of t.
func (s *Store) DateOf(t time.Time) string { return t.In(s.loc).Format(DateLayout) }

// Event is one entry of an admission's history.
type Event struct {
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
	What   string    `bson:"what"`
	Detail string    `bson:"detail,omitempty"`
}

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

// upsert applies update to the document with _id id, creating it when missing.
func upsert(ctx context.Context, c store.Coll, id string, update bson.D) error {
	for attempt := 0; ; attempt++ {
		_, err := c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update, options.UpdateOne().SetUpsert(true))
		if store.IsDuplicate(err) && attempt < 3 {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: upsert %s: %w", id, err)
		}
		return nil
	}
}

func noDocs(err error) bool { return store.NoDocs(err) }
