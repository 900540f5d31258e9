package opd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// Queue states of a visit.
const (
	StateWaiting    = "waiting"
	StateVitalsDone = "vitals_done"
	StateWithDoctor = "with_doctor"
	StateCompleted  = "completed"
	StateSkipped    = "skipped"
	StateCancelled  = "cancelled"
)

// StateLabels are the names people read.
var StateLabels = map[string]string{StateWaiting: "Waiting", StateVitalsDone: "Vitals done", StateWithDoctor: "With doctor",
	StateCompleted: "Completed", StateSkipped: "Skipped", StateCancelled: "Cancelled"}

// Transitions is every allowed move of a visit; anything else is refused.
// A recall is skipped → waiting.
var Transitions = map[string][]string{
	StateWaiting:    {StateVitalsDone, StateWithDoctor, StateSkipped, StateCancelled},
	StateVitalsDone: {StateWithDoctor, StateSkipped, StateCancelled},
	StateWithDoctor: {StateCompleted},
	StateSkipped:    {StateWaiting, StateCancelled},
}

// CanMove reports whether a visit may go from one state to another.
func CanMove(from, to string) bool { return slices.Contains(Transitions[from], to) }

// DefaultConsult is the consultation length assumed before any consultation of the day ended.
const DefaultConsult = 10 * time.Minute

// QueueEntry is a visit as the queue shows it, keyed by visit id in the bucket.
type QueueEntry struct {
	VisitID        string    `bson:"visit_id"`
	Token          int64     `bson:"token"`
	PatientID      string    `bson:"patient_id"`
	MRN            string    `bson:"mrn"`
	Name           string    `bson:"name"`
	AgeSex         string    `bson:"age_sex"`
	State          string    `bson:"state"`
	Priority       string    `bson:"priority,omitempty"`
	PriorityReason string    `bson:"priority_reason,omitempty"`
	AppointmentID  string    `bson:"appointment_id,omitempty"`
	VitalsTaken    bool      `bson:"vitals_taken"`
	Abnormal       bool      `bson:"abnormal"` // some vital sign outside the normal range
	CheckedInAt    time.Time `bson:"checked_in_at"`
	CalledAt       time.Time `bson:"called_at,omitempty"`
	DoneAt         time.Time `bson:"done_at,omitempty"`
	Seq            int64     `bson:"seq"`
	// Worked out when the queue is read, for waiting patients.
	Position int           `bson:"-"` // 1 = next to be called
	Ahead    int           `bson:"-"` // patients before this one, the one with the doctor included
	EstWait  time.Duration `bson:"-"` // Ahead × the doctor's average consultation today
}

// Waiting reports whether the patient is waiting to be called (vitals taken or not).
func (e QueueEntry) Waiting() bool { return e.State == StateWaiting || e.State == StateVitalsDone }

// queueDoc is the bucket queue:<date>:<doctor>.
type queueDoc struct {
	ID         string                `bson:"_id"`
	Date       string                `bson:"date"`
	Doctor     string                `bson:"doctor"`
	DoctorName string                `bson:"doctor_name"`
	Department string                `bson:"department"`
	Room       string                `bson:"room,omitempty"`
	Entries    map[string]QueueEntry `bson:"entries"`
}

// QueueID is the _id of a doctor's queue bucket for a date.
func QueueID(date, doctor string) string { return "queue:" + date + ":" + doctor }

// Queue is a doctor's queue of one date, in calling order: with the doctor first, then
// waiting patients (priority first, then token), then skipped, completed, cancelled.
type Queue struct {
	Date, Doctor, DoctorName, Department, Room string
	Entries                                    []QueueEntry
	AvgConsult                                 time.Duration // mean called→done of today's completed visits
	AvgMeasured                                bool          // false: DefaultConsult, none completed yet
}

func group(state string) int {
	switch state {
	case StateWithDoctor:
		return 0
	case StateWaiting, StateVitalsDone:
		return 1
	case StateSkipped:
		return 2
	case StateCompleted:
		return 3
	}
	return 4
}

// arrange sorts entries into calling order and works out each waiting patient's place and wait.
func arrange(q *Queue) {
	slices.SortFunc(q.Entries, func(a, b QueueEntry) int {
		pa, pb := 1, 1
		if a.Priority != "" {
			pa = 0
		}
		if b.Priority != "" {
			pb = 0
		}
		return cmp.Or(cmp.Compare(group(a.State), group(b.State)), cmp.Compare(pa, pb), cmp.Compare(a.Token, b.Token))
	})
	var total time.Duration
	n, with := 0, 0
	for _, e := range q.Entries {
		if e.State == StateCompleted && !e.CalledAt.IsZero() && e.DoneAt.After(e.CalledAt) {
			total += e.DoneAt.Sub(e.CalledAt)
			n++
		}
		if e.State == StateWithDoctor {
			with++
		}
	}
	q.AvgConsult, q.AvgMeasured = DefaultConsult, n > 0
	if n > 0 {
		q.AvgConsult = total / time.Duration(n)
	}
	pos := 0
	for i := range q.Entries {
		if e := &q.Entries[i]; e.Waiting() {
			pos++
			e.Position, e.Ahead = pos, with+pos-1
			mins := math.Round(float64(e.Ahead) * q.AvgConsult.Minutes())
			e.EstWait = time.Duration(mins) * time.Minute
		}
	}
}

// Queue returns a doctor's queue for a date: one read by _id.
func (s *Store) Queue(ctx context.Context, date, doctor string) (Queue, error) {
	d, err := s.readQueue(ctx, QueueID(date, doctor))
	if errors.Is(err, store.ErrNotFound) {
		q := Queue{Date: date, Doctor: doctor, AvgConsult: DefaultConsult}
		return q, nil
	}
	if err != nil {
		return Queue{}, err
	}
	q := Queue{Date: d.Date, Doctor: d.Doctor, DoctorName: d.DoctorName, Department: d.Department, Room: d.Room}
	for _, e := range d.Entries {
		q.Entries = append(q.Entries, e)
	}
	arrange(&q)
	return q, nil
}

// DepartmentQueues returns the queue of every doctor of a department with a queue on date.
func (s *Store) DepartmentQueues(ctx context.Context, date, dept string) ([]Queue, error) {
	doctors, err := s.doctorsOn(ctx, date, dept)
	if err != nil {
		return nil, err
	}
	var out []Queue
	for _, doc := range doctors {
		q, err := s.Queue(ctx, date, doc)
		if err != nil {
			return nil, err
		}
		if len(q.Entries) > 0 {
			out = append(out, q)
		}
	}
	return out, nil
}

// visitWrite is one conditional write to a visit: conds must hold on the visit as read.
type visitWrite struct {
	conds   []guard.Cond
	set     bson.D
	push    bson.D
	pending []string
	queue   bool // the queue shows what changes: Seq moves
}

// write applies w to visit id and then the follow-ups it records. It reports false,
// with no error, when a condition no longer held.
func (s *Store) write(ctx context.Context, id, by string, w visitWrite) (Visit, bool, error) {
	now := s.now().UTC()
	inc := bson.D{{Key: "version", Value: int64(1)}}
	if w.queue {
		inc = append(inc, bson.E{Key: "seq", Value: int64(1)})
	}
	update := bson.D{{Key: "$set", Value: append(w.set, bson.E{Key: "updated_at", Value: now}, bson.E{Key: "updated_by", Value: by})},
		{Key: "$inc", Value: inc}}
	if len(w.push) > 0 {
		update = append(update, bson.E{Key: "$push", Value: w.push})
	}
	if len(w.pending) > 0 {
		update = append(update, bson.E{Key: "$addToSet", Value: bson.D{{Key: "pending", Value: bson.D{{Key: "$each", Value: w.pending}}}}})
	}
	var v Visit
	ok, err := guard.Update(ctx, s.db, store.CollVisits, id, w.conds, update, &v)
	if err != nil || !ok {
		return v, ok, err
	}
	err = s.followVisit(ctx, &v)
	return v, true, err
}

// transition moves visit id to state `to` in one write conditional on the state it was
// read in: of two concurrent moves one wins, and the other sees the new state.
func (s *Store) transition(ctx context.Context, id, to, by, reason string, w visitWrite) (Visit, error) {
	for attempt := 0; ; attempt++ {
		v, err := s.Visit(ctx, id)
		if err != nil {
			return v, err
		}
		if v.Status == to {
			return v, ErrAlreadyDone
		}
		if !CanMove(v.Status, to) {
			return v, fmt.Errorf("%w: a visit that is %s cannot become %s", store.ErrInvalid,
				strings.ToLower(StateLabels[v.Status]), strings.ToLower(StateLabels[to]))
		}
		now := s.now().UTC()
		ww := w
		ww.conds = append([]guard.Cond{guard.Eq("status", v.Status)}, w.conds...)
		ww.set = append(bson.D{{Key: "status", Value: to}}, w.set...)
		ww.push = append(bson.D{{Key: "events", Value: Event{At: now, By: by, From: v.Status, To: to, Reason: reason}}}, w.push...)
		ww.queue = true
		out, ok, err := s.write(ctx, id, by, ww)
		if err != nil || ok {
			return out, err
		}
		if attempt == 2 {
			return v, store.ErrConflict
		}
	}
}

// Call calls a waiting patient in to the doctor (with_doctor); by is who called.
func (s *Store) Call(ctx context.Context, id, by string) (Visit, error) {
	now := s.now().UTC()
	return s.transition(ctx, id, StateWithDoctor, by, "", visitWrite{
		set: bson.D{{Key: "called_at", Value: now}, {Key: "seen_by", Value: by}}})
}

// CallNext calls the first waiting patient of a doctor's queue today: priority first,
// then token. store.ErrNotFound: nobody is waiting.
func (s *Store) CallNext(ctx context.Context, doctor, by string) (Visit, error) {
	q, err := s.Queue(ctx, s.Today(), doctor)
	if err != nil {
		return Visit{}, err
	}
	for _, e := range q.Entries {
		if !e.Waiting() {
			continue
		}
		v, err := s.Call(ctx, e.VisitID, by)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, store.ErrInvalid) && !errors.Is(err, store.ErrConflict) {
			return v, err
		}
		// Called or skipped by someone else meanwhile: try the next one.
	}
	return Visit{}, fmt.Errorf("%w: nobody is waiting", store.ErrNotFound)
}

// Skip moves a waiting patient who did not answer the call aside.
func (s *Store) Skip(ctx context.Context, id, by string) (Visit, error) {
	return s.transition(ctx, id, StateSkipped, by, "", visitWrite{})
}

// Recall puts a skipped patient back in the queue (waiting).
func (s *Store) Recall(ctx context.Context, id, by string) (Visit, error) {
	return s.transition(ctx, id, StateWaiting, by, "recalled", visitWrite{})
}

// CancelVisit takes a patient who has not seen the doctor out of the queue, with a reason.
func (s *Store) CancelVisit(ctx context.Context, id, reason, by string) (Visit, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Visit{}, fmt.Errorf("%w: a reason is required to cancel", store.ErrInvalid)
	}
	return s.transition(ctx, id, StateCancelled, by, reason, visitWrite{
		set: bson.D{{Key: "cancel_reason", Value: reason}, {Key: "done_at", Value: s.now().UTC()}}})
}

// SetPriority flags (or, with PriorityNone, unflags) a patient who is still waiting.
func (s *Store) SetPriority(ctx context.Context, id, kind, reason, by string) (Visit, error) {
	if err := checkPriority(kind, reason); err != nil {
		return Visit{}, err
	}
	v, ok, err := s.write(ctx, id, by, visitWrite{queue: true,
		conds: []guard.Cond{guard.In("status", StateWaiting, StateVitalsDone, StateSkipped)},
		set:   bson.D{{Key: "priority", Value: kind}, {Key: "priority_reason", Value: strings.TrimSpace(reason)}},
		push:  bson.D{{Key: "events", Value: Event{At: s.now().UTC(), By: by, To: "priority", Reason: strings.TrimSpace(kind + " " + reason)}}}})
	if err != nil || ok {
		return v, err
	}
	cur, err := s.Visit(ctx, id)
	if err != nil {
		return cur, err
	}
	return cur, fmt.Errorf("%w: the patient is no longer waiting", store.ErrInvalid)
}
