package lab

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/signing"
)

// FieldErrors maps a test code to why its entered value was refused.
type FieldErrors map[string]string

func (fe FieldErrors) Error() string { return fmt.Sprintf("lab: %d result(s) refused", len(fe)) }

// Tests returns the tests whose results an order reports: a panel's members, or the test itself.
func (s *Store) Tests(ctx context.Context, o Order) ([]catalog.LabTest, error) {
	t, err := s.cat.LabTest(ctx, o.Code)
	if err != nil {
		return nil, err
	}
	if !t.IsPanel() {
		return []catalog.LabTest{t}, nil
	}
	out := make([]catalog.LabTest, 0, len(t.Components))
	for _, code := range t.Components {
		m, err := s.cat.LabTest(ctx, code)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// check parses the entered values (test code → text) against the order's tests, flags
// them for the patient's age and sex, and adds the patient's previous value of each.
// Any refused value gives FieldErrors and nothing else.
func (s *Store) check(ctx context.Context, o Order, values map[string]string) ([]Result, error) {
	tests, err := s.Tests(ctx, o)
	if err != nil {
		return nil, err
	}
	p, err := s.pats.ByID(ctx, o.PatientID)
	if err != nil {
		return nil, err
	}
	age := AgeYears(p.DOB, s.now())
	prev, err := s.PreviousResults(ctx, o.PatientID, o.ID)
	if err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	out := make([]Result, 0, len(tests))
	for _, t := range tests {
		r, err := Parse(t, values[t.Code], p.Sex, age)
		if err != nil {
			fe[t.Code] = strings.TrimPrefix(err.Error(), ErrValue.Error()+": ")
			continue
		}
		if last, ok := Previous(prev, t.Code, o.ID); ok {
			r.Prev = last.Value + " " + last.Unit + " (" + last.At.Format("2 Jan 2006") + ")"
			r.Prev = strings.Replace(r.Prev, "  (", " (", 1)
			if r.Num != nil && last.Num != nil {
				r.Delta = fmt.Sprintf("%+g", roundTo(*r.Num-*last.Num, 3))
			}
		}
		out = append(out, r)
	}
	if len(fe) > 0 {
		return nil, fe
	}
	return out, nil
}

func roundTo(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	if v < 0 {
		return -float64(int64(-v*p+0.5)) / p
	}
	return float64(int64(v*p+0.5)) / p
}

// EnterResults stores the results of an order whose sample the lab holds, replacing
// unverified results entered before. version is the order's version the technician
// saw: if someone saved in between, nothing is stored and ErrConflict says who did.
func (s *Store) EnterResults(ctx context.Context, id string, version int64, values map[string]string, by, byName string) (Order, error) {
	o, err := s.Order(ctx, id)
	if err != nil {
		return o, err
	}
	from := []string{StatusReceived, StatusInProgress, StatusResulted}
	results, err := s.check(ctx, o, values)
	if err != nil {
		return o, err
	}
	return s.move(ctx, id, transition{from: from, version: version,
		set: bson.D{{Key: "results", Value: results}, {Key: "entered_by", Value: by}, {Key: "entered_by_name", Value: byName},
			{Key: "entered_at", Value: s.now().UTC()}},
		event: opd.Event{By: by, From: o.Status, To: StatusResulted}})
}

// ReleasePreliminary releases an urgent or STAT result before a second person has
// verified it (a night with one person on duty). It shows as "preliminary, not verified"
// until a pathologist verifies it.
func (s *Store) ReleasePreliminary(ctx context.Context, id string, version int64, by string) (Order, error) {
	o, err := s.Order(ctx, id)
	if err != nil {
		return o, err
	}
	if o.Priority != opd.PriorityUrgent && o.Priority != opd.PrioritySTAT {
		return o, fmt.Errorf("%w: only urgent and STAT results may be released before verification", store.ErrInvalid)
	}
	now := s.now().UTC()
	return s.move(ctx, id, transition{from: []string{StatusResulted}, version: version,
		set:   bson.D{{Key: "released_at", Value: now}, {Key: "released_by", Value: by}},
		event: opd.Event{By: by, From: StatusResulted, To: StatusPreliminary, Reason: "released before verification"}})
}

// Verify verifies and releases an order's results. The verifier must not be the person
// who entered them; afterwards the results are read-only (Amend corrects them).
// The report is signed with the server's key as the verifier (role: how their role reads).
func (s *Store) Verify(ctx context.Context, id string, version int64, by, byName, role string) (Order, error) {
	o, err := s.Order(ctx, id)
	if err != nil {
		return o, err
	}
	if version == 0 { // the signature covers the results read here: the write must find them unchanged
		version = o.Version
	}
	if o.Version == version && o.EnteredBy == by {
		return o, ErrSamePerson
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	sig, err := s.signer.Sign(signing.KindLabReport, o.ID, ReportContent(o), signing.Person{ID: by, Name: byName, Role: role}, now)
	if err != nil {
		return o, err
	}
	set := bson.D{{Key: "verified_by", Value: by}, {Key: "verified_by_name", Value: byName}, {Key: "verified_at", Value: now},
		{Key: "signature", Value: sig}}
	if o.ReleasedAt.IsZero() {
		set = append(set, bson.E{Key: "released_at", Value: now}, bson.E{Key: "released_by", Value: by})
	}
	// The version guard makes the entered_by check hold: the results checked are the stored ones.
	return s.move(ctx, id, transition{from: []string{StatusResulted, StatusPreliminary}, version: version, set: set,
		event: opd.Event{By: by, From: o.Status, To: StatusVerified}})
}

// Amend corrects released results with a reason; the results they replace are kept in
// the order's amendments. The amending pathologist signs the corrected report.
// The corrected report and the amendment are each signed as the amending pathologist.
func (s *Store) Amend(ctx context.Context, id string, version int64, values map[string]string, reason, by, byName, role string) (Order, error) {
	reason = strings.TrimSpace(reason)
	o, err := s.Order(ctx, id)
	if err != nil {
		return o, err
	}
	results, err := s.check(ctx, o, values)
	var fe FieldErrors
	if reason == "" {
		if !errors.As(err, &fe) {
			fe = FieldErrors{}
		}
		fe["reason"] = "a reason is required to amend a released result"
		return o, fe
	}
	if err != nil {
		return o, err
	}
	if version == 0 {
		version = o.Version
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	who := signing.Person{ID: by, Name: byName, Role: role}
	am := Amendment{At: now, By: by, ByName: byName, Reason: reason, Previous: o.Results}
	n := len(o.Amendments) + 1
	amSig, err := s.signer.Sign(signing.KindLabAmendment, AmendmentID(o.ID, n), AmendmentContent(o.ID, n, am), who, now)
	if err != nil {
		return o, err
	}
	am.Signature = &amSig
	o.Results = results
	sig, err := s.signer.Sign(signing.KindLabReport, o.ID, ReportContent(o), who, now)
	if err != nil {
		return o, err
	}
	return s.move(ctx, id, transition{from: []string{StatusVerified, StatusPreliminary}, version: version,
		set: bson.D{{Key: "results", Value: results}, {Key: "verified_by", Value: by}, {Key: "verified_by_name", Value: byName},
			{Key: "verified_at", Value: now}, {Key: "signature", Value: sig}},
		push:  bson.D{{Key: "amendments", Value: am}},
		event: opd.Event{By: by, From: o.Status, To: StatusVerified, Reason: "amended: " + reason}})
}
