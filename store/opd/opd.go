// Package opd stores the outpatient department: doctors' OPD profiles and schedules,
// nurse rosters and on-call doctors, appointments, check-in and the token queue, triage
// vitals and the doctor's consultation (note, diagnoses, prescriptions, orders), up to
// the consultation charge posted when a visit completes.
//
// Every hot read is by _id: a doctor's day of appointments is one bucket document
// (day:<date>:<doctor>), a doctor's queue is another (queue:<date>:<doctor>). The visit
// and the appointment are the sources of truth; the buckets, the charge, the lab and
// radiology order documents are idempotent follow-ups recorded on them and re-applied
// by Repair after a crash (DESIGN rules 2 and 3).
package opd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/identity"
	"hms/store/patients"
	"hms/store/signing"
	"hms/store/worklist"
)

// Errors of the OPD, besides store.ErrNotFound, store.ErrInvalid and store.ErrConflict.
var (
	ErrSlotTaken        = fmt.Errorf("%w: this slot was just taken", store.ErrDuplicate)
	ErrAlreadyCheckedIn = fmt.Errorf("%w: this appointment is already checked in", store.ErrDuplicate)
	ErrAlreadyDone      = fmt.Errorf("%w: already done", store.ErrInvalid)
	ErrAllergyConflict  = errors.New("store: the patient is allergic to this drug")
	ErrDuplicateDrug    = errors.New("store: this drug is already prescribed on this visit")
	ErrNoPrice          = fmt.Errorf("%w: no price in force for the consultation", store.ErrInvalid)
)

// PatientReader reads a patient; *patients.Store is one.
type PatientReader interface {
	ByID(ctx context.Context, id string) (patients.Patient, error)
}

// ChargePoster posts a charge idempotently; *billing.Charges is one.
type ChargePoster interface {
	Post(ctx context.Context, ch billing.Charge) error
}

// Options are what the OPD store needs besides the database.
type Options struct {
	Location *time.Location // the hospital's zone (HMS_TIMEZONE); dates and sessions are in it
	Patients PatientReader  // required
	Charges  ChargePoster   // nil: billing.NewCharges(db)
	// OnVisitComplete records the patient's last visit; it must be idempotent (it is
	// re-applied after a crash). Nil skips it.
	OnVisitComplete func(ctx context.Context, patientID string, at time.Time) error
	Now             func() time.Time // nil: time.Now; tests fix the clock
	Logger          *slog.Logger
	Signer          *signing.Signer // signs consultation notes; nil: a throw-away key (tests)
}

// Store reads and writes every OPD collection.
type Store struct {
	db                                        *store.DB
	cat                                       *catalog.Catalog
	users                                     *identity.Users
	pats                                      PatientReader
	charges                                   ChargePoster
	onComplete                                func(context.Context, string, time.Time) error
	loc                                       *time.Location
	now                                       func() time.Time
	log                                       *slog.Logger
	profiles, rosters, appts, keys, days, vis store.Coll
	queues, labOrders, radOrders, counters    store.Coll
	lists                                     *worklist.Lists
	ref                                       *refCache
	signer                                    *signing.Signer
	memo                                      memo
}

// New returns the OPD store.
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
	return &Store{signer: o.Signer, db: db, cat: cat, users: identity.NewUsers(db), pats: o.Patients, charges: o.Charges,
		onComplete: o.OnVisitComplete, loc: o.Location, now: o.Now, log: o.Logger,
		profiles: db.Coll(store.CollStaffProfiles), rosters: db.Coll(store.CollRosters),
		appts: db.Coll(store.CollAppointments), keys: db.Coll(store.CollOPDKeys), days: db.Coll(store.CollOPDDays),
		vis: db.Coll(store.CollVisits), queues: db.Coll(store.CollQueues), labOrders: db.Coll(store.CollLabOrders),
		radOrders: db.Coll(store.CollRadiologyOrders), counters: db.Coll(store.CollCounters), ref: newRefCache(cat),
		lists: worklist.New(db)}
}

// Location is the hospital's zone the store works in.
func (s *Store) Location() *time.Location { return s.loc }

// DateLayout is how dates are written in ids and fields: the hospital's calendar date.
const DateLayout = "2006-01-02"

// Today is the hospital's calendar date now.
func (s *Store) Today() string { return s.now().In(s.loc).Format(DateLayout) }

// DateOf is the hospital's calendar date of t.
func (s *Store) DateOf(t time.Time) string { return t.In(s.loc).Format(DateLayout) }

// parseDate checks a "2006-01-02" date and returns its midnight in loc.
func parseDate(date string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(DateLayout, date, loc)
	if err != nil {
		return t, fmt.Errorf("%w: date %q", store.ErrInvalid, date)
	}
	return t, nil
}

// Event is one entry of a workflow document's history.
type Event struct {
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
	From   string    `bson:"from,omitempty"`
	To     string    `bson:"to"`
	Reason string    `bson:"reason,omitempty"`
}

// byID reads one document by _id into a T.
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

// upsert applies an update to the document with _id id, creating it when missing. Two
// first-time upserts can race on MongoDB; the loser retries and then updates.
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

// setByID applies an unconditional update to the document with _id id.
func setByID(ctx context.Context, c store.Coll, id string, update bson.D) error {
	if _, err := c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update); err != nil {
		return fmt.Errorf("store: update %s: %w", id, err)
	}
	return nil
}

// keyDoc is an insert-once key: a slot, or the check-in of an appointment.
type keyDoc struct {
	ID        string    `bson:"_id"`
	Owner     string    `bson:"owner"` // the appointment or visit that holds the key
	CreatedAt time.Time `bson:"created_at"`
	CreatedBy string    `bson:"created_by"`
}

// staleAfter is how old a key whose owner was never stored must be before it counts as
// left by a crash rather than by a write still in progress.
const staleAfter = time.Minute

// journalDoc records, per day, the first visit and appointment numbers taken that day:
// Repair walks from there to the counters, reading by _id, to find interrupted writes.
type journalDoc struct {
	ID         string `bson:"_id"`
	FirstVisit int64  `bson:"first_visit"`
	FirstAppt  int64  `bson:"first_appointment"`
}

func (s *Store) journal(ctx context.Context, field string, n int64) error {
	today := s.Today()
	// Once this process has journaled a number today, a larger one changes nothing.
	return s.memo.do(today, "journal:"+field, n, func() error {
		return upsert(ctx, s.days, "journal:"+today, bson.D{{Key: "$min", Value: bson.D{{Key: field, Value: n}}}})
	})
}

// memo remembers idempotent writes this process has made today, so that hot paths
// (check-in, booking) skip repeating them; it starts afresh each day.
type memo struct {
	mu   sync.Mutex
	date string
	done map[string]int64 // key → the smallest n written
}

// do runs write unless key was already written today with an n no larger than this one.
func (m *memo) do(date, key string, n int64, write func() error) error {
	m.mu.Lock()
	if m.date != date {
		m.date, m.done = date, map[string]int64{}
	}
	least, seen := m.done[key]
	m.mu.Unlock()
	if seen && n >= least {
		return nil
	}
	if err := write(); err != nil {
		return err
	}
	m.mu.Lock()
	if least, seen := m.done[key]; m.date == date && (!seen || n < least) {
		m.done[key] = n
	}
	m.mu.Unlock()
	return nil
}

// counter reads a counter's current value without moving it.
func (s *Store) counter(ctx context.Context, name string) (int64, error) {
	var c struct {
		Seq int64 `bson:"seq"`
	}
	err := s.counters.R.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&c)
	if err != nil && !store.NoDocs(err) {
		return 0, fmt.Errorf("store: counter %s: %w", name, err)
	}
	return c.Seq, nil
}

func stamp(now time.Time, by string) catalog.Stamp {
	return catalog.Stamp{CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
}

// ageSex is "46y M" as lists show it.
func ageSex(p patients.Patient, on time.Time) string {
	a := patients.AgeOn(p.DOB, on)
	if a == "" {
		return p.Sex
	}
	return a + " " + p.Sex
}
