package lab_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/lab"
	"hms/store/worklist"
)

// A crash after the order's state was written but before its follow-ups ran leaves the
// order pending; Repair (run at start-up) completes the sample, the charge and the list.
func TestRepairCompletesFollowUpsAfterACrash(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "M", 1970)
	id := e.order(t, p, "GLU-F", "routine")
	at := e.clock.Now().UTC()
	_, err := e.db.W.Collection(store.CollLabOrders).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: lab.StatusReceived}, {Key: "accession", Value: "L0000042"}, {Key: "collected_at", Value: at},
		{Key: "collected_by", Value: "labtech"}, {Key: "collected_where", Value: lab.AtLab}, {Key: "charge_at", Value: at},
		{Key: "pending", Value: true}, {Key: "version", Value: 1}}}})
	require.NoError(t, err)

	n, err := e.lab.Repair(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	sm, err := e.lab.Sample(ctx, "L0000042")
	require.NoError(t, err)
	assert.Equal(t, id, sm.OrderID)
	ch, err := billing.NewCharges(e.db).ByID(ctx, lab.ChargeID(id))
	require.NoError(t, err)
	assert.Equal(t, int64(12000), ch.Amount)
	it, err := worklist.New(e.db).Get(ctx, worklist.Lab, id)
	require.NoError(t, err)
	assert.Equal(t, lab.StatusReceived, it.Status)
	o, err := e.lab.Order(ctx, id)
	require.NoError(t, err)
	assert.False(t, o.Pending)

	n, err = e.lab.Repair(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to repair")
}
