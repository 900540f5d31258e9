package storetest

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

func TestIndexAuditJudgesShapes(t *testing.T) {
	mk := func(command string, d bson.D) queryShape {
		b, err := bson.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		q, ok := shapeOf(command, b)
		if !ok {
			t.Fatalf("%s not recorded", command)
		}
		return q
	}
	cases := []struct {
		name  string
		q     queryShape
		serve bool
	}{
		{"by _id", mk("find", bson.D{{Key: "find", Value: store.CollVisits}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "V1"}}}}), true},
		{"guarded update by _id", mk("update", bson.D{{Key: "update", Value: store.CollCharges}, {Key: "updates", Value: bson.A{
			bson.D{{Key: "q", Value: bson.D{{Key: "_id", Value: "x"}, {Key: "status", Value: "unbilled"}}}}}}}), true},
		{"declared index", mk("find", bson.D{{Key: "find", Value: store.CollSessions}, {Key: "filter", Value: bson.D{{Key: "user_id", Value: "u"}}}}), true},
		{"unindexed field", mk("find", bson.D{{Key: "find", Value: store.CollCharges}, {Key: "filter", Value: bson.D{{Key: "encounter", Value: "V1"}}}}), false},
		{"whole big collection", mk("find", bson.D{{Key: "find", Value: store.CollVisits}, {Key: "filter", Value: bson.D{}}}), false},
		{"count on an unindexed field", mk("aggregate", bson.D{{Key: "aggregate", Value: store.CollVisits}, {Key: "pipeline", Value: bson.A{
			bson.D{{Key: "$match", Value: bson.D{{Key: "doctor", Value: "x"}}}}}}}), false},
		{"whole small reference collection", mk("find", bson.D{{Key: "find", Value: store.CollDrugs}, {Key: "filter", Value: bson.D{}}}), true},
	}
	for _, c := range cases {
		if ok, why := served(c.q); ok != c.serve {
			t.Errorf("%s: served=%v (%s), want %v", c.name, ok, why, c.serve)
		}
	}
}
