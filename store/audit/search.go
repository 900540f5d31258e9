package audit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"hms/store"
)

// Filter selects events for the audit viewer; empty fields match everything. Values are
// only compared in Go, never put into a database filter.
type Filter struct {
	PatientID string
	User      string
	Action    string    // exact, or a prefix ending in "." ("login." matches login.ok and login.fail)
	Outcome   string    // OK, Denied or Failed
	From, To  time.Time // From inclusive, To exclusive; zero is open
}

// Result is one page of the audit viewer.
type Result struct {
	Events  []Event // newest first, at most the limit asked for
	More    bool    // more matches may exist: past the limit, past the scanned window, or unlisted in a full month
	Scanned int     // events or per-patient entries examined
}

// clockSkew is how far out of time order events may be stored: appenders on other
// hosts stamp their own clock.
const clockSkew = time.Minute

func (f Filter) match(e Event) bool {
	switch {
	case f.PatientID != "" && e.PatientID != f.PatientID,
		f.User != "" && e.User != f.User,
		f.Outcome != "" && e.Outcome != f.Outcome,
		!f.From.IsZero() && e.At.Before(f.From),
		!f.To.IsZero() && !e.At.Before(f.To):
		return false
	case f.Action == "", e.Action == f.Action:
		return true
	}
	return strings.HasSuffix(f.Action, ".") && strings.HasPrefix(e.Action, f.Action)
}

// Search returns the newest events matching f, at most limit (at most MaxLimit; 100
// when limit < 1).
//
// With a patient it reads that patient's month documents from To back to From (the last
// 12 months when From is zero, at most MaxMonths), one _id lookup each; those events
// carry no request id or hashes (Get has them). Without a patient it examines the
// newest ScanWindow events and filters them in Go: on MongoDB by batches of explicit
// _ids walking back from the tip; on the embedded engine, where that is a collection
// scan per batch, in one pass over the collection. More is set when matches may exist
// beyond what was examined.
func (l *Log) Search(ctx context.Context, f Filter, limit int) (Result, error) {
	if limit < 1 {
		limit = 100
	}
	limit = min(limit, MaxLimit)
	if f.PatientID != "" {
		if !patientRE.MatchString(f.PatientID) {
			return Result{}, fmt.Errorf("%w: patient id", store.ErrInvalid)
		}
		return l.searchPatient(ctx, f, limit)
	}
	var since time.Time
	if !f.From.IsZero() {
		since = f.From.Add(-clockSkew)
	}
	newest, more, err := l.newest(ctx, since)
	if err != nil {
		return Result{}, err
	}
	r := Result{Events: []Event{}, More: more}
	for _, e := range newest {
		r.Scanned++
		if !f.match(e) {
			continue
		}
		if len(r.Events) == limit {
			r.More = true
			break
		}
		r.Events = append(r.Events, e)
	}
	return r, nil
}

// newest returns up to scanWindow of the newest events, newest first, stopping early at
// events before since; more reports that older events were left unread.
func (l *Log) newest(ctx context.Context, since time.Time) ([]Event, bool, error) {
	if l.streams() {
		return l.newestStreamed(ctx, since)
	}
	tip, _, err := l.Tip(ctx)
	if err != nil {
		return nil, false, err
	}
	var out []Event
	hi := tip
	for hi >= 1 && len(out) < l.scanWindow {
		lo := max(1, hi-batchSize+1, hi-int64(l.scanWindow-len(out))+1)
		got, err := l.fetch(ctx, span(lo, hi))
		if err != nil {
			return nil, false, err
		}
		older := true
		for s := hi; s >= lo; s-- {
			if e, found := got[s]; found {
				out = append(out, e)
				older = older && e.At.Before(since)
			}
		}
		hi = lo - 1
		if older && !since.IsZero() && len(got) > 0 { // a whole batch before since: stop
			return out, false, nil
		}
	}
	return out, hi >= 1, nil
}

// newestStreamed reads the collection once, keeping the newest scanWindow events.
func (l *Log) newestStreamed(ctx context.Context, since time.Time) ([]Event, bool, error) {
	ring := make([]Event, 0, l.scanWindow)
	total, at := 0, 0
	err := l.stream(ctx, func(e Event) (bool, error) {
		total++
		if len(ring) < l.scanWindow {
			ring = append(ring, e)
		} else {
			ring[at] = e
			at = (at + 1) % l.scanWindow
		}
		return false, nil
	})
	if err != nil {
		return nil, false, err
	}
	slices.SortFunc(ring, func(x, y Event) int { return cmp.Compare(y.Seq, x.Seq) })
	more := total > len(ring)
	if more && !since.IsZero() && len(ring) > 0 && ring[len(ring)-1].At.Before(since) {
		more = false // the window reaches back past since
	}
	return ring, more, nil
}

func (l *Log) searchPatient(ctx context.Context, f Filter, limit int) (Result, error) {
	to := f.To
	if to.IsZero() {
		to = l.now()
	}
	to = to.UTC()
	from := f.From
	if from.IsZero() {
		from = to.AddDate(0, -12, 0)
	}
	month := monthOf(to.Add(-time.Millisecond))
	r := Result{Events: []Event{}}
	for i := 0; !month.Before(monthOf(from)); i, month = i+1, month.AddDate(0, -1, 0) {
		if i == MaxMonths {
			r.More = true
			break
		}
		list, b, err := l.bucket(ctx, bucketID(f.PatientID, month))
		if err != nil {
			return r, err
		}
		r.More = r.More || b.Over > 0
		for _, a := range list {
			r.Scanned++
			e := a.event(f.PatientID)
			if !f.match(e) {
				continue
			}
			if len(r.Events) == limit {
				r.More = true
				return r, nil
			}
			r.Events = append(r.Events, e)
		}
	}
	return r, nil
}

func monthOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// event is the part of an event a month document keeps.
func (a Access) event(patientID string) Event {
	return Event{Seq: a.Seq, At: a.At, User: a.User, Role: a.Role, Action: a.Action,
		PatientID: patientID, Object: a.Object, Outcome: a.Outcome, IP: a.IP}
}
