// Package worklist holds the open items each department works from — the lab's open
// orders, the pharmacy's prescriptions and ward medication orders waiting for supply,
// billing's discharges awaiting a final bill — as one small document per list.
//
// A department's home page must not scan the orders of a whole year to find the few
// still open (on the embedded engine any filter but _id is a full scan), so the module
// that creates work adds an item here and the module that finishes it removes it. The
// list's version doubles as the fingerprint a self-refreshing board polls with.
//
// Items are small and carry what a list row shows; the full record stays in its own
// collection (Ref). Writes are read-modify-write guarded by the list's version, retried
// on a conflict, so two writers never lose each other's change.
package worklist

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// The lists. Each is one document of the worklists collection; _id is the name.
const (
	Lab              = "lab"               // lab orders not yet verified or cancelled
	Pharmacy         = "pharmacy"          // OPD prescriptions and ward medication orders to supply
	BillingDischarge = "billing-discharge" // admissions with discharge ordered, awaiting the final bill
)

// Kinds of item.
const (
	KindLabOrder  = "lab-order" // Ref = lab_orders _id
	KindOPDRx     = "opd-rx"    // Ref = visit id; the prescriptions are the visit's
	KindIPDMed    = "ipd-med"   // Ref = the ward's medication order id; Med carries the order
	KindDischarge = "discharge" // Ref = admission id
)

// Priorities, in the order a list shows them.
const (
	PriorityStat    = "stat"
	PriorityUrgent  = "urgent"
	PriorityRoutine = "routine"
)

// Item is one open piece of work.
type Item struct {
	ID        string    `bson:"id"`   // unique within the list; adding it again is a no-op
	Kind      string    `bson:"kind"` // Kind* constants
	Ref       string    `bson:"ref"`  // the record the work is about
	PatientID string    `bson:"patient_id"`
	MRN       string    `bson:"mrn"`
	Name      string    `bson:"name"`
	Where     string    `bson:"where"` // "OPD · Medicine", "Ward W1 · bed 3"
	Priority  string    `bson:"priority"`
	Status    string    `bson:"status"` // the owning module's state, shown and filtered on
	Summary   string    `bson:"summary"`
	At        time.Time `bson:"at"`            // when the work arrived
	Due       time.Time `bson:"due"`           // turnaround target, if any
	Med       *MedOrder `bson:"med,omitempty"` // KindIPDMed only
}

// MedOrder is a ward medication order as the pharmacy supplies it. The ward owns the
// order and keeps this copy current (Update) when it is discontinued or changed.
type MedOrder struct {
	AdmissionID  string    `bson:"admission_id"`
	Ward         string    `bson:"ward"`
	Bed          string    `bson:"bed"`
	DrugCode     string    `bson:"drug_code"`
	Dose         string    `bson:"dose"`           // "500 mg"
	UnitsPerDose float64   `bson:"units_per_dose"` // dispensing units per dose
	Route        string    `bson:"route"`
	Frequency    string    `bson:"frequency"` // opd.FrequencyOf codes: OD, BD, TDS, QID, Q6H, HS, SOS …
	PRN          bool      `bson:"prn"`
	Start        time.Time `bson:"start"`
	Stop         time.Time `bson:"stop"`   // zero: until discontinued
	Status       string    `bson:"status"` // active, discontinued, completed
	OrderedBy    string    `bson:"ordered_by"`
}

type list struct {
	ID      string `bson:"_id"`
	Version int64  `bson:"version"`
	Items   []Item `bson:"items"`
}

// Lists reads and writes the worklists.
type Lists struct {
	db *store.DB
	c  store.Coll
}

// New returns the worklists repository.
func New(db *store.DB) *Lists { return &Lists{db: db, c: db.Coll(store.CollWorklists)} }

// Items returns a list's open items in arrival order and its version.
func (l *Lists) Items(ctx context.Context, name string) ([]Item, int64, error) {
	var doc list
	err := l.c.R.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&doc)
	if store.NoDocs(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: worklist %s: %w", name, err)
	}
	return doc.Items, doc.Version, nil
}

// Get returns one item of a list, or store.ErrNotFound.
func (l *Lists) Get(ctx context.Context, name, id string) (Item, error) {
	items, _, err := l.Items(ctx, name)
	if err != nil {
		return Item{}, err
	}
	if i := slices.IndexFunc(items, func(it Item) bool { return it.ID == id }); i >= 0 {
		return items[i], nil
	}
	return Item{}, store.ErrNotFound
}

// Add puts an item on a list; an item with the same ID already there is left as it is.
func (l *Lists) Add(ctx context.Context, name string, it Item) error {
	if it.ID == "" || it.Kind == "" {
		return fmt.Errorf("%w: a worklist item needs an id and a kind", store.ErrInvalid)
	}
	if it.At.IsZero() {
		it.At = time.Now()
	}
	it.At = it.At.UTC()
	return l.change(ctx, name, func(items []Item) ([]Item, bool) {
		if slices.ContainsFunc(items, func(x Item) bool { return x.ID == it.ID }) {
			return items, false
		}
		return append(items, it), true
	})
}

// Update applies fn to the item with id; a missing item gives store.ErrNotFound.
func (l *Lists) Update(ctx context.Context, name, id string, fn func(*Item)) error {
	found := false
	err := l.change(ctx, name, func(items []Item) ([]Item, bool) {
		i := slices.IndexFunc(items, func(x Item) bool { return x.ID == id })
		if i < 0 {
			return items, false
		}
		found = true
		before := items[i]
		fn(&items[i])
		items[i].ID = before.ID
		return items, true
	})
	if err == nil && !found {
		return fmt.Errorf("%w: worklist %s item %s", store.ErrNotFound, name, id)
	}
	return err
}

// SetStatus changes the shown state of an item; a missing item gives store.ErrNotFound.
func (l *Lists) SetStatus(ctx context.Context, name, id, status string) error {
	return l.Update(ctx, name, id, func(it *Item) { it.Status = status })
}

// Remove takes an item off a list (the work is done); removing a missing item is a no-op.
func (l *Lists) Remove(ctx context.Context, name, id string) error {
	return l.change(ctx, name, func(items []Item) ([]Item, bool) {
		i := slices.IndexFunc(items, func(x Item) bool { return x.ID == id })
		if i < 0 {
			return items, false
		}
		return slices.Delete(items, i, i+1), true
	})
}

// change reads the list, lets fn edit its items and writes them back if the version is
// still the one read; on a conflict it reads again (another writer got in first).
func (l *Lists) change(ctx context.Context, name string, fn func([]Item) ([]Item, bool)) error {
	for attempt := 0; attempt < 50; attempt++ {
		items, version, err := l.Items(ctx, name)
		if err != nil {
			return err
		}
		if version == 0 {
			_, err := l.c.W.InsertOne(ctx, list{ID: name, Version: 1, Items: []Item{}})
			if err != nil && !store.IsDuplicate(err) {
				return fmt.Errorf("store: worklist %s: %w", name, err)
			}
			continue
		}
		next, changed := fn(slices.Clone(items))
		if !changed {
			return nil
		}
		if next == nil {
			next = []Item{}
		}
		ok, err := guard.Update(ctx, l.db, store.CollWorklists, name, []guard.Cond{guard.Eq("version", version)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "items", Value: next}, {Key: "version", Value: version + 1}}}}, nil)
		if err != nil {
			return fmt.Errorf("store: worklist %s: %w", name, err)
		}
		if ok {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return errors.Join(store.ErrConflict, fmt.Errorf("worklist %s: too many concurrent changes", name))
}
