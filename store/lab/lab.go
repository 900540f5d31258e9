// Package lab stores the laboratory's work on an order after the OPD or the ward placed
// it: sample collection with an accession number per specimen, receipt, rejection,
// result entry with flags, verification by a second person, preliminary release,
// amendments, cancellation, the lab charge, each patient's released results and the
// closed loop of critical-value alerts.
//
// The lab order document (lab_orders, _id <visit>-L<n>) is the source of truth. Every
// change of state is one guarded write on it (store/guard) that also bumps its version,
// so two technicians saving the same result cannot both win. What must follow — the
// sample document, the charge, the patient's results bucket, the worklist item, a
// critical alert — is derived from the order's state and applied idempotently after the
// write (followUps); an order whose follow-ups may be unfinished carries pending=true
// and stays on the lab worklist, where Repair finds it after a crash.
package lab

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/signing"
	"hms/store/worklist"
)

// States of a lab order, in the order work moves through them.
const (
	StatusOrdered     = opd.OrderOrdered // waiting for a sample (again, after a rejection)
	StatusCollected   = "collected"      // collected on the ward, in transit to the lab
	StatusReceived    = "received"       // the lab holds the sample
	StatusInProgress  = "in_progress"    // opened at the bench
	StatusResulted    = "resulted"       // results entered, waiting for verification
	StatusPreliminary = "preliminary"    // released without a second person: "preliminary, not verified"
	StatusVerified    = "verified"       // verified by a second person and released, read-only
	StatusCancelled   = opd.OrderCancelled
)

// Statuses in worklist filter order.
var Statuses = []string{StatusOrdered, StatusCollected, StatusReceived, StatusInProgress, StatusResulted, StatusPreliminary, StatusVerified}

// StatusLabels are the names people read.
var StatusLabels = map[string]string{
	StatusOrdered: "Ordered", StatusCollected: "Collected, in transit", StatusReceived: "Received",
	StatusInProgress: "In progress", StatusResulted: "Resulted", StatusPreliminary: "Preliminary, not verified",
	StatusVerified: "Verified", StatusCancelled: "Cancelled",
}

// Where a sample was collected.
const (
	AtLab  = "lab"
	AtWard = "ward"
)

// RejectReasons are why the lab refuses a sample.
var RejectReasons = []string{"haemolysed", "clotted", "insufficient", "mislabelled"}

// Order is a lab order document as the lab works on it: the placed order plus the lab's fields.
type Order struct {
	opd.OrderDoc   `bson:",inline"`
	Version        int64       `bson:"version"`
	Accession      string      `bson:"accession,omitempty"` // the current specimen
	CollectedAt    time.Time   `bson:"collected_at,omitempty"`
	CollectedBy    string      `bson:"collected_by,omitempty"`
	CollectedWhere string      `bson:"collected_where,omitempty"`
	ChargeAt       time.Time   `bson:"charge_at,omitempty"` // first collection: the charge's time and price date
	ReceivedAt     time.Time   `bson:"received_at,omitempty"`
	Results        []Result    `bson:"results,omitempty"`
	EnteredBy      string      `bson:"entered_by,omitempty"`
	EnteredByName  string      `bson:"entered_by_name,omitempty"`
	EnteredAt      time.Time   `bson:"entered_at,omitempty"`
	VerifiedBy     string      `bson:"verified_by,omitempty"`
	VerifiedByName string      `bson:"verified_by_name,omitempty"`
	VerifiedAt     time.Time   `bson:"verified_at,omitempty"`
	ReleasedAt     time.Time   `bson:"released_at,omitempty"`
	ReleasedBy     string      `bson:"released_by,omitempty"`
	Amendments     []Amendment `bson:"amendments,omitempty"`
	// Signature is the verifier's (or last amender's) signature over ReportContent,
	// written in the write that verifies or amends the results.
	Signature  *signing.Signature `bson:"signature,omitempty"`
	Rejections []Rejection        `bson:"rejections,omitempty"`
	History    []opd.Event        `bson:"history,omitempty"`
	Pending    bool               `bson:"pending,omitempty"`
}

// Released reports whether clinicians may read the results.
func (o Order) Released() bool { return o.Status == StatusPreliminary || o.Status == StatusVerified }

// Cancellable reports whether the order may still be cancelled (until it is resulted).
func (o Order) Cancellable() bool {
	switch o.Status {
	case StatusOrdered, StatusCollected, StatusReceived, StatusInProgress:
		return true
	}
	return false
}

// Critical reports whether any result carries a critical flag.
func (o Order) Critical() bool {
	for _, r := range o.Results {
		if r.Critical() {
			return true
		}
	}
	return false
}

// Result is one test's result on an order (a panel has one per member test).
type Result struct {
	Code  string   `bson:"code"`
	Name  string   `bson:"name"`
	Kind  string   `bson:"kind"`  // catalog.ResultNumeric, ResultCoded, ResultText
	Value string   `bson:"value"` // as reported ("7.8", "Trace", free text)
	Num   *float64 `bson:"num,omitempty"`
	Unit  string   `bson:"unit,omitempty"`
	Range string   `bson:"range,omitempty"` // the reference range applied, as printed ("13–17")
	Flag  string   `bson:"flag,omitempty"`  // L, H, LL, HH
	Prev  string   `bson:"prev,omitempty"`  // the patient's previous released value, with its date
	Delta string   `bson:"delta,omitempty"` // change since Prev ("+1.2")
}

// Critical reports whether the result is beyond a critical limit.
func (r Result) Critical() bool { return r.Flag == FlagCriticalLow || r.Flag == FlagCriticalHigh }

// Amendment is a correction of released results; Previous is what they were.
type Amendment struct {
	At       time.Time `bson:"at"`
	By       string    `bson:"by"`
	ByName   string    `bson:"by_name"`
	Reason   string    `bson:"reason"`
	Previous []Result  `bson:"previous"`
	// Signature covers AmendmentContent: who corrected what, when and why.
	Signature *signing.Signature `bson:"signature,omitempty"`
}

// Rejection is a refused sample; the order went back for recollection.
type Rejection struct {
	Accession string    `bson:"accession"`
	Reason    string    `bson:"reason"`
	At        time.Time `bson:"at"`
	By        string    `bson:"by"`
}

// Sample is one collected specimen, found by the accession number on its label.
type Sample struct {
	Accession   string    `bson:"_id"`
	OrderID     string    `bson:"order_id"`
	PatientID   string    `bson:"patient_id"`
	MRN         string    `bson:"mrn"`
	Name        string    `bson:"name"`
	AgeSex      string    `bson:"age_sex"`
	Tests       string    `bson:"tests"` // test code(s) for the label
	TestName    string    `bson:"test_name"`
	Specimen    string    `bson:"specimen"`
	Container   string    `bson:"container"`
	Priority    string    `bson:"priority"`
	Where       string    `bson:"where"` // lab, ward
	CollectedAt time.Time `bson:"collected_at"`
	CollectedBy string    `bson:"collected_by"`
	Rejected    string    `bson:"rejected,omitempty"` // the reason, once rejected
	CreatedAt   time.Time `bson:"created_at"`
}

// PatientReader reads a patient; *patients.Store is one.
type PatientReader interface {
	ByID(ctx context.Context, id string) (patients.Patient, error)
}

// ChargeBook posts and reverses charges; *billing.Charges is one (the teams' contract).
type ChargeBook interface {
	Post(ctx context.Context, ch billing.Charge) error
	Reverse(ctx context.Context, id, reason, by string) (billing.Charge, error)
	ByID(ctx context.Context, id string) (billing.Charge, error)
}

// OnCallFinder names the doctor on call for a department at a time; *opd.Store is one.
type OnCallFinder interface {
	OnDutyNow(ctx context.Context, dept string, t time.Time) (opd.OnCall, error)
}

// Options are what the lab store needs besides the database and the catalogue.
type Options struct {
	Patients      PatientReader // required
	Charges       ChargeBook    // nil: billing.NewCharges(db)
	OnCall        OnCallFinder  // nil: critical alerts are never escalated to a doctor
	EscalateAfter time.Duration // unacknowledged critical alerts escalate after this; 0: 15 minutes
	// WardChargeNurse names the charge nurse on duty at t on the ward of an admission
	// (username, full name); a ward patient's critical result escalates to them. Nil, or
	// store.ErrNotFound, falls back to the department's on-call doctor.
	WardChargeNurse func(ctx context.Context, admissionID string, t time.Time) (string, string, error)
	Now             func() time.Time
	Logger          *slog.Logger
	Signer          *signing.Signer // signs verified reports and amendments; nil: a throw-away key (tests)
}

// Store reads and writes the laboratory's documents.
type Store struct {
	db                           *store.DB
	cat                          *catalog.Catalog
	pats                         PatientReader
	charges                      ChargeBook
	oncall                       OnCallFinder
	wardNurse                    func(context.Context, string, time.Time) (string, string, error)
	escalateAfter                time.Duration
	now                          func() time.Time
	log                          *slog.Logger
	signer                       *signing.Signer
	orders, samples, byPat, alts store.Coll
	lists                        *worklist.Lists
	wl                           worklistCache
}

// New returns the lab store.
func New(db *store.DB, cat *catalog.Catalog, o Options) *Store {
	if o.Charges == nil {
		o.Charges = billing.NewCharges(db)
	}
	if o.EscalateAfter <= 0 {
		o.EscalateAfter = 15 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Signer == nil {
		o.Signer = signing.Ephemeral()
	}
	return &Store{signer: o.Signer, db: db, cat: cat, pats: o.Patients, charges: o.Charges, oncall: o.OnCall, wardNurse: o.WardChargeNurse, escalateAfter: o.EscalateAfter,
		now: o.Now, log: o.Logger, orders: db.Coll(store.CollLabOrders), samples: db.Coll(store.CollLabSamples),
		byPat: db.Coll(store.CollLabByPatient), alts: db.Coll(store.CollLabAlerts), lists: worklist.New(db)}
}

// EscalateAfter is how long a critical alert may wait for acknowledgement.
func (s *Store) EscalateAfter() time.Duration { return s.escalateAfter }

// Order returns a lab order by its _id.
func (s *Store) Order(ctx context.Context, id string) (Order, error) {
	return byID[Order](ctx, s.orders, id, "lab order")
}

// Sample returns a sample by its accession number.
func (s *Store) Sample(ctx context.Context, accession string) (Sample, error) {
	return byID[Sample](ctx, s.samples, accession, "sample")
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
