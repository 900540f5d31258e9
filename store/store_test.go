package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestOpenCreatesIndexesAndPings(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	require.NoError(t, db.Ping(ctx))
	require.NoError(t, db.EnsureIndexes(ctx))
	require.NoError(t, db.EnsureIndexes(ctx), "a second run must be a no-op")

	cur, err := db.R.Collection(store.CollPatients).Indexes().List(ctx)
	require.NoError(t, err)
	var idx []struct {
		Name   string `bson:"name"`
		Unique bool   `bson:"unique"`
	}
	require.NoError(t, cur.All(ctx, &idx))
	var names []string
	for _, i := range idx {
		names = append(names, i.Name)
	}
	assert.Contains(t, names, "mrn_1")
}

func TestCountersAreUniqueUnder50ConcurrentCallers(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	const n = 50
	got := make([]int64, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i], errs[i] = db.Next(ctx, "mrn")
		}()
	}
	close(start)
	wg.Wait()
	seen := map[int64]bool{}
	for i := range n {
		require.NoError(t, errs[i])
		assert.False(t, seen[got[i]], "number %d handed out twice", got[i])
		seen[got[i]] = true
	}
	for v := int64(1); v <= n; v++ {
		assert.True(t, seen[v], "number %d skipped", v)
	}
	next, err := db.Next(ctx, "mrn")
	require.NoError(t, err)
	assert.Equal(t, int64(n+1), next)
}

func TestSecondProcessIsRefusedTheDataDir(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: dir})
	require.NoError(t, err)
	_, err = store.Open(ctx, store.Config{DataDir: dir})
	require.ErrorIs(t, err, store.ErrDataDirInUse)
	require.NoError(t, db.Close(ctx))

	again, err := store.Open(ctx, store.Config{DataDir: dir})
	require.NoError(t, err, "closing releases the lock")
	require.NoError(t, again.Close(ctx))
}
