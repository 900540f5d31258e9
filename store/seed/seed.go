// Package seed loads a demo hospital — departments, wards and beds, the price list,
// the drug formulary, the lab catalogue, payers, one staff account per role and a few
// registered patients — into an empty
// database, so that a fresh install can be tried at once.
package seed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/catalog"
	"hms/store/identity"
	"hms/store/ipd"
	"hms/store/opd"
	"hms/store/patients"
)

// DemoPassword is the password of every demo account (documented in the README; demo only).
const DemoPassword = "Demo-Hospital-2026"

// by is recorded as the creator of every seeded document.
const by = "seed"

// priceFrom is when every seeded price comes into force.
var priceFrom = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// markerID is the counters document that records the demo seed: started, then done.
const markerID = "seed:demo"

// Demo loads the demo hospital into an empty database. It reports whether it loaded anything.
// A marker document records that the seed started and finished, so a seed that stopped
// half-way is completed by the next run (documents already stored are left as they are),
// and a database that holds real users without the marker is never touched.
func Demo(ctx context.Context, db *store.DB, pats *patients.Store, log *slog.Logger) (bool, error) {
	if log == nil {
		log = slog.Default()
	}
	markers := db.Coll(store.CollCounters)
	var marker struct {
		Done bool `bson:"done"`
	}
	err := markers.R.FindOne(ctx, bson.D{{Key: "_id", Value: markerID}}).Decode(&marker)
	switch {
	case err == nil && marker.Done:
		return false, nil
	case store.NoDocs(err):
		n, err := identity.NewUsers(db).Count(ctx)
		if err != nil {
			return false, fmt.Errorf("seed: count users: %w", err)
		}
		if n > 0 {
			return false, nil
		}
		if _, err := markers.W.InsertOne(ctx, bson.D{{Key: "_id", Value: markerID}, {Key: "done", Value: false}}); err != nil && !store.IsDuplicate(err) {
			return false, fmt.Errorf("seed: marker: %w", err)
		}
	case err != nil:
		return false, fmt.Errorf("seed: marker: %w", err)
	}
	log.Info("seed: loading the demo hospital")
	cat := catalog.New(db)
	steps := []struct {
		what string
		load func(context.Context) (int, error)
	}{
		{"departments", func(ctx context.Context) (int, error) { return departments(ctx, cat) }},
		{"wards and beds", func(ctx context.Context) (int, error) { return wards(ctx, cat) }},
		{"price list", func(ctx context.Context) (int, error) { return prices(ctx, cat) }},
		{"drug formulary", func(ctx context.Context) (int, error) { return drugs(ctx, cat) }},
		{"pharmacy stock and interactions", func(ctx context.Context) (int, error) { return pharmacyStock(ctx, db, cat) }},
		{"lab catalogue", func(ctx context.Context) (int, error) { return labTests(ctx, cat) }},
		{"payers", func(ctx context.Context) (int, error) { return payers(ctx, cat) }},
		{"staff accounts", func(ctx context.Context) (int, error) { return staff(ctx, identity.NewUsers(db)) }},
		{"OPD profiles and schedules", func(ctx context.Context) (int, error) {
			return opdProfiles(ctx, opd.New(db, cat, opd.Options{Patients: pats, Logger: log}), departmentOf)
		}},
		{"patients", func(ctx context.Context) (int, error) { return demoPatients(ctx, pats) }},
		{"ward admissions", func(ctx context.Context) (int, error) {
			o := opd.New(db, cat, opd.Options{Patients: pats, Logger: log})
			return admissions(ctx, ipd.New(db, cat, ipd.Options{Patients: pats, OPD: o, Logger: log}), pats)
		}},
	}
	for _, s := range steps {
		n, err := s.load(ctx)
		if err != nil {
			return false, err
		}
		log.Info("seed: loaded", "what", s.what, "count", n)
	}
	_, err = markers.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: markerID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: true}}}})
	if err != nil {
		return false, fmt.Errorf("seed: marker: %w", err)
	}
	return true, nil
}

// put runs one insert and treats "already stored" as done, so a crashed seed can be re-run.
func put(what, key string, err error) error {
	if err == nil || errors.Is(err, store.ErrDuplicate) {
		return nil
	}
	return fmt.Errorf("seed: %s %s: %w", what, key, err)
}

// rupees converts whole rupees to paise, the unit every amount is stored in.
func rupees(r int64) int64 { return r * 100 }
