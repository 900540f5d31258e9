package audit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/audit"
)

func TestByPatientListsWhoTouchedTheRecordNewestFirst(t *testing.T) {
	l, _ := newLog(t)
	ctx := context.Background()
	steps := []audit.Entry{
		read("p1"),
		{User: "drsmith", Role: "doctor", Action: audit.ActionPatientUpdate, PatientID: "p1", Object: "history", Outcome: audit.OK, IP: "10.0.0.8"},
		read("p2"),
		{User: "clerk", Role: "front_desk", Action: audit.ActionLoginOK, Outcome: audit.OK},
		{User: "porter", Role: "porter", Action: audit.ActionAccessDenied, PatientID: "p1", Object: "chart:labs", Outcome: audit.Denied, IP: "10.0.0.9"},
	}
	var evs []audit.Event
	for _, in := range steps {
		e, err := l.Append(ctx, in)
		require.NoError(t, err)
		evs = append(evs, e)
	}
	tr, err := l.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	assert.Equal(t, "p1", tr.PatientID)
	assert.Zero(t, tr.Unlisted)
	require.Len(t, tr.Accesses, 3)
	assert.Equal(t, []int64{5, 2, 1}, []int64{tr.Accesses[0].Seq, tr.Accesses[1].Seq, tr.Accesses[2].Seq})
	assert.Equal(t, audit.Access{Seq: 5, At: evs[4].At, User: "porter", Role: "porter", Action: audit.ActionAccessDenied,
		Object: "chart:labs", Outcome: audit.Denied, IP: "10.0.0.9"}, tr.Accesses[0])
	assert.Equal(t, "drsmith", tr.Accesses[1].User)

	tr, err = l.ByPatient(ctx, "p3", 6)
	require.NoError(t, err)
	assert.Empty(t, tr.Accesses, "never touched")

	_, err = l.ByPatient(ctx, `{"$ne":1}`, 1)
	assert.ErrorIs(t, err, store.ErrInvalid)
}

func TestByPatientReadsOneDocumentPerMonth(t *testing.T) {
	l, db := newLog(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, time.January, 31, 23, 59, 0, 0, time.UTC)}
	l.SetClock(c.now)
	appendN(t, l, 2, read("p1")) // January
	c.t = time.Date(2026, time.February, 1, 0, 0, 1, 0, time.UTC)
	appendN(t, l, 1, read("p1")) // February
	c.t = time.Date(2026, time.April, 15, 9, 0, 0, 0, time.UTC)
	appendN(t, l, 1, read("p1")) // April; March has none

	n, err := db.R.Collection(store.CollAuditByPatient).CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	assert.Equal(t, int64(3), n, "one document per month with accesses")
	var doc bson.M
	require.NoError(t, db.R.Collection(store.CollAuditByPatient).FindOne(ctx,
		bson.D{{Key: "_id", Value: "p1:2026-01"}}).Decode(&doc))
	assert.Equal(t, "p1", doc["patient_id"])
	assert.Len(t, doc["events"], 2)

	for months, want := range map[int][]int64{1: {4}, 2: {4}, 3: {4, 3}, 4: {4, 3, 2, 1}, 12: {4, 3, 2, 1}} {
		tr, err := l.ByPatient(ctx, "p1", months)
		require.NoError(t, err)
		var got []int64
		for _, a := range tr.Accesses {
			got = append(got, a.Seq)
		}
		assert.Equal(t, want, got, "%d months", months)
	}
}

// The follow-up is idempotent: Reindex re-applies it over the whole chain, twice.
func TestPatientEntriesAreWrittenOnce(t *testing.T) {
	l, db := newLog(t)
	ctx := context.Background()
	for i := range 12 {
		_, err := l.Append(ctx, read(pid(i%3)))
		require.NoError(t, err)
	}
	for range 2 {
		n, err := l.Reindex(ctx, 1, 12)
		require.NoError(t, err)
		assert.Equal(t, 12, n)
	}
	for p := range 3 {
		var doc struct {
			Events []string `bson:"events"`
			N      int64    `bson:"n"`
		}
		require.NoError(t, db.R.Collection(store.CollAuditByPatient).FindOne(ctx,
			bson.D{{Key: "_id", Value: audit.BucketID(pid(p), time.Now())}}).Decode(&doc))
		assert.Len(t, doc.Events, 4, "no duplicates stored")
		assert.Equal(t, int64(4), doc.N)
	}
}

func TestPatientMonthIsCappedAndCountsTheRest(t *testing.T) {
	l, _ := newLog(t)
	ctx := context.Background()
	l.SetMonthCap(5)
	appendN(t, l, 8, read("p1"))
	tr, err := l.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	assert.Len(t, tr.Accesses, 5)
	assert.Equal(t, int64(3), tr.Unlisted)
	assert.Equal(t, int64(5), tr.Accesses[0].Seq, "the first five of the month are listed")

	// Re-applying every follow-up neither lists nor counts anything twice.
	_, err = l.Reindex(ctx, 1, 8)
	require.NoError(t, err)
	tr, err = l.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	assert.Len(t, tr.Accesses, 5)
	assert.Equal(t, int64(3), tr.Unlisted)

	// Rebuilt from the chain in one go, the month comes out the same.
	_, err = l.DB().W.Collection(store.CollAuditByPatient).DeleteMany(ctx, bson.D{})
	require.NoError(t, err)
	n, err := l.Reindex(ctx, 1, 8)
	require.NoError(t, err)
	assert.Equal(t, 8, n)
	tr, err = l.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	assert.Len(t, tr.Accesses, 5)
	assert.Equal(t, int64(3), tr.Unlisted)
	assert.Equal(t, int64(5), tr.Accesses[0].Seq)

	// A new process does not know the month is full yet.
	again := audit.NewProcess(l.DB())
	again.SetMonthCap(5)
	_, err = again.Append(ctx, read("p1"))
	require.NoError(t, err)
	tr, err = again.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(tr.Accesses), 6, "at most one over the cap per process start")
	assert.Equal(t, int64(9), int64(len(tr.Accesses))+tr.Unlisted, "every event listed or counted")
}

func TestConcurrentAppendsForOnePatientAreAllListed(t *testing.T) {
	l, _ := newLog(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				_, err := l.Append(ctx, read("p1"))
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	tr, err := l.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	require.Len(t, tr.Accesses, 100)
	for i, a := range tr.Accesses {
		assert.Equal(t, int64(100-i), a.Seq)
	}
}

func TestAccessEncodingKeepsSeparatorsInValues(t *testing.T) {
	l, _ := newLog(t)
	ctx := context.Background()
	_, err := l.Append(ctx, audit.Entry{User: "a|b%7C", Role: "nurse", Action: audit.ActionPatientRead, PatientID: "p1",
		Outcome: audit.OK, IP: "1.2.3.4|x"})
	require.NoError(t, err)
	tr, err := l.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	require.Len(t, tr.Accesses, 1)
	assert.Equal(t, "a|b%7C", tr.Accesses[0].User)
	assert.Equal(t, "1.2.3.4|x", tr.Accesses[0].IP)
}

// A crash after inserting events but before the head update and the patient entries:
// Recover moves the head and writes the missing entries.
func TestRecoverCompletesWhatACrashLeftUndone(t *testing.T) {
	l, db := newLog(t)
	ctx := context.Background()
	evs := appendN(t, l, 10, read("p1"))
	_, err := db.W.Collection(store.CollAuditHead).UpdateOne(ctx, bson.D{{Key: "_id", Value: "head"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: int64(4)}, {Key: "hash", Value: evs[3].Hash}}}})
	require.NoError(t, err)
	_, err = db.W.Collection(store.CollAuditByPatient).DeleteMany(ctx, bson.D{})
	require.NoError(t, err)

	restarted := audit.NewProcess(db)
	r, err := restarted.Recover(ctx)
	require.NoError(t, err)
	assert.Equal(t, audit.RecoverReport{HeadWas: 4, Tip: 10, Reindexed: 10}, r)
	seq, _, err := restarted.Tip(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(10), seq)
	var head struct {
		Seq int64 `bson:"seq"`
	}
	require.NoError(t, db.R.Collection(store.CollAuditHead).FindOne(ctx, bson.D{{Key: "_id", Value: "head"}}).Decode(&head))
	assert.Equal(t, int64(10), head.Seq)
	tr, err := restarted.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	assert.Len(t, tr.Accesses, 10)

	r, err = restarted.Recover(ctx)
	require.NoError(t, err)
	assert.Equal(t, audit.RecoverReport{HeadWas: 10, Tip: 10, Reindexed: 10}, r, "a second run changes nothing")
	tr, err = restarted.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	assert.Len(t, tr.Accesses, 10)
}

func TestGetReturnsTheWholeEvent(t *testing.T) {
	l, _ := newLog(t)
	ctx := context.Background()
	evs := appendN(t, l, 2, read("p1"))
	e, err := l.Get(ctx, 2)
	require.NoError(t, err)
	assert.Equal(t, evs[1], e)
	_, err = l.Get(ctx, 3)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// The event is durable before its patient entry is written: a failing entry does not
// fail the append; it is retried by the next append (and by Recover).
func TestAFailedPatientEntryIsRetried(t *testing.T) {
	l, db := newLog(t)
	ctx := context.Background()
	month := db.W.Collection(store.CollAuditByPatient)
	// A month document the entry cannot be pushed into.
	_, err := month.InsertOne(ctx, bson.D{{Key: "_id", Value: audit.BucketID("p1", time.Now())}, {Key: "events", Value: "not a list"}})
	require.NoError(t, err)
	e, err := l.Append(ctx, read("p1"))
	require.NoError(t, err, "the event itself is stored")
	assert.Equal(t, 1, l.Pending())
	_, err = l.Get(ctx, e.Seq)
	require.NoError(t, err)

	_, err = month.DeleteOne(ctx, bson.D{{Key: "_id", Value: audit.BucketID("p1", time.Now())}})
	require.NoError(t, err)
	_, err = l.Append(ctx, read("p2"))
	require.NoError(t, err)
	assert.Zero(t, l.Pending())
	tr, err := l.ByPatient(ctx, "p1", 1)
	require.NoError(t, err)
	require.Len(t, tr.Accesses, 1)
	assert.Equal(t, e.Seq, tr.Accesses[0].Seq)
}
