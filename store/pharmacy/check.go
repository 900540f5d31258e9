package pharmacy

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// CheckReport is what the ledger check found.
type CheckReport struct {
	Batches  int
	Entries  int
	Problems []string // empty when every batch balance equals its rebuilt ledger
}

// CheckLedger rebuilds every batch's balance from its ledger and compares it with the
// batch: entries numbered 1…seq without a gap, each balance the previous plus its
// quantity, never below zero, the last equal to the batch's balance. It first writes any
// ledger entry whose follow-up was cut short, so a crash is not reported as a fault.
// It reads both collections once, in full: an administrator's check, not a page.
func (s *Store) CheckLedger(ctx context.Context) (CheckReport, error) {
	var rep CheckReport
	cur, err := s.batches.R.Find(store.DeclaredScan(ctx, "ledger check"), bson.D{})
	if err != nil {
		return rep, fmt.Errorf("store: check batches: %w", err)
	}
	batches := map[string]Batch{}
	for cur.Next(ctx) {
		var b Batch
		if err := cur.Decode(&b); err != nil {
			return rep, fmt.Errorf("store: check batches: %w", err)
		}
		if b.Seq > 0 {
			if err := s.putEntry(ctx, b.Last); err != nil {
				return rep, err
			}
		}
		batches[b.ID] = b
	}
	if err := cur.Err(); err != nil {
		return rep, fmt.Errorf("store: check batches: %w", err)
	}
	rep.Batches = len(batches)
	cur, err = s.ledger.R.Find(store.DeclaredScan(ctx, "ledger check"), bson.D{})
	if err != nil {
		return rep, fmt.Errorf("store: check ledger: %w", err)
	}
	entries := map[string][]Entry{}
	for cur.Next(ctx) {
		var e Entry
		if err := cur.Decode(&e); err != nil {
			return rep, fmt.Errorf("store: check ledger: %w", err)
		}
		entries[e.BatchID] = append(entries[e.BatchID], e)
		rep.Entries++
	}
	if err := cur.Err(); err != nil {
		return rep, fmt.Errorf("store: check ledger: %w", err)
	}
	for id, es := range entries {
		if _, ok := batches[id]; !ok {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%d ledger entries for batch %s, which does not exist", len(es), id))
		}
	}
	ids := make([]string, 0, len(batches))
	for id := range batches {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if p := rebuild(batches[id], entries[id]); p != "" {
			rep.Problems = append(rep.Problems, p)
		}
	}
	return rep, nil
}

// rebuild replays a batch's entries and says what does not add up ("" when all does).
func rebuild(b Batch, es []Entry) string {
	slices.SortFunc(es, func(x, y Entry) int { return int(x.Seq - y.Seq) })
	var bal int64
	for i, e := range es {
		switch {
		case e.Seq != int64(i+1):
			return fmt.Sprintf("batch %s: ledger entry %d missing", b.BatchNo, i+1)
		case bal+e.Qty != e.Balance:
			return fmt.Sprintf("batch %s: entry %d says balance %d, replay gives %d", b.BatchNo, e.Seq, e.Balance, bal+e.Qty)
		case e.Balance < 0:
			return fmt.Sprintf("batch %s: entry %d leaves %d", b.BatchNo, e.Seq, e.Balance)
		}
		bal = e.Balance
	}
	switch {
	case int64(len(es)) != b.Seq:
		return fmt.Sprintf("batch %s: %d movements recorded, %d ledger entries", b.BatchNo, b.Seq, len(es))
	case bal != b.Qty:
		return fmt.Sprintf("batch %s: balance %d, ledger rebuilds %d", b.BatchNo, b.Qty, bal)
	}
	return ""
}
