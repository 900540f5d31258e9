// Package portal is what a patient reads and changes of their own record. Every function
// takes the signed-in patient's id and binds every query to it, so a request naming
// another patient's visit, invoice or appointment finds nothing (store.ErrNotFound).
package portal

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/audit"
	"hms/store/billing"
	"hms/store/identity"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/patients"
)

// Trail is the audit trail's per-patient view (*audit.Log is one).
type Trail interface {
	ByPatient(ctx context.Context, patientID string, months int) (audit.PatientTrail, error)
}

// Options are the module stores the portal reads through.
type Options struct {
	Patients *patients.Store
	Users    *identity.Users
	OPD      *opd.Store
	Lab      *lab.Store
	Billing  *billing.Desk
	Trail    Trail
	Now      func() time.Time // tests move the clock; time.Now by default
}

// Store is the portal's view of the database.
type Store struct {
	db       *store.DB
	keys     store.Coll
	attempts store.Coll
	o        Options
}

// New returns the portal store over db.
func New(db *store.DB, o Options) *Store {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{db: db, keys: db.Coll(store.CollPortalKeys), attempts: db.Coll(store.CollPortalAttempts), o: o}
}

// own reads the document id of coll into out only when it belongs to patientID. On
// MongoDB the filter holds both; the embedded engine uses its index only for a filter of
// _id alone, so there the owner is compared after the read. Either way the owner is
// checked again on the document read: a foreign document is never returned.
func (s *Store) own(ctx context.Context, coll, id, patientID string, out any) error {
	if id == "" || patientID == "" {
		return store.ErrNotFound
	}
	filter := bson.D{{Key: "_id", Value: id}}
	if !s.db.Embedded {
		filter = append(filter, bson.E{Key: "patient_id", Value: patientID})
	}
	var raw bson.Raw
	err := s.db.R.Collection(coll).FindOne(ctx, filter).Decode(&raw)
	if store.NoDocs(err) {
		return store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: portal %s %s: %w", coll, id, err)
	}
	if owner, ok := raw.Lookup("patient_id").StringValueOK(); !ok || owner != patientID {
		return store.ErrNotFound
	}
	if err := bson.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("store: portal %s %s: %w", coll, id, err)
	}
	return nil
}

// Patient returns the patient's own record.
func (s *Store) Patient(ctx context.Context, patientID string) (patients.Patient, error) {
	if patientID == "" {
		return patients.Patient{}, store.ErrNotFound
	}
	return s.o.Patients.ByID(ctx, patientID)
}
