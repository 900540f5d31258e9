package lab

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
	"hms/store/worklist"
)

// Critical alerts live in lab_alerts (one document each, with every step) and are shown
// from small worklists: every open alert on alertsOpen (the escalation sweep reads it),
// and each person's on alertsOf(username).
const (
	alertsOpen       = "lab-alerts:open"
	AlertsUnassigned = "lab-alerts:unassigned" // escalated with nobody on call: the lab must phone
	kindCritical     = "lab-critical"
)

func alertsOf(username string) string { return "lab-alerts:" + username }

// Alert states.
const (
	AlertOpen         = "open"
	AlertAcknowledged = "acknowledged"
)

// Alert is the notification of critical results to the ordering doctor, closed by an
// acknowledgement (on screen, or a telephoned result read back).
type Alert struct {
	ID          string    `bson:"_id"` // crit:<order>:<amendments so far>
	OrderID     string    `bson:"order_id"`
	PatientID   string    `bson:"patient_id"`
	MRN         string    `bson:"mrn"`
	Name        string    `bson:"name"`
	Test        string    `bson:"test"`
	Values      string    `bson:"values"` // "Glucose, fasting 520 mg/dL (HH)"
	Doctor      string    `bson:"doctor"`
	DoctorName  string    `bson:"doctor_name"`
	Department  string    `bson:"department"`
	Source      string    `bson:"source,omitempty"`    // opd, ipd, er
	Encounter   string    `bson:"encounter,omitempty"` // the visit or admission
	RaisedAt    time.Time `bson:"raised_at"`
	DueAt       time.Time `bson:"due_at"` // escalates when still open then
	Status      string    `bson:"status"`
	EscalatedTo []string  `bson:"escalated_to,omitempty"`
	EscalatedAt time.Time `bson:"escalated_at,omitempty"`
	Seen        []string  `bson:"seen,omitempty"`
	AckBy       string    `bson:"ack_by,omitempty"`
	AckAt       time.Time `bson:"ack_at,omitempty"`
	ReadBack    *ReadBack `bson:"read_back,omitempty"`
	Steps       []Step    `bson:"steps"`
	Version     int64     `bson:"version"`
}

// ReadBack is a critical result telephoned by the lab and read back by the receiver.
type ReadBack struct {
	CalledBy   string `bson:"called_by"`   // the lab user who phoned
	ReceivedBy string `bson:"received_by"` // who took the call (name, role)
	ReadBack   bool   `bson:"read_back"`   // the receiver read the values back correctly
}

// Step is one recorded step of an alert: raised, seen, escalated, acknowledged.
type Step struct {
	At   time.Time `bson:"at"`
	By   string    `bson:"by"`
	What string    `bson:"what"`
	Note string    `bson:"note,omitempty"`
}

// AlertID is the id of the alert for an order's results after n amendments.
func AlertID(orderID string, n int) string { return "crit:" + orderID + ":" + strconv.Itoa(n) }

// Alert returns one alert.
func (s *Store) Alert(ctx context.Context, id string) (Alert, error) {
	return byID[Alert](ctx, s.alts, id, "alert")
}

// AlertsFor returns the open alerts shown to a user, and the list's version (a poll fingerprint).
func (s *Store) AlertsFor(ctx context.Context, username string) ([]worklist.Item, int64, error) {
	return s.lists.Items(ctx, alertsOf(username))
}

// Unassigned returns escalated alerts that found nobody on call.
func (s *Store) Unassigned(ctx context.Context) ([]worklist.Item, error) {
	items, _, err := s.lists.Items(ctx, AlertsUnassigned)
	return items, err
}

// raise records the alert for a released order's critical results (once per release
// of a set of results) and shows it to the ordering doctor.
func (s *Store) raise(ctx context.Context, o Order) error {
	var vals []string
	for _, r := range o.Results {
		if r.Critical() {
			vals = append(vals, strings.TrimSpace(r.Name+" "+r.Value+" "+r.Unit)+" ("+r.Flag+")")
		}
	}
	by := o.VerifiedBy
	if by == "" {
		by = o.ReleasedBy
	}
	at := o.ReleasedAt
	if len(o.Amendments) > 0 {
		at = o.VerifiedAt
	}
	a := Alert{ID: AlertID(o.ID, len(o.Amendments)), OrderID: o.ID, PatientID: o.PatientID, MRN: o.MRN, Name: o.Name,
		Test: o.TestName, Values: strings.Join(vals, "; "), Doctor: o.Doctor, DoctorName: o.DoctorName, Department: o.Department,
		Source: o.Source, Encounter: o.VisitID, RaisedAt: at, DueAt: at.Add(s.escalateAfter), Status: AlertOpen, Version: 1,
		Steps: []Step{{At: at, By: by, What: "raised", Note: "to " + o.DoctorName}}}
	if _, err := s.alts.W.InsertOne(ctx, a); err != nil && !store.IsDuplicate(err) {
		return fmt.Errorf("store: alert %s: %w", a.ID, err)
	}
	cur, err := s.Alert(ctx, a.ID)
	if err != nil || cur.Status != AlertOpen {
		return err // acknowledged already: nothing to show
	}
	it := alertItem(cur)
	if err := s.lists.Add(ctx, alertsOpen, it); err != nil {
		return err
	}
	return s.lists.Add(ctx, alertsOf(cur.Doctor), it)
}

func alertItem(a Alert) worklist.Item {
	summary := a.Values // "Glucose, fasting 520 mg/dL (HH)"; a panel's name goes first: "CBC: Haemoglobin 5.9 g/dL (LL)"
	if !strings.HasPrefix(a.Values, a.Test) {
		summary = a.Test + ": " + a.Values
	}
	return worklist.Item{ID: a.ID, Kind: kindCritical, Ref: a.OrderID, PatientID: a.PatientID, MRN: a.MRN, Name: a.Name,
		Where: a.DoctorName, Priority: worklist.PriorityStat, Status: AlertOpen, Summary: summary,
		At: a.RaisedAt, Due: a.DueAt}
}

// MarkSeen records the first time a user saw the alert on a screen.
func (s *Store) MarkSeen(ctx context.Context, id, username string) error {
	a, err := s.Alert(ctx, id)
	if err != nil || slices.Contains(a.Seen, username) {
		return err
	}
	_, err = guard.Update(ctx, s.db, store.CollLabAlerts, id, []guard.Cond{guard.Eq("version", a.Version)},
		bson.D{{Key: "$addToSet", Value: bson.D{{Key: "seen", Value: username}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
			{Key: "$push", Value: bson.D{{Key: "steps", Value: Step{At: s.now().UTC(), By: username, What: "seen"}}}}}, nil)
	return err // a concurrent change means someone else recorded a step; the next view records this one
}

// Acknowledge closes an alert: on screen by the ordering doctor or the one it escalated
// to, or — with rb — a telephoned result read back, recorded by the lab user who called.
func (s *Store) Acknowledge(ctx context.Context, id, by string, rb *ReadBack) (Alert, error) {
	a, err := s.Alert(ctx, id)
	if err != nil {
		return a, err
	}
	step := Step{At: s.now().UTC(), By: by, What: "acknowledged"}
	set := bson.D{{Key: "status", Value: AlertAcknowledged}, {Key: "ack_by", Value: by}, {Key: "ack_at", Value: step.At}}
	if rb != nil {
		rb.ReceivedBy, rb.CalledBy = strings.TrimSpace(rb.ReceivedBy), by
		if rb.ReceivedBy == "" || !rb.ReadBack {
			return a, fmt.Errorf("%w: a telephoned result counts only when the receiver is named and read it back", store.ErrInvalid)
		}
		step.What, step.Note = "acknowledged by telephone read-back", "received by "+rb.ReceivedBy
		set = append(set, bson.E{Key: "read_back", Value: rb})
	} else if by != a.Doctor && !slices.Contains(a.EscalatedTo, by) {
		return a, fmt.Errorf("%w: only the ordering doctor or the one it was escalated to can acknowledge on screen", store.ErrInvalid)
	}
	var out Alert
	ok, err := guard.Update(ctx, s.db, store.CollLabAlerts, id, []guard.Cond{guard.Eq("status", AlertOpen)},
		bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
			{Key: "$push", Value: bson.D{{Key: "steps", Value: step}}}}, &out)
	if err != nil {
		return a, err
	}
	if !ok {
		return a, fmt.Errorf("%w: this alert was already acknowledged", store.ErrInvalid)
	}
	return out, s.closeLists(ctx, out)
}

// closeLists takes an acknowledged alert off every screen.
func (s *Store) closeLists(ctx context.Context, a Alert) error {
	names := []string{alertsOpen, AlertsUnassigned, alertsOf(a.Doctor)}
	for _, u := range a.EscalatedTo {
		names = append(names, alertsOf(u))
	}
	for _, n := range names {
		if err := s.lists.Remove(ctx, n, a.ID); err != nil {
			return err
		}
	}
	return nil
}

// Escalate sends every open alert past its time to the department's on-call doctor from
// the roster (or, with nobody on call, to the lab's unassigned list, so the lab phones).
// It runs on a timer and whenever a board of alerts is read; running it again is harmless.
func (s *Store) Escalate(ctx context.Context) (int, error) {
	items, _, err := s.lists.Items(ctx, alertsOpen)
	if err != nil {
		return 0, err
	}
	now := s.now()
	n := 0
	for _, it := range items {
		if it.Status != AlertOpen || it.Due.After(now) {
			continue
		}
		if err := s.escalate(ctx, it.ID, now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Store) escalate(ctx context.Context, id string, now time.Time) error {
	a, err := s.Alert(ctx, id)
	if err != nil {
		return err
	}
	if a.Status != AlertOpen {
		return s.closeLists(ctx, a)
	}
	list, target, note := AlertsUnassigned, "", "nobody on call for "+a.Department+": the lab must telephone"
	if a.Source == "ipd" && s.wardNurse != nil { // a ward patient: the ward's charge nurse on duty
		user, name, err := s.wardNurse(ctx, a.Encounter, now)
		switch {
		case err == nil && user != "":
			list, target, note = alertsOf(user), user, "to "+name+", charge nurse of the ward"
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	if target == "" && s.oncall != nil {
		oc, err := s.oncall.OnDutyNow(ctx, a.Department, now)
		switch {
		case err == nil:
			list, target, note = alertsOf(oc.Doctor), oc.Doctor, "to "+oc.DoctorName+", on call for "+a.Department
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	if a.EscalatedAt.IsZero() {
		set := bson.D{{Key: "escalated_at", Value: now.UTC()}}
		upd := bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
			{Key: "$push", Value: bson.D{{Key: "steps", Value: Step{At: now.UTC(), By: "system", What: "escalated", Note: note}}}}}
		if target != "" {
			upd = append(upd, bson.E{Key: "$addToSet", Value: bson.D{{Key: "escalated_to", Value: target}}})
		} else {
			set = append(set, bson.E{Key: "escalated_to", Value: bson.A{}})
			upd[0] = bson.E{Key: "$set", Value: set}
		}
		ok, err := guard.Update(ctx, s.db, store.CollLabAlerts, id, []guard.Cond{guard.Eq("version", a.Version), guard.Eq("status", AlertOpen)}, upd, &a)
		if err != nil || !ok {
			return err // changed meanwhile: the next sweep looks again
		}
	}
	it := alertItem(a)
	it.Status = "escalated"
	if err := s.lists.Add(ctx, list, it); err != nil {
		return err
	}
	return s.lists.Update(ctx, alertsOpen, id, func(x *worklist.Item) { x.Status = "escalated" })
}
