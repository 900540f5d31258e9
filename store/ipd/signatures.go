package ipd

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/signing"
)

// CheckSignatures verifies every signed discharge summary (with its addenda) and every
// nursing note, and names each one that no longer verifies. It reads every admission
// with a signed summary and every nursing chart: a nightly check, not a page.
func (s *Store) CheckSignatures(ctx context.Context) ([]string, error) {
	var out []string
	add := func(cs ...signing.Check) {
		for _, c := range cs {
			if p := c.Problem(); p != "" {
				out = append(out, p)
			}
		}
	}
	err := scan(ctx, s.adms, "signature check of every signed discharge summary",
		bson.D{{Key: "summary.signed_at", Value: bson.D{{Key: "$exists", Value: true}}}}, func(a Admission) {
			seal := s.VerifySummary(a)
			add(append([]signing.Check{seal.Summary}, seal.Addenda...)...)
		})
	if err != nil {
		return out, err
	}
	err = scan(ctx, s.ch, "signature check of every nursing note", bson.D{}, func(c Chart) { add(s.VerifyNotes(c)...) })
	return out, err
}

func scan[T any](ctx context.Context, c store.Coll, why string, filter bson.D, fn func(T)) error {
	cur, err := c.R.Find(store.DeclaredScan(ctx, why), filter)
	if err != nil {
		return fmt.Errorf("store: %s: %w", why, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var v T
		if err := cur.Decode(&v); err != nil {
			return fmt.Errorf("store: %s: %w", why, err)
		}
		fn(v)
	}
	return cur.Err()
}
