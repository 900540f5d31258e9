package worklist_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"hms/store/storetest"
	"hms/store/worklist"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestConcurrentAddsAreAllKeptAndAddingTwiceIsANoOp(t *testing.T) {
	ctx := context.Background()
	lists := worklist.New(storetest.DB(t))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := worklist.Item{ID: fmt.Sprintf("o%d", i%10), Kind: worklist.KindLabOrder, Ref: "x", Priority: worklist.PriorityRoutine}
			require.NoError(t, lists.Add(ctx, worklist.Lab, it))
		}()
	}
	wg.Wait()
	items, version, err := lists.Items(ctx, worklist.Lab)
	require.NoError(t, err)
	require.Len(t, items, 10, "each of the 10 distinct items once")
	require.Greater(t, version, int64(1))
}

func TestStatusChangesAndRemoval(t *testing.T) {
	ctx := context.Background()
	lists := worklist.New(storetest.DB(t))
	require.NoError(t, lists.Add(ctx, worklist.Pharmacy, worklist.Item{ID: "rx:V1", Kind: worklist.KindOPDRx, Ref: "V1", Status: "waiting"}))
	require.NoError(t, lists.SetStatus(ctx, worklist.Pharmacy, "rx:V1", "partial"))
	it, err := lists.Get(ctx, worklist.Pharmacy, "rx:V1")
	require.NoError(t, err)
	require.Equal(t, "partial", it.Status)
	require.ErrorContains(t, lists.SetStatus(ctx, worklist.Pharmacy, "rx:V2", "x"), "not found")
	require.NoError(t, lists.Remove(ctx, worklist.Pharmacy, "rx:V1"))
	require.NoError(t, lists.Remove(ctx, worklist.Pharmacy, "rx:V1"), "removing twice is a no-op")
	items, _, err := lists.Items(ctx, worklist.Pharmacy)
	require.NoError(t, err)
	require.Empty(t, items)
}
