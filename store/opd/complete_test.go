package opd_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/opd"
)

// chargesOf counts the charges posted for an encounter (a scan: fine in a test).
func chargesOf(t *testing.T, e *env, visitID string) []billing.Charge {
	t.Helper()
	cur, err := e.db.R.Collection(store.CollCharges).Find(context.Background(), bson.D{{Key: "encounter", Value: visitID}})
	require.NoError(t, err)
	var out []billing.Charge
	require.NoError(t, cur.All(context.Background(), &out))
	return out
}

func TestCompletingTenTimesAtOnceCompletesAndChargesOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// A new consultation fee comes into force at midnight before the tests' Monday.
	svc, err := e.cat.Service(ctx, "CONS-MED")
	require.NoError(t, err)
	require.NoError(t, e.cat.SetPrice(ctx, "CONS-MED", svc.Version, 75000, at(0, 0, 0), "admin"))

	p := e.patient(t, "Asha", "Verma")
	v := e.withDoctor(t, p)
	v, err = e.s.SaveNote(ctx, v.ID, opd.SOAP{Assessment: "Hypertension"}, "dr.rao")
	require.NoError(t, err)
	e.clock.Add(12 * time.Minute)
	var wg sync.WaitGroup
	var won, already atomic.Int32
	var mu sync.Mutex
	var other []error
	start := make(chan struct{})
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := e.s.Complete(ctx, v.ID, opd.Completion{FollowUpDate: "2030-03-18", FollowUpNote: "BP check", SignNote: true}, "dr.rao")
			switch {
			case err == nil:
				won.Add(1)
			case errors.Is(err, opd.ErrAlreadyDone):
				already.Add(1)
			default:
				mu.Lock()
				other = append(other, err)
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Empty(t, other)
	assert.Equal(t, int32(1), won.Load())
	assert.Equal(t, int32(9), already.Load())

	v, err = e.s.Visit(ctx, v.ID)
	require.NoError(t, err)
	assert.Equal(t, opd.StateCompleted, v.Status)
	assert.Empty(t, v.Pending)
	assert.Equal(t, "2030-03-18", v.FollowUpDate)
	assert.Equal(t, opd.NoteSigned, v.Note.Status, "signed with the completion")
	completions := 0
	for _, ev := range v.Events {
		if ev.To == opd.StateCompleted {
			completions++
		}
	}
	assert.Equal(t, 1, completions)

	charges := chargesOf(t, e, v.ID)
	require.Len(t, charges, 1, "one charge however often it was completed")
	ch := charges[0]
	assert.Equal(t, opd.ConsultChargeID(v.ID), ch.ID)
	assert.Equal(t, "visit:"+v.ID+":consult", ch.ID)
	assert.Equal(t, int64(75000), ch.UnitPrice, "the price in force at completion, not the old one")
	assert.Equal(t, int64(75000), ch.Amount)
	assert.Equal(t, billing.ChargeUnbilled, ch.Status)
	assert.Equal(t, p.MRN, ch.MRN)
	assert.Equal(t, "CONS-MED", ch.ServiceCode)
	assert.Equal(t, "MED", ch.Department)

	e.mu.Lock()
	assert.Equal(t, v.DoneAt.UTC(), e.lastVisits[p.ID].UTC(), "the patient's last visit was recorded")
	e.mu.Unlock()

	q, err := e.s.Queue(ctx, "2030-03-04", "dr.rao")
	require.NoError(t, err)
	require.Len(t, q.Entries, 1)
	assert.Equal(t, opd.StateCompleted, q.Entries[0].State, "the patient left the queue")
	assert.Equal(t, 12*time.Minute, q.AvgConsult)

	_, err = e.s.Complete(ctx, v.ID, opd.Completion{FollowUpDate: "2030-03-04"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrInvalid, "a follow-up date must be after today")
}

// failingCharges is a billing that is down: the process "crashes" after the visit write.
type failingCharges struct{}

func (failingCharges) Post(context.Context, billing.Charge) error {
	return errors.New("billing is down")
}

func TestRepairPostsAChargeThatACrashLeftPending(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	crashing := e.store(failingCharges{})
	v := e.withDoctor(t, e.patient(t, "Asha", "Verma"))
	_, err := crashing.Complete(ctx, v.ID, opd.Completion{}, "dr.rao")
	require.Error(t, err, "the follow-up failed")
	v, err = e.s.Visit(ctx, v.ID)
	require.NoError(t, err)
	assert.Equal(t, opd.StateCompleted, v.Status, "the visit is completed: it is the source of truth")
	assert.Contains(t, v.Pending, "charge", "and records what must follow")
	assert.Empty(t, chargesOf(t, e, v.ID))

	e.clock.Add(time.Hour) // a price change after the crash must not change the charge
	restarted := e.store(nil)
	n, err := restarted.Repair(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	charges := chargesOf(t, e, v.ID)
	require.Len(t, charges, 1)
	assert.Equal(t, int64(60000), charges[0].Amount)
	assert.Equal(t, v.DoneAt.UTC(), charges[0].PostedAt.UTC())
	v, err = e.s.Visit(ctx, v.ID)
	require.NoError(t, err)
	assert.Empty(t, v.Pending)

	n, err = restarted.Repair(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "nothing left to repair")
	did, err := restarted.RepairVisit(ctx, v.ID)
	require.NoError(t, err)
	assert.False(t, did)
	assert.Len(t, chargesOf(t, e, v.ID), 1, "re-applying never doubles it")
}

func TestRepairPutsBackAQueueEntryACrashLeftOut(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.walkIn(t, e.patient(t, "Asha", "Verma"), "dr.rao")
	// As if the process died between inserting the visit and writing the queue bucket.
	_, err := e.db.W.Collection(store.CollQueues).UpdateOne(ctx, bson.D{{Key: "_id", Value: opd.QueueID(v.Date, "dr.rao")}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "entries." + v.ID, Value: ""}}}})
	require.NoError(t, err)
	_, err = e.db.W.Collection(store.CollVisits).UpdateOne(ctx, bson.D{{Key: "_id", Value: v.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "queue_seq", Value: int64(0)}}}})
	require.NoError(t, err)
	q, _ := e.s.Queue(ctx, v.Date, "dr.rao")
	require.Empty(t, q.Entries)

	n, err := e.store(nil).Repair(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	q, err = e.s.Queue(ctx, v.Date, "dr.rao")
	require.NoError(t, err)
	require.Len(t, q.Entries, 1)
	assert.Equal(t, v.ID, q.Entries[0].VisitID)
	assert.Equal(t, int64(1), q.Entries[0].Token)
}

func TestCompletingNeedsAPriceInForce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.withDoctor(t, e.patient(t, "Asha", "Verma"))
	_, err := e.s.Complete(ctx, v.ID, opd.Completion{ServiceCode: "CONS-NONE"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrNotFound)
	v, err = e.s.Complete(ctx, v.ID, opd.Completion{ServiceCode: "CONS-FU"}, "dr.rao")
	require.NoError(t, err, "a follow-up consultation fee instead of the doctor's")
	charges := chargesOf(t, e, v.ID)
	require.Len(t, charges, 1)
	assert.Equal(t, int64(30000), charges[0].Amount)
}
