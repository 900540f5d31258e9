package billing_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/secret"
	"hms/store/storetest"
)

// Invoices and claims written before member numbers were sealed hold them in clear: the
// rotation seals them, and a later rotation moves them to the new key, so the old key can go.
func TestMemberNumbersOnInvoicesAndClaimsAreSealedThenRotated(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	d := billing.New(db)
	_, err := db.W.Collection(store.CollInvoices).InsertOne(ctx, bson.D{{Key: "_id", Value: "INV-0000001"},
		{Key: "policy", Value: bson.D{{Key: "payer_code", Value: "STAR"}, {Key: "member_number", Value: "SH-2026-0042"}}}})
	require.NoError(t, err)
	_, err = db.W.Collection(store.CollInvoices).InsertOne(ctx, bson.D{{Key: "_id", Value: "INV-0000002"}}) // self-pay
	require.NoError(t, err)
	_, err = db.W.Collection(store.CollClaims).InsertOne(ctx, bson.D{{Key: "_id", Value: "CLM-0000001"}, {Key: "member", Value: "SH-2026-0042"}})
	require.NoError(t, err)

	a, err := secret.NewRing([]byte("reseal-test-key-A-0123456789abcd"))
	require.NoError(t, err)
	moved, err := d.ResealMembers(ctx, a, 1)
	require.NoError(t, err)
	assert.Equal(t, 2, moved)
	inv, err := d.Invoices.ByID(ctx, "INV-0000001")
	require.NoError(t, err)
	assert.Empty(t, inv.Policy.MemberNumber)
	assert.Equal(t, "0042", inv.Policy.MemberLast4)
	clear, err := a.Open(inv.Policy.MemberSealed)
	require.NoError(t, err)
	assert.Equal(t, "SH-2026-0042", clear)
	cl, err := d.Claims.ByID(ctx, "CLM-0000001")
	require.NoError(t, err)
	assert.Empty(t, cl.Member)
	assert.True(t, a.Current(cl.MemberSealed))

	b, err := secret.NewRing([]byte("reseal-test-key-B-0123456789abcd"), []byte("reseal-test-key-A-0123456789abcd"))
	require.NoError(t, err)
	moved, err = d.ResealMembers(ctx, b, 1)
	require.NoError(t, err)
	assert.Equal(t, 2, moved, "both copies move to the new key")
	moved, err = d.ResealMembers(ctx, b, 1)
	require.NoError(t, err)
	assert.Zero(t, moved, "a repeated run changes nothing")
	onlyB, err := secret.NewRing([]byte("reseal-test-key-B-0123456789abcd"))
	require.NoError(t, err)
	cl, err = d.Claims.ByID(ctx, "CLM-0000001")
	require.NoError(t, err)
	clear, err = onlyB.Open(cl.MemberSealed)
	require.NoError(t, err)
	assert.Equal(t, "SH-2026-0042", clear)
}
