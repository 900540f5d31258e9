package audit_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/storetest"
)

// The package relies on these behaviours of both engines; FerretDB 1.24 is the one to
// doubt, so they are checked here rather than assumed.

func TestEngineInsertOfAnExistingStringIDHasOneWinner(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	c := db.W.Collection("probe")
	const n = 30
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = c.InsertOne(ctx, bson.D{{Key: "_id", Value: "000000000001"}, {Key: "n", Value: i}})
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			assert.True(t, store.IsDuplicate(err), "a lost insert is a duplicate-key error, got %v", err)
		}
	}
	assert.Equal(t, 1, won)
}

func TestEngineConditionalHeadUpdateAndArrayOperators(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	c := db.W.Collection("probe")
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "head"}, {Key: "seq", Value: int64(5)}})
	require.NoError(t, err)
	below := func(n int64) bson.D {
		return bson.D{{Key: "_id", Value: "head"}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: n}}}}
	}
	set := func(n int64) bson.D { return bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: n}}}} }
	res, err := c.UpdateOne(ctx, below(5), set(5))
	require.NoError(t, err)
	assert.Zero(t, res.MatchedCount, "the head never moves back or sideways")
	res, err = c.UpdateOne(ctx, below(7), set(7))
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.MatchedCount)

	// $push of a sub-document, $inc and $set of an int array by _id alone.
	_, err = c.InsertOne(ctx, bson.D{{Key: "_id", Value: "p:2026-11"}, {Key: "v", Value: int64(1)},
		{Key: "events", Value: bson.A{bson.D{{Key: "seq", Value: int64(1)}}}}, {Key: "recent", Value: bson.A{}}})
	require.NoError(t, err)
	_, err = c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "p:2026-11"}}, bson.D{
		{Key: "$push", Value: bson.D{{Key: "events", Value: bson.D{{Key: "seq", Value: int64(2)}}}}},
		{Key: "$inc", Value: bson.D{{Key: "v", Value: int64(1)}, {Key: "over", Value: int64(1)}}},
		{Key: "$set", Value: bson.D{{Key: "recent", Value: []int64{9, 10}}}}})
	require.NoError(t, err)
	var doc struct {
		V      int64 `bson:"v"`
		Over   int64 `bson:"over"`
		Events []struct {
			Seq int64 `bson:"seq"`
		} `bson:"events"`
		Recent []int64 `bson:"recent"`
	}
	require.NoError(t, c.FindOne(ctx, bson.D{{Key: "_id", Value: "p:2026-11"}}).Decode(&doc))
	assert.Equal(t, int64(2), doc.V)
	assert.Equal(t, int64(1), doc.Over)
	assert.Len(t, doc.Events, 2)
	assert.Equal(t, int64(2), doc.Events[1].Seq)
	assert.Equal(t, []int64{9, 10}, doc.Recent)
}

// FerretDB 1.24 accepts $push's $slice and ignores it, so a cap cannot be left to $push.
func TestEnginePushSlice(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	c := db.W.Collection("probe")
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "b"}, {Key: "a", Value: bson.A{1, 2}}})
	require.NoError(t, err)
	_, err = c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "b"}}, bson.D{{Key: "$push",
		Value: bson.D{{Key: "a", Value: bson.D{{Key: "$each", Value: bson.A{3}}, {Key: "$slice", Value: 2}}}}}})
	require.NoError(t, err)
	var doc struct {
		A []int `bson:"a"`
	}
	require.NoError(t, c.FindOne(ctx, bson.D{{Key: "_id", Value: "b"}}).Decode(&doc))
	if db.Embedded {
		assert.Equal(t, []int{1, 2, 3}, doc.A, "FerretDB ignores $slice")
	} else {
		assert.Equal(t, []int{1, 2}, doc.A)
	}
}

// FerretDB 1.24 refuses a projection on findAndModify, so add asks for one on MongoDB only.
func TestEngineFindAndModifyProjection(t *testing.T) {
	db := storetest.DB(t)
	err := db.W.Collection("probe").FindOneAndUpdate(context.Background(), bson.D{{Key: "_id", Value: "a"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetProjection(bson.D{{Key: "n", Value: 1}})).Err()
	if db.Embedded {
		require.Error(t, err)
		assert.Contains(t, err.Error(), "findAndModify")
	} else {
		assert.NoError(t, err)
	}
}
