package pharmacy

import (
	"context"
	"fmt"
	"slices"
	"time"

	"hms/store"
)

// Supply line states.
const (
	SupplyReserved = "reserved" // counted against the order; stock being taken (settled lines are dropped)
)

// SupplyLine is one dispense against an order.
type SupplyLine struct {
	LineID  string    `bson:"line_id"`
	BatchID string    `bson:"batch_id"`
	Qty     int64     `bson:"qty"`
	Brand   string    `bson:"brand,omitempty"`
	State   string    `bson:"state"`
	By      string    `bson:"by"`
	At      time.Time `bson:"at"`
}

// Supply is how much was dispensed against one order: the source of truth for "never
// beyond what was ordered". Every dispense is first counted here, in one guarded write.
type Supply struct {
	ID        string       `bson:"_id"`
	PatientID string       `bson:"patient_id"`
	DrugCode  string       `bson:"drug_code"`
	From      time.Time    `bson:"from,omitempty"` // ward orders: the first supply
	Dispensed int64        `bson:"dispensed"`      // net of returns
	Lines     []SupplyLine `bson:"lines"`          // reservations in flight
	Done      []string     `bson:"done"`           // dispense lines settled, oldest first
	Returns   []string     `bson:"returns"`        // return keys already taken off Dispensed (the newest)
}

func (s *Store) supply(ctx context.Context, id string) (Supply, error) {
	sup, err := byID[Supply](ctx, s.supplies, id, "supply")
	if isNotFound(err) {
		return Supply{ID: id}, nil
	}
	return sup, err
}

// reserve counts qty against the order, refusing more than its limit allows.
func (s *Store) reserve(ctx context.Context, o Order, limit func(Supply) int64, sl SupplyLine) error {
	_, err := change(ctx, s.db, store.CollSupplies, o.Ref, func() Supply {
		return Supply{ID: o.Ref, PatientID: o.PatientID, DrugCode: o.DrugCode}
	}, func(sup *Supply) error {
		if slices.ContainsFunc(sup.Lines, func(x SupplyLine) bool { return x.LineID == sl.LineID }) {
			return errNoChange
		}
		if sup.From.IsZero() {
			sup.From = sl.At
		}
		if left := limit(*sup) - sup.Dispensed; sl.Qty > left {
			return fmt.Errorf("%w: %d more may be dispensed against this order", ErrOverDispense, max(left, 0))
		}
		sup.Dispensed += sl.Qty
		sup.Lines = append(sup.Lines, sl)
		return nil
	})
	return err
}

// release takes back a reservation whose stock could not be taken.
func (s *Store) release(ctx context.Context, ref, lineID string) error {
	_, err := change(ctx, s.db, store.CollSupplies, ref, func() Supply { return Supply{ID: ref} }, func(sup *Supply) error {
		i := slices.IndexFunc(sup.Lines, func(x SupplyLine) bool { return x.LineID == lineID && x.State == SupplyReserved })
		if i < 0 {
			return errNoChange
		}
		sup.Dispensed -= sup.Lines[i].Qty
		sup.Lines = slices.Delete(sup.Lines, i, i+1)
		return nil
	})
	return err
}

// settle drops a reservation once its stock was taken and its line stored (the line
// itself is the record; keeping the supply document small keeps every dispense cheap).
func (s *Store) settle(ctx context.Context, ref, lineID string) error {
	_, err := change(ctx, s.db, store.CollSupplies, ref, func() Supply { return Supply{ID: ref} }, func(sup *Supply) error {
		i := slices.IndexFunc(sup.Lines, func(x SupplyLine) bool { return x.LineID == lineID && x.State == SupplyReserved })
		if i < 0 {
			return errNoChange
		}
		sup.Lines = slices.Delete(sup.Lines, i, i+1)
		sup.Done = append(sup.Done, lineID)
		return nil
	})
	return err
}

// DispensedLines returns the lines dispensed against the orders, oldest first (each read by _id).
func (s *Store) DispensedLines(ctx context.Context, orders []Order) ([]Line, error) {
	var out []Line
	for _, o := range orders {
		sup, err := s.supply(ctx, o.Ref)
		if err != nil {
			return nil, err
		}
		for _, id := range sup.Done {
			l, err := s.Line(ctx, id)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// unsupply takes a return off the order's count once (key: the return's movement id).
func (s *Store) unsupply(ctx context.Context, ref, key string, qty int64) error {
	_, err := change(ctx, s.db, store.CollSupplies, ref, func() Supply { return Supply{ID: ref} }, func(sup *Supply) error {
		if slices.Contains(sup.Returns, key) {
			return errNoChange
		}
		sup.Dispensed = max(sup.Dispensed-qty, 0)
		// A return is re-applied only right after a crash, so the newest keys suffice.
		sup.Returns = append(sup.Returns, key)
		if len(sup.Returns) > 50 {
			sup.Returns = sup.Returns[len(sup.Returns)-50:]
		}
		return nil
	})
	return err
}
