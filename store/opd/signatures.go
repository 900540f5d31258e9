package opd

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// CheckSignatures verifies every signed consultation note and addendum and names each
// one whose content or signature record no longer verifies. It reads every signed note:
// a nightly check, not a page.
func (s *Store) CheckSignatures(ctx context.Context) ([]string, error) {
	cur, err := s.vis.R.Find(store.DeclaredScan(ctx, "signature check of every signed note"),
		bson.D{{Key: "note.status", Value: NoteSigned}})
	if err != nil {
		return nil, fmt.Errorf("store: signature check: %w", err)
	}
	defer cur.Close(ctx)
	var out []string
	for cur.Next(ctx) {
		var v Visit
		if err := cur.Decode(&v); err != nil {
			return out, fmt.Errorf("store: signature check: %w", err)
		}
		seal := s.VerifyNote(v)
		for _, c := range append(seal.Addenda, seal.Note) {
			if p := c.Problem(); p != "" {
				out = append(out, p)
			}
		}
	}
	return out, cur.Err()
}
