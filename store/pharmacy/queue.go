package pharmacy

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/worklist"
)

// Worklist item states the pharmacy shows.
const (
	ItemWaiting  = "waiting"
	ItemPartial  = "partial"  // some dispensed, the rest pending
	ItemSupplied = "supplied" // a ward order supplied for now
)

// Queue returns the pharmacy's open items, STAT first, then urgent, then oldest first,
// and the list's version (the board's poll fingerprint).
func (s *Store) Queue(ctx context.Context) ([]worklist.Item, int64, error) {
	items, version, err := s.lists.Items(ctx, worklist.Pharmacy)
	if err != nil {
		return nil, 0, err
	}
	rank := map[string]int{worklist.PriorityStat: 0, worklist.PriorityUrgent: 1}
	r := func(p string) int {
		if v, ok := rank[p]; ok {
			return v
		}
		return 2
	}
	slices.SortStableFunc(items, func(a, b worklist.Item) int {
		return cmp.Or(cmp.Compare(r(a.Priority), r(b.Priority)), a.At.Compare(b.At))
	})
	return items, version, nil
}

// refreshItem sets the item's status from what was dispensed; an OPD prescription fully
// dispensed leaves the list.
func (s *Store) refreshItem(ctx context.Context, itemID string) error {
	it, orders, err := s.Orders(ctx, itemID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var pending, dispensed int64
	for _, o := range orders {
		pending += o.Pending()
		dispensed += o.Dispensed
	}
	status := ItemWaiting
	switch {
	case it.Kind == worklist.KindOPDRx && pending == 0:
		return s.lists.Remove(ctx, worklist.Pharmacy, itemID)
	case it.Kind == worklist.KindIPDMed && dispensed > 0 && pending == 0:
		status = ItemSupplied
	case dispensed > 0:
		status = ItemPartial
	}
	if it.Status == status {
		return nil
	}
	return s.lists.SetStatus(ctx, worklist.Pharmacy, itemID, status)
}

// Close takes an item off the pharmacy list with a reason (the patient declined the
// rest, the ward order ended); what was dispensed stays.
func (s *Store) Close(ctx context.Context, itemID, reason, by string) error {
	reason, err := cleanText("reason", reason, 200, true)
	if err != nil {
		return err
	}
	if _, err := s.lists.Get(ctx, worklist.Pharmacy, itemID); err != nil {
		return err
	}
	// The closure is recorded beside the item's supplies: who closed it, when and why.
	_, err = s.supplies.W.InsertOne(ctx, bson.D{{Key: "_id", Value: "closed:" + itemID}, {Key: "reason", Value: reason},
		{Key: "by", Value: by}, {Key: "at", Value: s.now().UTC()}})
	if err != nil && !store.IsDuplicate(err) {
		return fmt.Errorf("store: close %s: %w", itemID, err)
	}
	if err := s.lists.Remove(ctx, worklist.Pharmacy, itemID); err != nil {
		return fmt.Errorf("store: close %s: %w", itemID, err)
	}
	return nil
}
