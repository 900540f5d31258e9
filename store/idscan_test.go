package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store/storetest"
)

// TestIDLookupIsIndexed: with the _id index a lookup costs the same for the first and
// the last of 20,000 documents (without it the last cost 100× the first).
func TestIDLookupIsIndexed(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	c := db.W.Collection("probe")
	var costs []time.Duration
	var docs []any
	for i := range 20000 {
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("p%06d", i)}, {Key: "name", Value: "some patient name"}, {Key: "n", Value: i}})
	}
	_, err := c.InsertMany(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.IndexIDs(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"p000010", "p010000", "p019990"} {
		start := time.Now()
		for range 10 {
			if err := db.R.Collection("probe").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err(); err != nil {
				t.Fatal(err)
			}
		}
		took := time.Since(start) / 10
		t.Logf("FindOne %s: %v", id, took)
		costs = append(costs, took)
	}
	// A scan of 20,000 documents takes tens of milliseconds; an index lookup well under
	// one. The bound is loose so a busy machine cannot fail it, yet a scan would.
	if costs[2] > 10*time.Millisecond && costs[2] > 8*costs[0] {
		t.Errorf("the last document costs %v against %v for the first: _id lookups scan", costs[2], costs[0])
	}
}
