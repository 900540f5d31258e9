package pharmacy

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/guard"
)

// ReturnLine takes back qty unopened units of a dispense line into the same batch, with a
// reason. The line is the source of truth: one guarded write records the return (never
// more than was dispensed and not yet returned, however often it is sent); then the stock
// goes back, the charge is reversed and the kept quantity charged under a new id, and the
// order's count is reduced. A charge already billed is left for billing's credit note.
func (s *Store) ReturnLine(ctx context.Context, lineID string, qty int64, reason, by string) (Line, error) {
	reason, err := cleanText("reason", reason, 200, true)
	if err != nil {
		return Line{}, err
	}
	if qty < 1 {
		return Line{}, fmt.Errorf("%w: the quantity returned is a whole number from 1", store.ErrInvalid)
	}
	for attempt := 0; attempt < 50; attempt++ {
		l, err := s.Line(ctx, lineID)
		if err != nil {
			return l, err
		}
		if left := l.Qty - l.Returned; qty > left {
			return l, fmt.Errorf("%w: only %d of this line may be returned", store.ErrInvalid, left)
		}
		r := Return{N: len(l.Returns) + 1, Qty: qty, Reason: reason, By: by, At: s.now().UTC()}
		status := LineDispensed
		if l.Returned+qty == l.Qty {
			status = LineReturned
		}
		var after Line
		ok, err := guard.Update(ctx, s.db, store.CollDispenseLines, l.ID, []guard.Cond{guard.Eq("returned", l.Returned)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "returned", Value: l.Returned + qty}, {Key: "status", Value: status},
				{Key: "updated_at", Value: r.At}, {Key: "updated_by", Value: by}}},
				{Key: "$push", Value: bson.D{{Key: "returns", Value: r}}}}, &after)
		if err != nil {
			return l, err
		}
		if ok {
			return s.finishReturn(ctx, after, r)
		}
	}
	return Line{}, fmt.Errorf("%w: dispense line %s", store.ErrConflict, lineID)
}

// returnMove is the ledger movement of a line's n-th return.
func returnMove(lineID string, n int) string { return fmt.Sprintf("ret:%s:%d", lineID, n) }

// finishReturn writes a recorded return's follow-ups (each idempotent) and marks it done.
func (s *Store) finishReturn(ctx context.Context, l Line, r Return) (Line, error) {
	key := returnMove(l.ID, r.N)
	if _, err := s.move(ctx, l.BatchID, movement{ID: key, Kind: MoveReturn, Qty: r.Qty, Ref: l.ID,
		Reason: "returned: " + r.Reason, AllowExpired: true, Since: r.At}, r.By); err != nil {
		return l, err
	}
	note, chargeID := "", l.ChargeID
	kept := l.Qty - l.Returned
	next := fmt.Sprintf("%s:r%d", ChargeID(l.ID), r.N)
	if l.ChargeID != next {
		_, err := s.charges.Reverse(ctx, l.ChargeID, fmt.Sprintf("%d returned to pharmacy: %s", r.Qty, r.Reason), r.By)
		cur, gerr := s.charges.ByID(ctx, l.ChargeID)
		switch {
		case gerr != nil:
			return l, gerr
		case cur.Status == billing.ChargeReversed:
			if kept > 0 {
				if err := s.postCharge(ctx, l, next, kept); err != nil {
					return l, err
				}
				chargeID = next
			} else {
				chargeID = ""
			}
		case cur.Status == billing.ChargeBilled:
			note = "charge already billed: billing issues a credit note for the returned units"
		case err != nil && !errors.Is(err, store.ErrInvalid):
			return l, err
		}
	}
	if err := s.unsupply(ctx, l.SupplyID, key, r.Qty); err != nil {
		return l, err
	}
	var after Line
	_, err := s.lines.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: l.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "charge_id", Value: chargeID}, {Key: fmt.Sprintf("returns.%d.done", r.N-1), Value: true},
		{Key: fmt.Sprintf("returns.%d.note", r.N-1), Value: note}}}})
	if err != nil {
		return l, fmt.Errorf("store: dispense line %s: %w", l.ID, err)
	}
	if after, err = s.Line(ctx, l.ID); err != nil {
		return l, err
	}
	return after, s.refreshItem(ctx, l.ItemID)
}
