package lab

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// maxPatientResults caps a patient's bucket: the chart shows the newest, the oldest drop off
// (they stay on their orders).
const maxPatientResults = 400

// PatientResult is one released result as the chart, the consultation and the delta check read it.
type PatientResult struct {
	OrderID  string    `bson:"order_id"`
	Code     string    `bson:"code"`
	Name     string    `bson:"name"`
	Panel    string    `bson:"panel,omitempty"` // the ordered panel's name
	Value    string    `bson:"value"`
	Num      *float64  `bson:"num,omitempty"`
	Unit     string    `bson:"unit,omitempty"`
	Range    string    `bson:"range,omitempty"`
	Flag     string    `bson:"flag,omitempty"`
	Status   string    `bson:"status"` // preliminary, verified
	Amended  bool      `bson:"amended,omitempty"`
	At       time.Time `bson:"at"` // collected
	Released time.Time `bson:"released"`
}

type patientBucket struct {
	ID      string          `bson:"_id"`
	Version int64           `bson:"version"`
	Items   []PatientResult `bson:"items"`
}

// PatientResults returns a patient's released results, newest first (one read by _id).
func (s *Store) PatientResults(ctx context.Context, patientID string) ([]PatientResult, error) {
	var b patientBucket
	err := s.byPat.R.FindOne(ctx, bson.D{{Key: "_id", Value: patientID}}).Decode(&b)
	if store.NoDocs(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: lab results of %s: %w", patientID, err)
	}
	return b.Items, nil
}

// Previous returns the newest released result of test code from another order than exclude.
func Previous(items []PatientResult, code, exclude string) (PatientResult, bool) {
	for _, it := range items {
		if it.Code == code && it.OrderID != exclude {
			return it, true
		}
	}
	return PatientResult{}, false
}

// publish puts a released order's results into the patient's bucket, replacing what the
// order had there: re-applying it changes nothing.
func (s *Store) publish(ctx context.Context, o Order) error {
	fresh := make([]PatientResult, 0, len(o.Results))
	for _, r := range o.Results {
		fresh = append(fresh, PatientResult{OrderID: o.ID, Code: r.Code, Name: r.Name, Value: r.Value, Num: r.Num, Unit: r.Unit,
			Range: r.Range, Flag: r.Flag, Status: o.Status, Amended: len(o.Amendments) > 0, At: o.CollectedAt, Released: o.ReleasedAt})
		if o.Code != r.Code {
			fresh[len(fresh)-1].Panel = o.TestName
		}
	}
	for attempt := 0; attempt < 20; attempt++ {
		var b patientBucket
		err := s.byPat.R.FindOne(ctx, bson.D{{Key: "_id", Value: o.PatientID}}).Decode(&b)
		if store.NoDocs(err) {
			_, err := s.byPat.W.InsertOne(ctx, patientBucket{ID: o.PatientID, Version: 1, Items: fresh})
			if err == nil {
				return s.putLatest(ctx, o.PatientID, 1, fresh)
			}
			if !store.IsDuplicate(err) {
				return fmt.Errorf("store: lab results of %s: %w", o.PatientID, err)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("store: lab results of %s: %w", o.PatientID, err)
		}
		items := slices.DeleteFunc(b.Items, func(it PatientResult) bool { return it.OrderID == o.ID })
		items = append(fresh, items...)
		slices.SortStableFunc(items, func(a, b PatientResult) int { return b.At.Compare(a.At) })
		if len(items) > maxPatientResults {
			items = items[:maxPatientResults]
		}
		ok, err := guard.Update(ctx, s.db, store.CollLabByPatient, o.PatientID, []guard.Cond{guard.Eq("version", b.Version)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "items", Value: items}, {Key: "version", Value: b.Version + 1}}}}, nil)
		if err != nil {
			return err
		}
		if ok {
			return s.putLatest(ctx, o.PatientID, b.Version+1, items)
		}
	}
	return fmt.Errorf("%w: lab results of %s", store.ErrConflict, o.PatientID)
}

// latestDoc is the newest released result of each test a patient had (latest:<patient>),
// derived from the bucket: the delta check at result entry reads a few dozen small
// entries instead of the patient's whole history.
type latestDoc struct {
	ID      string          `bson:"_id"`
	Version int64           `bson:"version"` // the bucket version it was derived from
	Items   []PatientResult `bson:"items"`
}

// LatestID is the _id of a patient's latest-results document.
func LatestID(patientID string) string { return "latest:" + patientID }

// Latest returns the newest result of each test in items (newest first).
func Latest(items []PatientResult) []PatientResult {
	seen := map[string]bool{}
	var out []PatientResult
	for _, it := range items {
		if !seen[it.Code] {
			seen[it.Code] = true
			out = append(out, it)
		}
	}
	return out
}

// putLatest stores the per-test latest results of bucket version v, unless a newer
// version's are already stored.
func (s *Store) putLatest(ctx context.Context, patientID string, v int64, items []PatientResult) error {
	id := LatestID(patientID)
	latest := Latest(items)
	_, err := s.byPat.W.InsertOne(ctx, latestDoc{ID: id, Version: v, Items: latest})
	if err == nil || !store.IsDuplicate(err) {
		return err
	}
	_, err = guard.Update(ctx, s.db, store.CollLabByPatient, id, []guard.Cond{guard.Below("version", v+1)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "items", Value: latest}, {Key: "version", Value: v}}}}, nil)
	return err
}

// PreviousResults returns, for the delta check of order, the newest released result of
// each test from other orders: from the small latest-results document, or — when the
// order itself is the newest (an amendment) — from the patient's whole bucket.
func (s *Store) PreviousResults(ctx context.Context, patientID, orderID string) ([]PatientResult, error) {
	var d latestDoc
	err := s.byPat.R.FindOne(ctx, bson.D{{Key: "_id", Value: LatestID(patientID)}}).Decode(&d)
	if store.NoDocs(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: latest lab results of %s: %w", patientID, err)
	}
	if slices.ContainsFunc(d.Items, func(it PatientResult) bool { return it.OrderID == orderID }) {
		return s.PatientResults(ctx, patientID)
	}
	return d.Items, nil
}
