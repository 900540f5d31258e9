package pharmacy

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// ImportDispensed stores a generated pharmacy history in bulk (store/seed/generate; the
// per-dispense path costs dozens of commands a line, hours at a year's size): the
// dispensed lines and their ledger entries as given, then each batch takes the balance
// and movement of its newest entry and its stock copy follows. The entries must continue
// each batch's ledger from its current movement without a gap, never going below zero:
// the generator builds them so, and `web check` (stock equals its ledger) proves it.
func (s *Store) ImportDispensed(ctx context.Context, lines []Line, entries []Entry) error {
	for _, step := range []struct {
		c    store.Coll
		what string
		docs []any
	}{{s.lines, "dispense lines", toAny(lines)}, {s.ledger, "ledger entries", toAny(entries)}} {
		for i := 0; i < len(step.docs); i += 1000 {
			if _, err := step.c.W.InsertMany(ctx, step.docs[i:min(i+1000, len(step.docs))]); err != nil {
				return fmt.Errorf("store: import %s: %w", step.what, err)
			}
		}
	}
	newest := map[string]Entry{}
	for _, e := range entries {
		if e.Seq > newest[e.BatchID].Seq {
			newest[e.BatchID] = e
		}
	}
	ids := make([]string, 0, len(newest))
	for id := range newest {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		e := newest[id]
		var after Batch
		ok, err := guard.Update(ctx, s.db, store.CollBatches, id, nil, bson.D{{Key: "$set", Value: bson.D{{Key: "qty", Value: e.Balance},
			{Key: "seq", Value: e.Seq}, {Key: "last", Value: e}, {Key: "updated_at", Value: e.At}, {Key: "updated_by", Value: e.By}}}}, &after)
		if err != nil {
			return fmt.Errorf("store: import batch %s: %w", id, err)
		}
		if !ok {
			return fmt.Errorf("store: import batch %s: %w", id, store.ErrNotFound)
		}
		if err := s.syncStock(ctx, after); err != nil {
			return err
		}
	}
	return nil
}

func toAny[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i := range xs {
		out[i] = xs[i]
	}
	return out
}
