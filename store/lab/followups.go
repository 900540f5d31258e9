package lab

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/guard"
	"hms/store/worklist"
)

// followUps brings everything that depends on an order's state in line with it; every
// step is idempotent, so it may run again after a crash (Repair) or a retry.
func (s *Store) followUps(ctx context.Context, o Order) error {
	if o.Accession != "" {
		if err := s.storeSample(ctx, o); err != nil {
			return err
		}
	}
	if err := s.charge(ctx, o); err != nil {
		return err
	}
	if o.Released() {
		if err := s.publish(ctx, o); err != nil {
			return err
		}
		if o.Critical() {
			if err := s.raise(ctx, o); err != nil {
				return err
			}
		}
	}
	defer s.forgetWorklist()
	var err error
	switch o.Status {
	case StatusVerified, StatusCancelled:
		err = s.lists.Remove(ctx, worklist.Lab, o.ID)
	default:
		err = s.lists.SetStatus(ctx, worklist.Lab, o.ID, o.Status)
		if errors.Is(err, store.ErrNotFound) { // an amended order left the list long ago
			err = nil
		}
	}
	if err != nil {
		return err
	}
	// Done: clear the mark, unless a newer change (with its own follow-ups) came in.
	_, err = guard.Update(ctx, s.db, store.CollLabOrders, o.ID, []guard.Cond{guard.Eq("version", o.Version)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: false}}}}, nil)
	return err
}

// storeSample stores the sample document of the order's current accession (insert-once).
func (s *Store) storeSample(ctx context.Context, o Order) error {
	tests := o.Code
	sm := Sample{Accession: o.Accession, OrderID: o.ID, PatientID: o.PatientID, MRN: o.MRN, Name: o.Name, AgeSex: o.AgeSex,
		Tests: tests, TestName: o.TestName, Specimen: o.Specimen, Container: o.Container, Priority: o.Priority,
		Where: o.CollectedWhere, CollectedAt: o.CollectedAt, CollectedBy: o.CollectedBy, CreatedAt: o.CollectedAt}
	if _, err := s.samples.W.InsertOne(ctx, sm); err != nil && !store.IsDuplicate(err) {
		return fmt.Errorf("store: sample %s: %w", o.Accession, err)
	}
	return nil
}

// ChargeID is the lab charge of an order.
func ChargeID(orderID string) string { return "lab:" + orderID }

// charge posts the order's lab charge once collected (a panel at the panel's price), and
// reverses it when the order was cancelled after collection.
func (s *Store) charge(ctx context.Context, o Order) error {
	if o.ChargeAt.IsZero() {
		return nil
	}
	id := ChargeID(o.ID)
	if o.Status == StatusCancelled {
		ch, err := s.charges.ByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && ch.Status != billing.ChargeUnbilled) {
			return nil // never posted, already reversed, or billed (billing issues the credit note)
		}
		if err != nil {
			return err
		}
		_, err = s.charges.Reverse(ctx, id, "lab order cancelled: "+o.CancelReason, o.UpdatedBy)
		return err
	}
	sv, err := s.cat.Service(ctx, o.ServiceCode)
	if err != nil {
		return fmt.Errorf("store: lab charge %s: %w", id, err)
	}
	amount, ok := sv.PriceAt(o.ChargeAt)
	if !ok {
		return fmt.Errorf("%w (%s)", ErrNoPrice, o.ServiceCode)
	}
	kind := o.Source
	if kind == "" {
		kind = "opd"
	}
	return s.charges.Post(ctx, billing.Charge{ID: id, PatientID: o.PatientID, MRN: o.MRN, Name: o.Name, Encounter: o.VisitID,
		EncounterKind: kind, Department: "LAB", ServiceCode: o.ServiceCode, Description: o.TestName, Qty: 1, UnitPrice: amount,
		TaxBP: sv.TaxBP, PostedAt: o.ChargeAt, PostedBy: o.CollectedBy})
}

// Repair re-applies the follow-ups of orders a crash interrupted: such an order still
// carries pending=true and is still on the lab worklist (its removal comes last).
func (s *Store) Repair(ctx context.Context) (int, error) {
	items, _, err := s.lists.Items(ctx, worklist.Lab)
	if err != nil {
		return 0, err
	}
	fixed := 0
	for _, it := range items {
		o, err := s.Order(ctx, it.Ref)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return fixed, err
		}
		if !o.Pending && o.Status == it.Status {
			continue
		}
		if err := s.followUps(ctx, o); err != nil {
			return fixed, err
		}
		fixed++
	}
	return fixed, nil
}
