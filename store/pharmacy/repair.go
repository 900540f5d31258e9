package pharmacy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Repair finishes what a crash cut short, at start-up (when no request is in flight):
// GRNs still posting are posted, dispenses counted against an order whose stock was
// taken get their line and charge (or their count back when the stock was not taken),
// and recorded returns get their follow-ups. Every step is idempotent. It filters on
// state, so it scans these collections once; it is not a page.
func (s *Store) Repair(ctx context.Context) error {
	var errs []error
	var grns []GRN
	if err := findAll(ctx, s.grns.R, bson.D{{Key: "status", Value: GRNPosting}}, &grns); err != nil {
		return err
	}
	for _, g := range grns {
		errs = append(errs, s.postGRN(ctx, g))
	}
	var sups []Supply
	if err := findAll(ctx, s.supplies.R, bson.D{{Key: "lines.state", Value: SupplyReserved}}, &sups); err != nil {
		return err
	}
	for _, sup := range sups {
		for _, sl := range sup.Lines {
			if sl.State == SupplyReserved {
				errs = append(errs, s.repairDispense(ctx, sup, sl))
			}
		}
	}
	var lines []Line
	if err := findAll(ctx, s.lines.R, bson.D{{Key: "returns.done", Value: false}}, &lines); err != nil {
		return err
	}
	for _, l := range lines {
		for _, r := range l.Returns {
			if !r.Done {
				_, err := s.finishReturn(ctx, l, r)
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// repairDispense finishes a reserved dispense whose stock was taken, or releases it.
func (s *Store) repairDispense(ctx context.Context, sup Supply, sl SupplyLine) error {
	b, err := s.Batch(ctx, sl.BatchID)
	if err != nil {
		return err
	}
	done := b.Last.Move == "disp:"+sl.LineID
	if !done {
		if done, err = s.applied(ctx, b, movement{ID: "disp:" + sl.LineID, Since: sl.At}); err != nil {
			return err
		}
	}
	if !done {
		return s.release(ctx, sup.ID, sl.LineID)
	}
	if err := s.followMove(ctx, b); err != nil {
		return err
	}
	var l Line
	if l, err = s.Line(ctx, sl.LineID); err == nil {
		_, err = s.finishLine(ctx, orderOfLine(l), sl)
		return err
	}
	// The line was never written: rebuild the order from its worklist item.
	itemID := sup.ID
	if strings.HasPrefix(itemID, "rx:") {
		itemID = itemID[:strings.LastIndex(itemID, ":")]
	}
	_, orders, err := s.Orders(ctx, itemID)
	if err != nil {
		return fmt.Errorf("pharmacy: repair %s line %s: %w", sup.ID, sl.LineID, err)
	}
	for _, o := range orders {
		if o.Ref == sup.ID {
			_, err := s.finishLine(ctx, o, sl)
			return err
		}
	}
	return fmt.Errorf("pharmacy: repair %s: order gone, dispense line %s not written", sup.ID, sl.LineID)
}

// orderOfLine is the order as a stored line recorded it.
func orderOfLine(l Line) Order {
	return Order{Ref: l.SupplyID, OrderRef: l.OrderRef, ItemID: l.ItemID, PatientID: l.PatientID, MRN: l.MRN, Name: l.Name,
		Encounter: l.Encounter, EncounterKind: l.EncounterKind, DrugCode: l.DrugCode}
}

func findAll(ctx context.Context, c *mongo.Collection, filter bson.D, out any) error {
	cur, err := c.Find(ctx, filter)
	if err != nil {
		return fmt.Errorf("store: repair %s: %w", c.Name(), err)
	}
	if err := cur.All(ctx, out); err != nil {
		return fmt.Errorf("store: repair %s: %w", c.Name(), err)
	}
	return nil
}
