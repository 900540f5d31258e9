package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/audit"
)

// Both ways of walking the chain: the embedded engine's one pass over the collection, and
// MongoDB's batches of explicit _ids (correct on the embedded engine, but each $in there
// is a collection scan).
var fetchModes = map[string]bool{"stream": false, "$in batches": true}

func TestVerifyCleanChainOf1000(t *testing.T) {
	l, _ := newLog(t)
	ctx := context.Background()
	began := time.Now()
	evs := appendN(t, l, 100, read("p1"))
	t.Logf("100 appends with a patient, one at a time: %v each", (time.Since(began) / 100).Round(time.Microsecond))
	// The other 900 are built here and stored in one write, which is quicker than appending.
	at := time.Now().UTC().Truncate(time.Millisecond)
	prev := evs[len(evs)-1]
	var rest []audit.Event
	for s := int64(101); s <= 1000; s++ {
		e := audit.Event{Seq: s, At: at, User: "nurse1", Role: "nurse", Action: audit.ActionPatientRead,
			PatientID: pid(int(s % 40)), Object: "chart:overview", Outcome: audit.OK, RequestID: "r", IP: "10.0.0.7", Prev: prev.Hash}
		e.Hash = e.ComputeHash()
		rest, prev = append(rest, e), e
	}
	require.NoError(t, l.InsertChain(ctx, rest))
	for name, in := range fetchModes {
		l.UseBatchIn(in)
		r, err := l.Verify(ctx, 0, 0)
		require.NoError(t, err)
		assert.True(t, r.OK(), "%s: %+v", name, r.Break)
		assert.Equal(t, int64(1), r.From)
		assert.Equal(t, int64(1000), r.To)
		assert.Equal(t, int64(1000), r.Checked)
		assert.Equal(t, int64(1000), r.TipSeq)
		t.Logf("verify 1,000 events with %s: %v", name, r.Took.Round(time.Millisecond))

		r, err = l.Verify(ctx, 400, 600)
		require.NoError(t, err)
		assert.True(t, r.OK())
		assert.Equal(t, int64(201), r.Checked)
	}
}

// chain30 is a fresh log with 30 events, and them.
func chain30(t *testing.T) (*audit.Log, *store.DB, []audit.Event) {
	l, db := newLog(t)
	return l, db, appendN(t, l, 30, read("p1"))
}

func verifyAll(t *testing.T, l *audit.Log) audit.Report {
	t.Helper()
	r, err := l.Verify(context.Background(), 0, 0)
	require.NoError(t, err)
	return r
}

func TestVerifyFindsTheEditedEvent(t *testing.T) {
	for name, in := range fetchModes {
		t.Run(name, func(t *testing.T) {
			l, db, _ := chain30(t)
			l.UseBatchIn(in)
			setEventField(t, db, 17, "user", "someone_else")
			r := verifyAll(t, l)
			require.NotNil(t, r.Break)
			assert.Equal(t, int64(17), r.Break.Seq)
			assert.Equal(t, audit.Edited, r.Break.Problem)
			assert.Equal(t, int64(16), r.Checked, "everything before it holds")

			r, err := l.Verify(context.Background(), 1, 16)
			require.NoError(t, err)
			assert.True(t, r.OK(), "the range before the edit verifies")
		})
	}
}

func TestVerifyFindsAnEditedTime(t *testing.T) {
	l, db, evs := chain30(t)
	setEventField(t, db, 5, "at", evs[4].At.Add(-time.Hour))
	r := verifyAll(t, l)
	require.NotNil(t, r.Break)
	assert.Equal(t, audit.Break{Seq: 5, Problem: audit.Edited, Detail: r.Break.Detail}, *r.Break)
}

func TestVerifyFindsTheDeletedEvent(t *testing.T) {
	for name, in := range fetchModes {
		t.Run(name, func(t *testing.T) {
			l, db, _ := chain30(t)
			l.UseBatchIn(in)
			deleteEvent(t, db, 17)
			r := verifyAll(t, l)
			require.NotNil(t, r.Break)
			assert.Equal(t, int64(17), r.Break.Seq)
			assert.Equal(t, audit.Missing, r.Break.Problem)
		})
	}
}

func TestVerifyFindsTheDeletedNewestEvent(t *testing.T) {
	l, db, _ := chain30(t)
	deleteEvent(t, db, 30)
	r := verifyAll(t, l)
	require.NotNil(t, r.Break, "the head recorded 30 events")
	assert.Equal(t, int64(30), r.Break.Seq)
	assert.Equal(t, audit.Missing, r.Break.Problem)
}

// The head lags (a crash) and an event past it is deleted: later events still show it.
func TestVerifyFindsADeletionPastALaggingHead(t *testing.T) {
	l, db, evs := chain30(t)
	_, err := db.W.Collection(store.CollAuditHead).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: "head"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: int64(20)}, {Key: "hash", Value: evs[19].Hash}}}})
	require.NoError(t, err)
	deleteEvent(t, db, 24)
	r := verifyAll(t, l)
	require.NotNil(t, r.Break)
	assert.Equal(t, audit.Break{Seq: 24, Problem: audit.Missing, Detail: r.Break.Detail}, *r.Break)
	assert.Equal(t, int64(30), r.TipSeq)
}

// An event re-pointed at another predecessor, with its own hash recomputed.
func TestVerifyFindsARelinkedEvent(t *testing.T) {
	l, db, evs := chain30(t)
	e := evs[16] // seq 17
	e.Prev = evs[14].Hash
	setEventField(t, db, 17, "prev", e.Prev)
	setEventField(t, db, 17, "hash", e.ComputeHash())
	r := verifyAll(t, l)
	require.NotNil(t, r.Break)
	assert.Equal(t, int64(17), r.Break.Seq)
	assert.Equal(t, audit.Relinked, r.Break.Problem)
}

// An edit by someone who knows the algorithm and recomputes the event's hash shows at
// the next link.
func TestVerifyFindsARewrittenEventAtTheNextLink(t *testing.T) {
	l, db, evs := chain30(t)
	e := evs[16]
	e.User = "someone_else"
	setEventField(t, db, 17, "user", e.User)
	setEventField(t, db, 17, "hash", e.ComputeHash())
	r := verifyAll(t, l)
	require.NotNil(t, r.Break)
	assert.Equal(t, int64(18), r.Break.Seq)
	assert.Equal(t, audit.Relinked, r.Break.Problem)
}

// Rewriting the newest event with a recomputed hash leaves no next link; the head's
// copy of its hash catches it.
func TestVerifyFindsARewrittenNewestEventByTheHead(t *testing.T) {
	l, db, evs := chain30(t)
	e := evs[29]
	e.Outcome = audit.Denied
	setEventField(t, db, 30, "outcome", e.Outcome)
	setEventField(t, db, 30, "hash", e.ComputeHash())
	r := verifyAll(t, l)
	require.NotNil(t, r.Break)
	assert.Equal(t, int64(30), r.Break.Seq)
	assert.Equal(t, audit.Edited, r.Break.Problem)
}

func TestVerifyOfAnEmptyChain(t *testing.T) {
	l, _ := newLog(t)
	r := verifyAll(t, l)
	assert.True(t, r.OK())
	assert.Zero(t, r.Checked)
	assert.Zero(t, r.TipSeq)
	assert.Equal(t, audit.Genesis, r.TipHash)
}

func TestVerifyOfARange(t *testing.T) {
	for name, in := range fetchModes {
		t.Run(name, func(t *testing.T) {
			l, db, _ := chain30(t)
			l.UseBatchIn(in)
			ctx := context.Background()
			for _, tc := range []struct{ from, to, checked, reportedTo int64 }{
				{5, 10, 6, 10}, {1, 50, 30, 30}, {25, 0, 6, 30}, {31, 40, 0, 30},
			} {
				r, err := l.Verify(ctx, tc.from, tc.to)
				require.NoError(t, err)
				assert.True(t, r.OK(), "%d..%d: %+v", tc.from, tc.to, r.Break)
				assert.Equal(t, tc.checked, r.Checked, "%d..%d", tc.from, tc.to)
				assert.Equal(t, tc.reportedTo, r.To, "%d..%d", tc.from, tc.to)
				assert.Equal(t, int64(30), r.TipSeq)
			}
			deleteEvent(t, db, 12)
			r, err := l.Verify(ctx, 5, 10)
			require.NoError(t, err)
			assert.True(t, r.OK(), "the deletion is outside the range")
			r, err = l.Verify(ctx, 13, 20)
			require.NoError(t, err)
			require.NotNil(t, r.Break, "the range starts after a missing event")
			assert.Equal(t, int64(12), r.Break.Seq)
			r, err = l.Verify(ctx, 10, 15)
			require.NoError(t, err)
			require.NotNil(t, r.Break)
			assert.Equal(t, audit.Break{Seq: 12, Problem: audit.Missing, Detail: r.Break.Detail}, *r.Break)
		})
	}
}
