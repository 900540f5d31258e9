package audit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

const headID = "head"

// followUpTimeout bounds the writes after an event is stored (head, patient month).
const followUpTimeout = 5 * time.Second

type headDoc struct {
	ID   string    `bson:"_id"`
	Seq  int64     `bson:"seq"`
	Hash string    `bson:"hash"`
	At   time.Time `bson:"at"`
}

// Append writes one event at the end of the chain and returns it. A nil error means the
// event is stored; any error means it is not, and the caller must refuse the access
// (errors.Is(err, ErrUnavailable); a bad entry gives store.ErrInvalid).
//
// The place is claimed by inserting _id = next sequence number: an insert of an existing
// _id fails on every engine, so two writers (goroutines or processes) never share a
// place; the loser moves past the winner and tries the next one. The head document and
// the patient's month document follow; a failure there does not lose the event (the
// head is probed past, the follow-up is retried and re-applied by Recover).
func (l *Log) Append(ctx context.Context, in Entry) (Event, error) {
	in, err := in.check()
	if err != nil {
		return Event{}, err
	}
	e := Event{User: in.User, Role: in.Role, Action: in.Action, PatientID: in.PatientID,
		Object: in.Object, Outcome: in.Outcome, RequestID: in.RequestID, IP: in.IP}
	if err := l.claim(ctx, &e); err != nil {
		return Event{}, err
	}
	// The event is stored: finish what follows it even if the request has gone away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), followUpTimeout)
	defer cancel()
	if err := l.advanceHead(ctx, e.Seq, e.Hash); err != nil {
		l.log.Warn("audit: head not advanced; the next append probes past it", "seq", e.Seq, "err", err)
	}
	if e.PatientID != "" {
		if err := l.add(ctx, e); err != nil {
			l.log.Warn("audit: per-patient entry deferred", "seq", e.Seq, "err", err)
			l.defer1(e)
		}
	}
	l.retryPending(ctx)
	return e, nil
}

// claim numbers e, links it to the event before and inserts it. Appends of this
// process take turns (one writer per database), so they never race each other for a
// place; other processes are kept out by the unique _id.
func (l *Log) claim(ctx context.Context, e *Event) error {
	select {
	case l.w.sem <- struct{}{}:
	case <-ctx.Done():
		return unavailable("waiting for a turn", ctx.Err())
	}
	defer func() { <-l.w.sem }()
	// Stamped once it is this append's turn, so sequence order follows time order
	// within a process (Search stops walking back on time).
	e.At = l.now().UTC().Truncate(time.Millisecond)
	seq, prev := l.w.seq, l.w.hash
	if !l.w.known {
		var err error
		if seq, prev, err = l.readHead(ctx); err == nil {
			seq, prev, err = l.probe(ctx, seq, prev)
		}
		if err != nil {
			return unavailable("reading the chain head", err)
		}
	}
	for attempt := range maxClaims {
		e.Seq, e.Prev = seq+1, prev
		e.Hash = e.ComputeHash()
		_, err := l.chain.W.InsertOne(ctx, e.doc())
		if err == nil {
			l.w.seq, l.w.hash, l.w.known = e.Seq, e.Hash, true
			return nil
		}
		if !store.IsDuplicate(err) {
			// The insert may still have been applied; read the tip again next time.
			l.w.known = false
			return unavailable(fmt.Sprintf("writing event %d", e.Seq), err)
		}
		// Another writer took seq+1: wait a random moment, so the losers of this round do
		// not all collide again on the next place, then move past whatever was written.
		if err := pause(ctx, attempt); err != nil {
			l.w.known = false
			return unavailable("claiming a place", err)
		}
		if seq, prev, err = l.probe(ctx, seq, prev); err != nil {
			l.w.known = false
			return unavailable("reading the chain", err)
		}
	}
	l.w.known = false
	return unavailable("claiming a place", fmt.Errorf("lost %d races for the next sequence number", maxClaims))
}

// pause sleeps up to 0.5 ms × 2^attempt (at most 16 ms), at random.
func pause(ctx context.Context, attempt int) error {
	t := time.NewTimer(rand.N(500 * time.Microsecond << min(attempt, 5)))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// readHead returns the sequence number and hash the head document records, or the
// start of the chain when there is none.
func (l *Log) readHead(ctx context.Context) (int64, string, error) {
	var h headDoc
	err := l.head.R.FindOne(ctx, bson.D{{Key: "_id", Value: headID}}).Decode(&h)
	if store.NoDocs(err) {
		return 0, Genesis, nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("audit: head: %w", err)
	}
	return h.Seq, h.Hash, nil
}

// probe walks forward from event seq (whose hash is hash) while the next event exists,
// one _id lookup each, and returns the last one found.
func (l *Log) probe(ctx context.Context, seq int64, hash string) (int64, string, error) {
	for {
		e, found, err := l.get(ctx, seq+1)
		if err != nil || !found {
			return seq, hash, err
		}
		seq, hash = e.Seq, e.Hash
	}
}

// advanceHead moves the head to seq unless it is already there or beyond. The head
// collection holds one document, so the condition on seq costs nothing on either engine.
func (l *Log) advanceHead(ctx context.Context, seq int64, hash string) error {
	filter := bson.D{{Key: "_id", Value: headID}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: seq}}}}
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: seq}, {Key: "hash", Value: hash},
		{Key: "at", Value: l.now().UTC()}}}}
	for range 2 {
		res, err := l.head.W.UpdateOne(ctx, filter, set)
		if err != nil || res.MatchedCount > 0 {
			return err
		}
		// No head below seq: either there is none yet, or it is already at or past seq.
		_, err = l.head.W.InsertOne(ctx, headDoc{ID: headID, Seq: seq, Hash: hash, At: l.now().UTC()})
		if !store.IsDuplicate(err) {
			return err
		}
	}
	return nil
}

// get reads event seq by _id.
func (l *Log) get(ctx context.Context, seq int64) (Event, bool, error) {
	var d eventDoc
	err := l.chain.R.FindOne(ctx, bson.D{{Key: "_id", Value: key(seq)}}).Decode(&d)
	if store.NoDocs(err) {
		return Event{}, false, nil
	}
	if err != nil {
		return Event{}, false, fmt.Errorf("audit: event %d: %w", seq, err)
	}
	e, err := d.event()
	return e, err == nil, err
}

// Get returns event seq, or store.ErrNotFound.
func (l *Log) Get(ctx context.Context, seq int64) (Event, error) {
	e, found, err := l.get(ctx, seq)
	if err == nil && !found {
		err = store.ErrNotFound
	}
	return e, err
}

// Tip returns the newest event's sequence number and hash (0 and Genesis when the chain
// is empty): the head, then _id lookups past it while it lags.
func (l *Log) Tip(ctx context.Context) (int64, string, error) {
	seq, hash, err := l.readHead(ctx)
	if err == nil {
		seq, hash, err = l.probe(ctx, seq, hash)
	}
	return seq, hash, err
}
