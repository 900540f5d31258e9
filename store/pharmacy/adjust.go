package pharmacy

import (
	"context"
	"fmt"
	"slices"

	"hms/store"
)

// Adjustment reasons.
const (
	AdjDamage     = "damage"
	AdjExpiry     = "expiry write-off"
	AdjCount      = "count correction"
	AdjOtherCause = "other"
)

// AdjustReasons are the reasons an adjustment may give, in the order forms offer them.
var AdjustReasons = []string{AdjCount, AdjDamage, AdjExpiry, AdjOtherCause}

// Adjust changes a batch's balance by qty (negative to write off) with a reason and a
// note; the balance never goes below zero. It returns the batch after the change.
func (s *Store) Adjust(ctx context.Context, batchID string, qty int64, reason, note, by string) (Batch, error) {
	note, err := cleanText("note", note, 200, reason == AdjOtherCause)
	switch {
	case err != nil:
		return Batch{}, err
	case !slices.Contains(AdjustReasons, reason):
		return Batch{}, fmt.Errorf("%w: choose a reason", store.ErrInvalid)
	case qty == 0 || qty > 1_000_000 || qty < -1_000_000:
		return Batch{}, fmt.Errorf("%w: the quantity is a whole number of units, not 0", store.ErrInvalid)
	case reason == AdjExpiry && qty > 0:
		return Batch{}, fmt.Errorf("%w: an expiry write-off takes units out (a negative quantity)", store.ErrInvalid)
	}
	if _, err := s.Batch(ctx, batchID); err != nil {
		return Batch{}, err
	}
	n, err := s.db.Next(ctx, "pharmacy-adjustment")
	if err != nil {
		return Batch{}, err
	}
	why := reason
	if note != "" {
		why += ": " + note
	}
	return s.move(ctx, BatchKey(batchID), movement{ID: fmt.Sprintf("adj:%d", n), Kind: MoveAdjustment, Qty: qty,
		Reason: why, Ref: fmt.Sprintf("ADJ%06d", n), AllowExpired: true}, by)
}
