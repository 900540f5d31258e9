package opd_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/opd"
)

func TestFiftyConcurrentCheckInsGetTokensOneToFifty(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pats := []string{e.patient(t, "Asha", "Verma").ID, e.patient(t, "Ravi", "Kumar").ID, e.patient(t, "Meena", "Iyer").ID}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var tokens []int64
	var errs []error
	start := make(chan struct{})
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			v, err := e.s.CheckIn(ctx, opd.CheckIn{PatientID: pats[i%len(pats)], Doctor: "dr.rao"}, "frontdesk")
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			tokens = append(tokens, v.Token)
		}()
	}
	close(start)
	wg.Wait()
	require.Empty(t, errs)
	slices.Sort(tokens)
	want := make([]int64, 50)
	for i := range want {
		want[i] = int64(i + 1)
	}
	assert.Equal(t, want, tokens, "1…50: none duplicated, none skipped")

	q, err := e.s.Queue(ctx, "2030-03-04", "dr.rao")
	require.NoError(t, err)
	require.Len(t, q.Entries, 50)
	for i, en := range q.Entries {
		assert.Equal(t, int64(i+1), en.Token, "waiting patients in token order")
	}
	other := e.walkIn(t, e.patient(t, "Kiran", "Rao"), "dr.nair")
	assert.Equal(t, int64(1), other.Token, "each doctor has a sequence of their own")
}

func TestTheSameAppointmentCheckedInTwiceMakesOneVisit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "Asha", "Verma")
	a, err := e.s.Book(ctx, opd.Booking{PatientID: p.ID, Doctor: "dr.rao", Start: at(0, 10, 0), Reason: "diabetes review"}, "clerk")
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]int{}
	ok, again := 0, 0
	var other []error
	start := make(chan struct{})
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			v, err := e.s.CheckIn(ctx, opd.CheckIn{AppointmentID: a.ID}, "frontdesk")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, opd.ErrAlreadyCheckedIn):
				again++
			default:
				other = append(other, err)
				return
			}
			ids[v.ID]++
		}()
	}
	close(start)
	wg.Wait()
	require.Empty(t, other)
	assert.Equal(t, 1, ok)
	assert.Equal(t, 9, again)
	require.Len(t, ids, 1, "every call returns the one visit")
	var visitID string
	for id := range ids {
		visitID = id
	}
	v, err := e.s.Visit(ctx, visitID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), v.Token, "one token taken")
	assert.Equal(t, "diabetes review", v.Complaint)
	a, err = e.s.Appointment(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, opd.ApptCheckedIn, a.Status)
	assert.Equal(t, visitID, a.VisitID)
	day, err := e.s.Day(ctx, "2030-03-04", "dr.rao")
	require.NoError(t, err)
	require.Len(t, day.Appointments, 1)
	assert.Equal(t, opd.ApptCheckedIn, day.Appointments[0].Status)
	q, err := e.s.Queue(ctx, "2030-03-04", "dr.rao")
	require.NoError(t, err)
	assert.Len(t, q.Entries, 1)

	tomorrow, err := e.s.Book(ctx, opd.Booking{PatientID: p.ID, Doctor: "dr.rao", Start: at(1, 10, 0)}, "clerk")
	require.NoError(t, err)
	_, err = e.s.CheckIn(ctx, opd.CheckIn{AppointmentID: tomorrow.ID}, "frontdesk")
	assert.ErrorIs(t, err, store.ErrInvalid, "an appointment is checked in on its day")
}

// reach puts a new visit of dr.rao in state.
func reach(t *testing.T, e *env, state string) opd.Visit {
	t.Helper()
	ctx := context.Background()
	if len(e.regulars) == 0 {
		e.regulars = append(e.regulars, e.patient(t, "Regular", "Patient"))
	}
	v := e.walkIn(t, e.regulars[0], "dr.rao")
	var err error
	switch state {
	case opd.StateVitalsDone:
		v, err = e.s.RecordVitals(ctx, v.ID, opd.Vitals{Pulse: f(80)}, "nurse.mary")
	case opd.StateWithDoctor:
		v, err = e.s.Call(ctx, v.ID, "dr.rao")
	case opd.StateCompleted:
		if v, err = e.s.Call(ctx, v.ID, "dr.rao"); err == nil {
			v, err = e.s.Complete(ctx, v.ID, opd.Completion{}, "dr.rao")
		}
	case opd.StateSkipped:
		v, err = e.s.Skip(ctx, v.ID, "dr.rao")
	case opd.StateCancelled:
		v, err = e.s.CancelVisit(ctx, v.ID, "left", "frontdesk")
	}
	require.NoError(t, err)
	require.Equal(t, state, v.Status)
	return v
}

func TestQueueTransitionsFollowTheTable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	states := []string{opd.StateWaiting, opd.StateVitalsDone, opd.StateWithDoctor, opd.StateCompleted, opd.StateSkipped, opd.StateCancelled}
	move := map[string]func(id string) (opd.Visit, error){
		opd.StateWaiting:    func(id string) (opd.Visit, error) { return e.s.Recall(ctx, id, "dr.rao") },
		opd.StateWithDoctor: func(id string) (opd.Visit, error) { return e.s.Call(ctx, id, "dr.rao") },
		opd.StateCompleted:  func(id string) (opd.Visit, error) { return e.s.Complete(ctx, id, opd.Completion{}, "dr.rao") },
		opd.StateSkipped:    func(id string) (opd.Visit, error) { return e.s.Skip(ctx, id, "dr.rao") },
		opd.StateCancelled:  func(id string) (opd.Visit, error) { return e.s.CancelVisit(ctx, id, "left", "dr.rao") },
		opd.StateVitalsDone: func(id string) (opd.Visit, error) {
			return e.s.RecordVitals(ctx, id, opd.Vitals{Pulse: f(72)}, "nurse.mary")
		},
	}
	for _, from := range states {
		v := reach(t, e, from)
		for _, to := range states {
			if v.Status != from { // the last move changed it: take a fresh one
				v = reach(t, e, from)
			}
			got, err := move[to](v.ID)
			if err == nil {
				v = got
			}
			// Vitals may also be taken again while vitals_done or with the doctor; the state stays.
			retake := to == opd.StateVitalsDone && (from == opd.StateVitalsDone || from == opd.StateWithDoctor)
			switch {
			case opd.CanMove(from, to):
				require.NoError(t, err, "%s → %s", from, to)
				assert.Equal(t, to, got.Status, "%s → %s", from, to)
			case retake:
				require.NoError(t, err, "vitals again while %s", from)
				assert.Equal(t, from, got.Status)
			default:
				assert.ErrorIs(t, err, store.ErrInvalid, "%s → %s must be refused", from, to)
				cur, err := e.s.Visit(ctx, v.ID)
				require.NoError(t, err)
				assert.Equal(t, from, cur.Status, "%s → %s left the visit as it was", from, to)
			}
		}
	}

	v := reach(t, e, opd.StateSkipped)
	v, err := e.s.Recall(ctx, v.ID, "frontdesk")
	require.NoError(t, err)
	assert.Equal(t, opd.StateWaiting, v.Status, "skipped → recalled → waiting")
	q, err := e.s.Queue(ctx, "2030-03-04", "dr.rao")
	require.NoError(t, err)
	i := slices.IndexFunc(q.Entries, func(en opd.QueueEntry) bool { return en.VisitID == v.ID })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, opd.StateWaiting, q.Entries[i].State, "the queue shows the visit's state")
	assert.True(t, v.AssignedTo("dr.rao"))
	assert.False(t, v.AssignedTo("dr.nair"))
}

func TestPriorityMovesUpAndWaitsAreEstimatedFromToday(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var vs []opd.Visit
	for _, n := range []string{"One", "Two", "Three", "Four"} {
		vs = append(vs, e.walkIn(t, e.patient(t, "Pat", n), "dr.rao"))
	}
	_, err := e.s.SetPriority(ctx, vs[2].ID, opd.PriorityOther, "", "frontdesk")
	assert.ErrorIs(t, err, store.ErrInvalid, "other needs a reason")
	_, err = e.s.SetPriority(ctx, vs[2].ID, opd.PriorityElderly, "", "frontdesk")
	require.NoError(t, err)
	first, err := e.s.CallNext(ctx, "dr.rao", "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, int64(3), first.Token, "the elderly patient is called first")

	q, err := e.s.Queue(ctx, "2030-03-04", "dr.rao")
	require.NoError(t, err)
	order := func(q opd.Queue) (out []int64) {
		for _, en := range q.Entries {
			out = append(out, en.Token)
		}
		return out
	}
	assert.Equal(t, []int64{3, 1, 2, 4}, order(q))
	assert.False(t, q.AvgMeasured)
	assert.Equal(t, opd.DefaultConsult, q.AvgConsult)
	waits := func(q opd.Queue) (out []time.Duration) {
		for _, en := range q.Entries {
			if en.Waiting() {
				out = append(out, en.EstWait)
			}
		}
		return out
	}
	assert.Equal(t, []time.Duration{10 * time.Minute, 20 * time.Minute, 30 * time.Minute}, waits(q), "one with the doctor ahead of the first")

	_, err = e.s.SetPriority(ctx, vs[3].ID, opd.PriorityEmergency, "", "frontdesk")
	require.NoError(t, err)
	e.clock.Add(6 * time.Minute)
	_, err = e.s.Complete(ctx, first.ID, opd.Completion{}, "dr.rao")
	require.NoError(t, err)
	next, err := e.s.CallNext(ctx, "dr.rao", "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, int64(4), next.Token, "the emergency referral goes before tokens 1 and 2")
	e.clock.Add(10 * time.Minute)
	_, err = e.s.Complete(ctx, next.ID, opd.Completion{}, "dr.rao")
	require.NoError(t, err)

	q, err = e.s.Queue(ctx, "2030-03-04", "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, []int64{1, 2, 3, 4}, order(q), "waiting in token order, then completed")
	assert.True(t, q.AvgMeasured)
	assert.Equal(t, 8*time.Minute, q.AvgConsult, "(6 + 10) / 2")
	assert.Equal(t, []time.Duration{0, 8 * time.Minute}, waits(q), "nobody with the doctor: the first waits 0")
	assert.Equal(t, 1, q.Entries[0].Position)

	_, err = e.s.SetPriority(ctx, first.ID, opd.PriorityElderly, "", "frontdesk")
	assert.ErrorIs(t, err, store.ErrInvalid, "a completed visit cannot be flagged")
	_, err = e.s.CallNext(ctx, "dr.iyer", "dr.iyer")
	assert.ErrorIs(t, err, store.ErrNotFound, "nobody waiting")
}
