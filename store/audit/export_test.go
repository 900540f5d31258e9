package audit

import (
	"context"
	"time"

	"hms/store"
)

// Hooks for the tests in package audit_test.

// SetClock makes the log stamp events with now().
func (l *Log) SetClock(now func() time.Time) { l.now = now }

// SetMonthCap changes MonthCap for this log.
func (l *Log) SetMonthCap(n int) { l.monthCap = n }

// SetScanWindow changes ScanWindow for this log.
func (l *Log) SetScanWindow(n int) { l.scanWindow = n }

// UseBatchIn switches walks between batches of explicit _ids (MongoDB's way) and one pass.
func (l *Log) UseBatchIn(on bool) { l.batchIn = on }

// Key is the _id of event seq.
func Key(seq int64) string { return key(seq) }

// BucketID is the _id of a patient's month document.
func BucketID(patientID string, t time.Time) string { return bucketID(patientID, t) }

// NewProcess returns a Log that shares nothing with the others in this process, as if
// it ran in another process (another app instance on the same MongoDB).
func NewProcess(db *store.DB) *Log {
	l := New(db, nil)
	l.w = newWriter()
	return l
}

// DB returns the database the log writes to.
func (l *Log) DB() *store.DB { return l.db }

// InsertChain stores events as they are, in one write: a quick way to build a long chain.
func (l *Log) InsertChain(ctx context.Context, events []Event) error {
	docs := make([]any, len(events))
	for i, e := range events {
		docs[i] = e.doc()
	}
	if _, err := l.chain.W.InsertMany(ctx, docs); err != nil {
		return err
	}
	last := events[len(events)-1]
	return l.advanceHead(ctx, last.Seq, last.Hash)
}
