// Package retention keeps how long each class of record is kept, and the purge that
// deletes what is past it. Clinical and financial records are not in it: they are kept
// for the legally required period and never deleted by this job (DESIGN rule 6).
package retention

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// MinAuditYears is the shortest audit retention allowed: HIPAA keeps compliance
// documentation six years (45 CFR 164.316(b)(2)).
const MinAuditYears = 6

// Settings are the retention periods, as the admin edits them.
type Settings struct {
	AuditYears       int       `bson:"audit_years"`        // audit trail: kept, never purged (see Purge)
	SessionDays      int       `bson:"session_days"`       // session records, counted from their expiry
	LoginAttemptDays int       `bson:"login_attempt_days"` // failed-login counters, from the last failure
	QueueDays        int       `bson:"queue_days"`         // closed OPD queue boards, from their day
	UpdatedAt        time.Time `bson:"updated_at,omitempty"`
	UpdatedBy        string    `bson:"updated_by,omitempty"`
}

// Defaults apply until an administrator saves settings.
var Defaults = Settings{AuditYears: MinAuditYears, SessionDays: 30, LoginAttemptDays: 30, QueueDays: 90}

// FieldErrors maps a setting's bson name to what is wrong with it.
type FieldErrors map[string]string

func (e FieldErrors) Error() string { return store.ErrInvalid.Error() + ": retention settings" }
func (e FieldErrors) Unwrap() error { return store.ErrInvalid }

// Check returns the settings' errors, or nil.
func (s Settings) Check() error {
	errs := FieldErrors{}
	if s.AuditYears < MinAuditYears {
		errs["audit_years"] = fmt.Sprintf("The audit trail must be kept at least %d years (HIPAA).", MinAuditYears)
	} else if s.AuditYears > 100 {
		errs["audit_years"] = "At most 100 years."
	}
	days := func(field string, n int) {
		if n < 1 || n > 3650 {
			errs[field] = "Between 1 and 3650 days."
		}
	}
	days("session_days", s.SessionDays)
	days("login_attempt_days", s.LoginAttemptDays)
	days("queue_days", s.QueueDays)
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Store reads and writes the settings and runs the purge.
type Store struct {
	db *store.DB
	c  store.Coll
}

// New returns the retention store.
func New(db *store.DB) *Store { return &Store{db: db, c: db.Coll(store.CollRetention)} }

const settingsID = "retention"

// Settings returns the saved settings, or the defaults when none were saved.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	var out Settings
	err := s.c.R.FindOne(ctx, bson.D{{Key: "_id", Value: settingsID}}).Decode(&out)
	if store.NoDocs(err) {
		return Defaults, nil
	}
	if err != nil {
		return out, fmt.Errorf("store: retention settings: %w", err)
	}
	return out, nil
}

// Save stores valid settings; invalid ones give FieldErrors and nothing is stored.
func (s *Store) Save(ctx context.Context, set Settings, by string) (Settings, error) {
	if err := set.Check(); err != nil {
		return set, err
	}
	set.UpdatedAt, set.UpdatedBy = time.Now().UTC(), by
	_, err := s.c.W.ReplaceOne(ctx, bson.D{{Key: "_id", Value: settingsID}}, set, options.Replace().SetUpsert(true))
	if err != nil {
		return set, fmt.Errorf("store: save retention settings: %w", err)
	}
	return set, nil
}
