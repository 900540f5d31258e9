package audit

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Problem is how a link of the chain is broken.
type Problem string

// The ways a link can break.
const (
	Edited   Problem = "edited"   // the event's fields no longer match its hash
	Missing  Problem = "missing"  // no event at this place although later ones exist: deleted
	Relinked Problem = "relinked" // its prev is not the hash of the event before it
)

// Break is the first broken link Verify found.
type Break struct {
	Seq     int64
	Problem Problem
	Detail  string
}

// Report is the result of walking part of the chain.
type Report struct {
	From, To int64 // the range walked
	Checked  int64 // events whose hash and link were checked and found right
	TipSeq   int64 // the newest event known (past a break: the newest seen); write it down to anchor the chain
	TipHash  string
	Break    *Break // nil when every link in the range holds
	Took     time.Duration
}

// OK reports whether the range verified.
func (r Report) OK() bool { return r.Break == nil }

// lookAhead is how far past the first missing place Verify looks for later events: the
// head can lag the newest events by the appends in flight when a process died.
const lookAhead = 16

// Verify walks events from..to (from < 1 means 1; to < 1 or past the tip means the tip)
// and reports the first broken link: an event whose fields were edited (its hash no
// longer matches), one that was deleted (missing while later events exist, or while
// the head records it), or one whose prev is not the hash of the event before it
// (re-linked, or the event before it was rewritten together with its hash). It also
// checks the newest event against the hash the head recorded. Rewriting a whole tail
// consistently is only caught against a tip hash written down elsewhere (TipHash).
//
// On MongoDB it reads batches of 256 explicit _ids; on the embedded engine it reads the
// collection once, whatever the range (about 140 µs an event; see each).
func (l *Log) Verify(ctx context.Context, from, to int64) (r Report, err error) {
	start := time.Now()
	defer func() { r.Took = time.Since(start) }()
	headSeq, headHash, err := l.readHead(ctx)
	if err != nil {
		return Report{}, err
	}
	from = max(from, 1)
	r = Report{From: from, TipSeq: headSeq, TipHash: headHash}
	walkTo := int64(math.MaxInt64) // streaming: the pass finds the end of the chain
	if !l.streams() {
		if r.TipSeq, r.TipHash, err = l.farTip(ctx, headSeq, headHash); err != nil {
			return Report{}, err
		}
		walkTo = r.TipSeq
	}
	if to < 1 {
		to = math.MaxInt64
	}
	if !l.streams() {
		walkTo = min(walkTo, to)
	}
	prev := Genesis
	if from > 1 && from <= walkTo {
		e, found, err := l.get(ctx, from-1)
		if err != nil {
			return r, err
		}
		if !found {
			r.Break = &Break{Seq: from - 1, Problem: Missing, Detail: "the event before the range is missing"}
			return r, nil
		}
		prev = e.Hash
	}
	last := from - 1
	newest, err := l.each(ctx, from, walkTo, func(e Event, found bool) bool {
		if e.Seq > to {
			return true
		}
		if r.Break = check(e, found, prev, headSeq, headHash); r.Break != nil {
			return true
		}
		prev, last = e.Hash, e.Seq
		r.Checked++
		return false
	})
	if err != nil {
		return r, err
	}
	if newest.Seq > r.TipSeq {
		r.TipSeq, r.TipHash = newest.Seq, newest.Hash
	}
	r.To = min(to, r.TipSeq)
	if r.Break == nil && last < min(headSeq, to) {
		r.Break = &Break{Seq: last + 1, Problem: Missing, Detail: fmt.Sprintf(
			"the head records event %d but the chain ends at %d: the newest events were deleted", headSeq, last)}
	}
	return r, nil
}

// streams reports whether walks read the whole collection in one pass (embedded engine).
func (l *Log) streams() bool { return l.db.Embedded && !l.batchIn }

// check says what is wrong with event e (sequence number s), if anything, given the
// hash of the one before.
func check(e Event, found bool, prev string, headSeq int64, headHash string) *Break {
	s := e.Seq
	switch {
	case !found:
		return &Break{Seq: s, Problem: Missing, Detail: fmt.Sprintf("event %d is missing: deleted", s)}
	case e.ComputeHash() != e.Hash:
		return &Break{Seq: s, Problem: Edited, Detail: fmt.Sprintf("event %d was changed: its fields do not match its hash", s)}
	case e.Prev != prev:
		return &Break{Seq: s, Problem: Relinked, Detail: fmt.Sprintf(
			"event %d does not point at event %d: one of them was rewritten with a new hash, or %d re-linked", s, s-1, s)}
	case s == headSeq && e.Hash != headHash:
		return &Break{Seq: s, Problem: Edited, Detail: fmt.Sprintf(
			"event %d's hash differs from the one the head recorded: it or an event before it was rewritten with new hashes", s)}
	}
	return nil
}

// farTip is Tip that also looks a little past a missing place, so deleting the newest
// events while the head lagged still shows as a gap.
func (l *Log) farTip(ctx context.Context, seq int64, hash string) (int64, string, error) {
	for {
		var err error
		if seq, hash, err = l.probe(ctx, seq, hash); err != nil {
			return 0, "", err
		}
		got, err := l.fetch(ctx, span(seq+2, seq+1+lookAhead))
		if err != nil {
			return 0, "", err
		}
		later := int64(0)
		for s := range got {
			later = max(later, s)
		}
		if later == 0 {
			return seq, hash, nil
		}
		seq, hash = later, got[later].Hash
	}
}
