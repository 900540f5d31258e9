package opd_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestScratchScan(t *testing.T) {
	db := storetest.DB(t)
	c := db.W.Collection("scratch")
	ctx := context.Background()
	var docs []any
	for i := range 5000 {
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("V%07d", i)}, {Key: "status", Value: "waiting"}, {Key: "pad", Value: fmt.Sprintf("%0500d", i)}})
	}
	_, err := c.InsertMany(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []bson.D{{{Key: "_id", Value: "V0002501"}}, {{Key: "_id", Value: "V0002500"}}, {{Key: "_id", Value: "V0002500"}, {Key: "status", Value: "waiting"}}} {
		t0 := time.Now()
		for range 20 {
			if _, err := c.UpdateOne(ctx, f, bson.D{{Key: "$set", Value: bson.D{{Key: "x", Value: 1}}}}); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("%v: %v per update", f, time.Since(t0)/20)
	}
}
