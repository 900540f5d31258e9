package audit

import (
	"context"
	"fmt"
)

// RecoverReport says what Recover found and fixed.
type RecoverReport struct {
	HeadWas   int64 // what the head document said
	Tip       int64 // the newest event found by probing past it
	Reindexed int   // events whose per-patient entry was checked (and added if missing)
}

// Recover is run at start-up and by `check --repair`: it moves a lagging head to the
// newest event (a crash between an insert and the head update leaves it behind) and
// re-applies the per-patient follow-ups of the newest RecoverWindow events (the only
// ones a crash can have interrupted) and of any deferred by this process. Every step
// is idempotent.
func (l *Log) Recover(ctx context.Context) (RecoverReport, error) {
	var r RecoverReport
	seq, hash, err := l.readHead(ctx)
	if err != nil {
		return r, err
	}
	r.HeadWas = seq
	if r.Tip, hash, err = l.probe(ctx, seq, hash); err != nil {
		return r, err
	}
	if r.Tip > r.HeadWas {
		if err := l.advanceHead(ctx, r.Tip, hash); err != nil {
			return r, fmt.Errorf("audit: advance head: %w", err)
		}
		l.log.Info("audit: head moved past events a crash left unrecorded", "from", r.HeadWas, "to", r.Tip)
	}
	r.Reindexed, err = l.Reindex(ctx, r.Tip-RecoverWindow+1, r.Tip)
	if err != nil {
		return r, err
	}
	for l.Pending() > 0 {
		before := l.Pending()
		l.retryPending(ctx)
		if l.Pending() >= before {
			return r, fmt.Errorf("audit: %d per-patient entries still cannot be written", before)
		}
	}
	return r, nil
}

// Reindex re-applies the per-patient follow-ups of events from..to (repair after a
// restore or a long outage); entries already present are left alone. Each patient
// month is read and written once per 10,000 events. It returns how many events with a
// patient it looked at.
func (l *Log) Reindex(ctx context.Context, from, to int64) (int, error) {
	n := 0
	groups := map[string][]Event{}
	var failed error
	flush := func() {
		for _, evs := range groups {
			if failed == nil {
				failed = l.ensure(ctx, evs...)
			}
		}
		clear(groups)
	}
	_, err := l.each(ctx, max(from, 1), to, func(e Event, found bool) bool {
		if !found || e.PatientID == "" {
			return false
		}
		id := bucketID(e.PatientID, e.At)
		groups[id] = append(groups[id], e)
		if n++; n%10000 == 0 {
			flush()
		}
		return failed != nil
	})
	flush()
	if err == nil {
		err = failed
	}
	return n, err
}

// defer1 remembers an event whose follow-up failed; the next Append or Recover retries it.
func (l *Log) defer1(e Event) {
	l.pendingMu.Lock()
	defer l.pendingMu.Unlock()
	if len(l.pending) >= 10000 {
		l.log.Error("audit: too many deferred per-patient entries; dropping the oldest (run Recover or Reindex)",
			"seq", l.pending[0].Seq)
		l.pending = l.pending[1:]
	}
	l.pending = append(l.pending, e)
}

// retryPending re-applies a few deferred follow-ups.
func (l *Log) retryPending(ctx context.Context) {
	l.pendingMu.Lock()
	n := min(len(l.pending), 16)
	batch := append([]Event(nil), l.pending[:n]...)
	l.pending = l.pending[n:]
	l.pendingMu.Unlock()
	var failed error
	for _, e := range batch {
		if failed == nil {
			failed = l.ensure(ctx, e)
		}
		if failed != nil {
			l.defer1(e)
		}
	}
}

// Pending reports how many per-patient entries wait for a retry.
func (l *Log) Pending() int {
	l.pendingMu.Lock()
	defer l.pendingMu.Unlock()
	return len(l.pending)
}
