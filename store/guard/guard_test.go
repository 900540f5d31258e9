package guard_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type doc struct {
	ID     string `bson:"_id"`
	Status string `bson:"status"`
	N      int64  `bson:"n"`
	Winner int    `bson:"winner"`
}

func TestTwentyConcurrentGuardedUpdatesHaveOneWinner(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	_, err := db.W.Collection("things").InsertOne(ctx, doc{ID: "A-1", Status: "available"})
	require.NoError(t, err)
	var wins atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var out doc
			ok, err := guard.Update(ctx, db, "things", "A-1", []guard.Cond{guard.Eq("status", "available")},
				bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "taken"}, {Key: "winner", Value: i}}}}, &out)
			assert.NoError(t, err)
			if ok {
				wins.Add(1)
				assert.Equal(t, "taken", out.Status, "the document as it is afterwards")
				assert.Equal(t, i, out.Winner)
			}
		}()
	}
	close(start)
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
}

// TestConditions runs each condition both ways: checked in Go under the embedded
// engine's lock, and as the filter MongoDB gets (which FerretDB also understands).
func TestConditions(t *testing.T) {
	for _, embedded := range []bool{true, false} {
		db := storetest.DB(t)
		mode := *db
		mode.Embedded = embedded
		testConditions(t, &mode)
	}
}

func testConditions(t *testing.T, db *store.DB) {
	ctx := context.Background()
	_, err := db.W.Collection("things").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}, {Key: "status", Value: "open"},
		{Key: "n", Value: int64(3)}, {Key: "m", Value: bson.D{{Key: "k", Value: bson.D{{Key: "seq", Value: int32(5)}}}}}})
	require.NoError(t, err)
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "touched", Value: true}}}}
	for _, c := range []struct {
		name  string
		conds []guard.Cond
		want  bool
	}{
		{"no condition", nil, true},
		{"equal string", []guard.Cond{guard.Eq("status", "open")}, true},
		{"other string", []guard.Cond{guard.Eq("status", "closed")}, false},
		{"number of another width", []guard.Cond{guard.Eq("n", 3)}, true},
		{"missing field", []guard.Cond{guard.Eq("nope", "x")}, false},
		{"in", []guard.Cond{guard.In("status", "new", "open")}, true},
		{"not in", []guard.Cond{guard.In("status", "new", "done")}, false},
		{"below, dotted", []guard.Cond{guard.Below("m.k.seq", 6)}, true},
		{"not below", []guard.Cond{guard.Below("m.k.seq", 5)}, false},
		{"below a missing field", []guard.Cond{guard.Below("m.other.seq", 1)}, true},
		{"all must hold", []guard.Cond{guard.Eq("status", "open"), guard.Eq("n", int64(4))}, false},
	} {
		ok, err := guard.Update(ctx, db, "things", "x", c.conds, set, nil)
		require.NoError(t, err, c.name)
		assert.Equal(t, c.want, ok, "%s (embedded %v)", c.name, db.Embedded)
	}
	ok, err := guard.Update(ctx, db, "things", "missing", nil, set, nil)
	require.NoError(t, err)
	assert.False(t, ok, "a missing document")

	ok, err = guard.Delete(ctx, db, "things", "x", []guard.Cond{guard.Eq("status", "closed")})
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = guard.Delete(ctx, db, "things", "x", []guard.Cond{guard.Eq("status", "open")})
	require.NoError(t, err)
	assert.True(t, ok)
}
