package billing_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func consult(id string, price int64) billing.Charge {
	return billing.Charge{ID: id, PatientID: "p1", MRN: "100001", Name: "Asha Verma", Encounter: "V0000001",
		EncounterKind: "opd", Department: "MED", ServiceCode: "CONS-MED", Description: "Consultation", Qty: 1,
		UnitPrice: price, PostedBy: "dr.rao"}
}

func count(t *testing.T, db *store.DB) int64 {
	t.Helper()
	n, err := db.R.Collection(store.CollCharges).CountDocuments(context.Background(), bson.D{})
	require.NoError(t, err)
	return n
}

func TestPostingTheSameSourceTwiceStoresOneCharge(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	charges := billing.NewCharges(db)
	require.NoError(t, charges.Post(ctx, consult("visit:V0000001:consult", 60000)))
	require.NoError(t, charges.Post(ctx, consult("visit:V0000001:consult", 75000)), "a re-applied follow-up is not an error")
	assert.Equal(t, int64(1), count(t, db))
	ch, err := charges.ByID(ctx, "visit:V0000001:consult")
	require.NoError(t, err)
	assert.Equal(t, int64(60000), ch.Amount, "the first posting stands")
	assert.Equal(t, billing.ChargeUnbilled, ch.Status)
	assert.WithinDuration(t, time.Now(), ch.PostedAt, time.Minute)

	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, charges.Post(ctx, consult("visit:V0000002:consult", 60000)))
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(2), count(t, db), "20 concurrent posts of one source store one charge")

	for _, bad := range []billing.Charge{consult("", 100), consult("x", -1), {ID: "y", Qty: 1}} {
		assert.ErrorIs(t, charges.Post(ctx, bad), store.ErrInvalid)
	}
}

func TestAmountAndTax(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	charges := billing.NewCharges(db)
	c := consult("misc:1", 20000)
	c.Qty, c.TaxBP, c.Amount = 3, 1800, 1 // a wrong amount is recomputed
	require.NoError(t, charges.Post(ctx, c))
	got, err := charges.ByID(ctx, "misc:1")
	require.NoError(t, err)
	assert.Equal(t, int64(60000), got.Amount)
	assert.Equal(t, int64(10800), got.Tax())
	assert.Equal(t, int64(1), billing.Charge{Amount: 5, TaxBP: 1000}.Tax(), "0.5 paise rounds up")
}

func TestReverseKeepsTheChargeWithItsReason(t *testing.T) {
	db := storetest.DB(t)
	ctx := context.Background()
	charges := billing.NewCharges(db)
	require.NoError(t, charges.Post(ctx, consult("visit:V0000003:consult", 60000)))
	_, err := charges.Reverse(ctx, "visit:V0000003:consult", " ", "billing")
	assert.ErrorIs(t, err, store.ErrInvalid, "a reason is required")
	ch, err := charges.Reverse(ctx, "visit:V0000003:consult", "doctor waived the fee", "billing")
	require.NoError(t, err)
	assert.Equal(t, billing.ChargeReversed, ch.Status)
	assert.Equal(t, "doctor waived the fee", ch.ReverseReason)
	assert.Equal(t, "billing", ch.ReversedBy)
	_, err = charges.Reverse(ctx, "visit:V0000003:consult", "again", "billing")
	assert.ErrorIs(t, err, store.ErrInvalid)
	_, err = charges.Reverse(ctx, "nope", "x", "billing")
	assert.ErrorIs(t, err, store.ErrNotFound)
	assert.Equal(t, int64(1), count(t, db), "never deleted")
	require.NoError(t, charges.Post(ctx, consult("visit:V0000003:consult", 60000)))
	ch, _ = charges.ByID(ctx, "visit:V0000003:consult")
	assert.Equal(t, billing.ChargeReversed, ch.Status, "a re-applied post does not revive a reversed charge")
}
