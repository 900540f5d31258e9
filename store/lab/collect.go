package lab

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
	"hms/store/opd"
)

// Errors of the lab besides store.ErrNotFound, store.ErrInvalid and store.ErrConflict.
var (
	ErrSamePerson = fmt.Errorf("%w: a result must be verified by someone other than the person who entered it", store.ErrInvalid)
	ErrNoPrice    = fmt.Errorf("%w: no price in force for this test; billing must set one first", store.ErrInvalid)
)

// accessionCounter numbers specimens; the number is printed on the label as L0000001.
const accessionCounter = "lab_accession"

// transition is one guarded change of an order's state: allowed from one of from, at the
// version the caller read (0 = any), with set applied and an event recorded.
type transition struct {
	from    []string
	version int64
	set     bson.D
	push    bson.D // extra $push (besides the history event)
	event   opd.Event
}

// move applies t to the order, then its follow-ups. A refused move reports why: the
// order's current state, or ErrConflict when someone else changed it first.
func (s *Store) move(ctx context.Context, id string, t transition) (Order, error) {
	conds := []guard.Cond{guard.In("status", t.from...)}
	if t.version > 0 {
		conds = append(conds, guard.Eq("version", t.version))
	}
	now := s.now().UTC()
	t.event.At = now
	set := append(bson.D{{Key: "updated_at", Value: now}, {Key: "updated_by", Value: t.event.By}, {Key: "pending", Value: true}}, t.set...)
	if t.event.To != "" {
		set = append(set, bson.E{Key: "status", Value: t.event.To})
	}
	push := append(bson.D{{Key: "history", Value: t.event}}, t.push...)
	update := bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}, {Key: "$push", Value: push}}
	var o Order
	ok, err := guard.Update(ctx, s.db, store.CollLabOrders, id, conds, update, &o)
	if err != nil {
		return o, err
	}
	if !ok {
		cur, err := s.Order(ctx, id)
		if err != nil {
			return cur, err
		}
		if t.version > 0 && cur.Version != t.version && slices.Contains(t.from, cur.Status) {
			return cur, fmt.Errorf("%w: %s saved a newer version of this order; yours was not stored", store.ErrConflict, cur.UpdatedBy)
		}
		return cur, fmt.Errorf("%w: the order is %s", store.ErrInvalid, strings.ToLower(StatusLabels[cur.Status]))
	}
	return o, s.followUps(ctx, o)
}

// Collect records the collection of the order's specimen (in the lab or on the ward)
// under a new accession number, and posts the lab charge at the price in force now.
// A ward-collected sample is in transit until the lab receives it.
func (s *Store) Collect(ctx context.Context, id, where, by string) (Order, error) {
	if where != AtLab && where != AtWard {
		return Order{}, fmt.Errorf("%w: collected where? %q", store.ErrInvalid, where)
	}
	o, err := s.Order(ctx, id)
	if err != nil {
		return o, err
	}
	if o.Status != StatusOrdered {
		return o, fmt.Errorf("%w: the order is %s", store.ErrInvalid, strings.ToLower(StatusLabels[o.Status]))
	}
	now := s.now().UTC()
	chargeAt := o.ChargeAt
	if chargeAt.IsZero() { // a recollection keeps the first collection's charge
		chargeAt = now
		if _, err := s.price(ctx, o.ServiceCode, now); err != nil {
			return o, err
		}
	}
	n, err := s.db.Next(ctx, accessionCounter)
	if err != nil {
		return o, err
	}
	acc := fmt.Sprintf("L%07d", n)
	to := StatusReceived
	if where == AtWard {
		to = StatusCollected
	}
	set := bson.D{{Key: "accession", Value: acc}, {Key: "collected_at", Value: now}, {Key: "collected_by", Value: by},
		{Key: "collected_where", Value: where}, {Key: "charge_at", Value: chargeAt}}
	if where == AtLab {
		set = append(set, bson.E{Key: "received_at", Value: now})
	}
	return s.move(ctx, id, transition{from: []string{StatusOrdered}, set: set,
		event: opd.Event{By: by, From: StatusOrdered, To: to, Reason: "accession " + acc + " (" + where + ")"}})
}

// price returns the amount in force at t for a service code.
func (s *Store) price(ctx context.Context, code string, t time.Time) (int64, error) {
	sv, err := s.cat.Service(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return 0, fmt.Errorf("%w (%s)", ErrNoPrice, code)
	}
	if err != nil {
		return 0, err
	}
	amount, ok := sv.PriceAt(t)
	if !ok || !sv.Active {
		return 0, fmt.Errorf("%w (%s)", ErrNoPrice, code)
	}
	return amount, nil
}

// Receive records that the lab holds a ward-collected sample.
func (s *Store) Receive(ctx context.Context, id, by string) (Order, error) {
	return s.move(ctx, id, transition{from: []string{StatusCollected},
		set:   bson.D{{Key: "received_at", Value: s.now().UTC()}},
		event: opd.Event{By: by, From: StatusCollected, To: StatusReceived}})
}

// Start marks a received sample as opened at the bench (scanning its label does it).
func (s *Store) Start(ctx context.Context, id, by string) (Order, error) {
	return s.move(ctx, id, transition{from: []string{StatusReceived}, event: opd.Event{By: by, From: StatusReceived, To: StatusInProgress}})
}

// Reject refuses the current sample with a reason; the order returns for recollection.
func (s *Store) Reject(ctx context.Context, id, reason, by string) (Order, error) {
	reason = strings.ToLower(strings.TrimSpace(reason))
	if !slices.Contains(RejectReasons, reason) {
		return Order{}, fmt.Errorf("%w: choose why the sample is rejected", store.ErrInvalid)
	}
	o, err := s.Order(ctx, id)
	if err != nil {
		return o, err
	}
	from := []string{StatusCollected, StatusReceived, StatusInProgress}
	if !slices.Contains(from, o.Status) {
		return o, fmt.Errorf("%w: the order is %s", store.ErrInvalid, strings.ToLower(StatusLabels[o.Status]))
	}
	rej := Rejection{Accession: o.Accession, Reason: reason, At: s.now().UTC(), By: by}
	o2, err := s.move(ctx, id, transition{from: from, version: o.Version,
		set:   bson.D{{Key: "accession", Value: ""}, {Key: "results", Value: bson.A{}}},
		push:  bson.D{{Key: "rejections", Value: rej}},
		event: opd.Event{By: by, From: o.Status, To: StatusOrdered, Reason: "sample " + o.Accession + " rejected: " + reason}})
	if err != nil {
		return o2, err
	}
	_, err = s.samples.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: rej.Accession}}, bson.D{{Key: "$set", Value: bson.D{{Key: "rejected", Value: reason}}}})
	if err != nil {
		return o2, fmt.Errorf("store: sample %s: %w", rej.Accession, err)
	}
	return o2, nil
}

// Cancel cancels an order, with a reason, until it is resulted; after collection the
// lab charge is reversed.
func (s *Store) Cancel(ctx context.Context, id, reason, by string) (Order, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Order{}, fmt.Errorf("%w: a reason is required to cancel an order", store.ErrInvalid)
	}
	o, err := s.move(ctx, id, transition{from: []string{StatusOrdered, StatusCollected, StatusReceived, StatusInProgress},
		set:   bson.D{{Key: "cancel_reason", Value: reason}},
		event: opd.Event{By: by, To: StatusCancelled, Reason: reason}})
	if err != nil && o.Status == StatusCancelled {
		return o, opd.ErrAlreadyDone
	}
	return o, err
}
