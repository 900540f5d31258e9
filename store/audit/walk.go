package audit

import (
	"context"
	"fmt"
	"math"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// maxOutOfOrder is how many later events a streamed walk holds while waiting for the
// next one before looking it up by _id.
const maxOutOfOrder = 4096

// each calls fn for every sequence number from..to in ascending order, with the event
// or found false, until fn returns true (to may be math.MaxInt64 when streaming: up to
// the last event). It returns the newest event it came across.
//
// On MongoDB it reads batches of explicit _ids. On the embedded engine it reads the
// whole collection once in stored order, which is sequence order there (an event is
// inserted only after the one before it exists): about 140 µs an event, against an _id
// lookup whose cost grows with the collection (2–5 ms at a thousand events: FerretDB
// 1.24's SQLite query does not use its own _id index) and a $in that scans it all.
func (l *Log) each(ctx context.Context, from, to int64, fn func(e Event, found bool) bool) (newest Event, err error) {
	if from > to {
		return newest, nil
	}
	if l.streams() {
		return l.eachStreamed(ctx, from, to, fn)
	}
	for lo := from; lo <= to; lo += batchSize {
		hi := min(lo+batchSize-1, to)
		got, err := l.fetch(ctx, span(lo, hi))
		if err != nil {
			return newest, err
		}
		for s := lo; s <= hi; s++ {
			e, found := got[s]
			e.Seq = s
			if found {
				newest = e
			}
			if fn(e, found) {
				return newest, nil
			}
		}
	}
	return newest, nil
}

func (l *Log) eachStreamed(ctx context.Context, from, to int64, fn func(e Event, found bool) bool) (newest Event, err error) {
	next := from
	held := map[int64]Event{}
	// emit hands over held events from next on; it reports whether the walk is over.
	emit := func() bool {
		for next <= to {
			e, ok := held[next]
			if !ok {
				return false
			}
			delete(held, next)
			next++
			if fn(e, true) {
				return true
			}
		}
		return true
	}
	// lookUp settles next by _id: out of stored order (deleted and inserted again), or gone.
	lookUp := func() (bool, error) {
		e, found, err := l.get(ctx, next)
		switch {
		case err != nil:
			return true, err
		case found:
			held[next] = e
		default:
			next++
			if fn(Event{Seq: next - 1}, false) {
				return true, nil
			}
		}
		return emit(), nil
	}
	done := false
	err = l.stream(ctx, func(e Event) (bool, error) {
		if e.Seq > newest.Seq {
			newest = e
		}
		if e.Seq < next || e.Seq > to {
			return false, nil
		}
		held[e.Seq] = e
		if done = emit(); done || len(held) <= maxOutOfOrder {
			return done, nil
		}
		var err error
		done, err = lookUp()
		return done, err
	})
	if err != nil || done {
		return newest, err
	}
	// The pass is over: what is still held waits for a missing event; up to a bounded
	// end, every event not seen is looked up (deleted, or inserted after the pass began).
	for !emit() && (len(held) > 0 || to != math.MaxInt64 && next <= to) {
		if done, err := lookUp(); done || err != nil {
			return newest, err
		}
	}
	return newest, nil
}

// stream calls fn for every event of the collection in stored order, until it returns
// true or an error.
func (l *Log) stream(ctx context.Context, fn func(Event) (bool, error)) error {
	cur, err := l.chain.R.Find(store.DeclaredScan(ctx, "verifying the whole chain"), bson.D{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return fmt.Errorf("audit: read the chain: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d eventDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("audit: read the chain: %w", err)
		}
		e, err := d.event()
		if err != nil {
			continue // not an event: walks go by number, and Verify reports the gap
		}
		if stop, err := fn(e); stop || err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("audit: read the chain: %w", err)
	}
	return nil
}
