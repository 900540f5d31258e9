package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Next returns the next number of the named sequence (1, 2, 3 …), atomically:
// an upserting $inc on the counter document whose _id is the name.
func (db *DB) Next(ctx context.Context, name string) (int64, error) { return db.NextN(ctx, name, 1) }

// NextN reserves n numbers of the named sequence at once and returns the last of them
// (bulk loads number their documents last-n+1 … last).
func (db *DB) NextN(ctx context.Context, name string, n int64) (int64, error) {
	var doc struct {
		Seq int64 `bson:"seq"`
	}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	for attempt := 0; ; attempt++ {
		err := db.W.Collection(CollCounters).FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: name}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: n}}}}, opts).Decode(&doc)
		// Two first-time upserts can race on a real MongoDB; the loser retries.
		if IsDuplicate(err) && attempt < 3 {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("store: counter %s: %w", name, err)
		}
		return doc.Seq, nil
	}
}
