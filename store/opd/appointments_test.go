package opd_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/opd"
)

func keyExists(t *testing.T, e *env, id string) bool {
	t.Helper()
	n, err := e.db.R.Collection(store.CollOPDKeys).CountDocuments(context.Background(), bson.D{{Key: "_id", Value: id}})
	require.NoError(t, err)
	return n == 1
}

func TestTwentyClerksBookingOneSlotAtOnceGiveOneBooking(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pats := []string{e.patient(t, "Asha", "Verma").ID, e.patient(t, "Ravi", "Kumar").ID, e.patient(t, "Meena", "Iyer").ID}
	slot := at(1, 10, 30)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, taken := 0, 0
	var other []error
	start := make(chan struct{})
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := e.s.Book(ctx, opd.Booking{PatientID: pats[i%len(pats)], Doctor: "dr.rao", Start: slot}, "clerk")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, opd.ErrSlotTaken):
				taken++
			default:
				other = append(other, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Empty(t, other)
	assert.Equal(t, 1, won)
	assert.Equal(t, 19, taken)

	day, err := e.s.Day(ctx, "2030-03-05", "dr.rao")
	require.NoError(t, err)
	require.Len(t, day.Appointments, 1)
	assert.Equal(t, slot.UTC(), day.Appointments[0].Start.UTC())
	assert.Equal(t, opd.ApptBooked, day.Appointments[0].Status)
	assert.NotEmpty(t, day.Appointments[0].MRN, "the patient's MRN is copied")
}

func TestCancellingFreesTheSlotForAnotherBooking(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	asha, ravi := e.patient(t, "Asha", "Verma"), e.patient(t, "Ravi", "Kumar")
	slot := at(1, 11, 0)
	a, err := e.s.Book(ctx, opd.Booking{PatientID: asha.ID, Doctor: "dr.rao", Start: slot, Reason: "BP review"}, "clerk")
	require.NoError(t, err)
	assert.Equal(t, "2030-03-05", a.Date)
	assert.True(t, keyExists(t, e, opd.SlotKey("dr.rao", slot)))
	_, err = e.s.Book(ctx, opd.Booking{PatientID: ravi.ID, Doctor: "dr.rao", Start: slot}, "clerk")
	require.ErrorIs(t, err, opd.ErrSlotTaken)

	_, err = e.s.CancelAppointment(ctx, a.ID, "  ", "clerk")
	assert.ErrorIs(t, err, store.ErrInvalid, "a reason is required")
	c, err := e.s.CancelAppointment(ctx, a.ID, "patient travelling", "clerk")
	require.NoError(t, err)
	assert.Equal(t, opd.ApptCancelled, c.Status)
	assert.Equal(t, "patient travelling", c.CancelReason)
	assert.Empty(t, c.Pending, "the follow-ups ran")
	assert.False(t, keyExists(t, e, opd.SlotKey("dr.rao", slot)), "the slot key is deleted")
	_, err = e.s.CancelAppointment(ctx, a.ID, "again", "clerk")
	assert.ErrorIs(t, err, opd.ErrAlreadyDone)

	b, err := e.s.Book(ctx, opd.Booking{PatientID: ravi.ID, Doctor: "dr.rao", Start: slot}, "clerk")
	require.NoError(t, err)
	free, err := e.s.FreeSlots(ctx, "dr.rao", "2030-03-05")
	require.NoError(t, err)
	for _, sl := range free {
		if sl.Start.Equal(slot) {
			assert.True(t, sl.Taken)
			assert.Equal(t, b.ID, sl.AppointmentID)
		}
	}
	day, err := e.s.Day(ctx, "2030-03-05", "dr.rao")
	require.NoError(t, err)
	require.Len(t, day.Appointments, 2, "the cancelled one stays on the list, marked")
	statuses := []string{day.Appointments[0].Status, day.Appointments[1].Status}
	assert.ElementsMatch(t, []string{opd.ApptCancelled, opd.ApptBooked}, statuses)
}

func TestBookingOutsideTheScheduleOrInThePastIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "Asha", "Verma")
	_, err := e.s.SetException(ctx, "dr.rao", opd.Exception{Date: "2030-03-06", Leave: true}, "admin")
	require.NoError(t, err)
	for name, start := range map[string]time.Time{
		"not on a slot boundary": at(1, 10, 7),
		"after the session":      at(1, 20, 0),
		"before the session":     at(1, 7, 45),
		"a slot already started": at(0, 8, 45),
		"on leave":               at(2, 10, 0),
	} {
		_, err := e.s.Book(ctx, opd.Booking{PatientID: p.ID, Doctor: "dr.rao", Start: start}, "clerk")
		assert.ErrorIs(t, err, store.ErrInvalid, name)
	}
	_, err = e.s.Book(ctx, opd.Booking{PatientID: "nobody", Doctor: "dr.rao", Start: at(1, 10, 0)}, "clerk")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.s.Book(ctx, opd.Booking{PatientID: p.ID, Doctor: "nurse.mary", Start: at(1, 10, 0)}, "clerk")
	assert.ErrorIs(t, err, store.ErrNotFound, "not a doctor")
}

func TestRescheduleClaimsTheNewSlotThenFreesTheOld(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	asha, ravi := e.patient(t, "Asha", "Verma"), e.patient(t, "Ravi", "Kumar")
	a, err := e.s.Book(ctx, opd.Booking{PatientID: asha.ID, Doctor: "dr.rao", Start: at(1, 9, 0)}, "clerk")
	require.NoError(t, err)
	b, err := e.s.Book(ctx, opd.Booking{PatientID: ravi.ID, Doctor: "dr.rao", Start: at(2, 9, 0)}, "clerk")
	require.NoError(t, err)

	_, err = e.s.Reschedule(ctx, a.ID, b.Start, "clerk")
	require.ErrorIs(t, err, opd.ErrSlotTaken, "onto a booked slot")
	a, err = e.s.Appointment(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, at(1, 9, 0).UTC(), a.Start.UTC(), "unchanged")

	moved, err := e.s.Reschedule(ctx, a.ID, at(2, 9, 15), "clerk")
	require.NoError(t, err)
	assert.Equal(t, "2030-03-06", moved.Date)
	assert.Empty(t, moved.Pending)
	assert.False(t, keyExists(t, e, opd.SlotKey("dr.rao", at(1, 9, 0))), "old slot freed")
	assert.True(t, keyExists(t, e, opd.SlotKey("dr.rao", at(2, 9, 15))))
	tue, err := e.s.Day(ctx, "2030-03-05", "dr.rao")
	require.NoError(t, err)
	assert.Empty(t, tue.Appointments, "gone from the old day")
	wed, err := e.s.Day(ctx, "2030-03-06", "dr.rao")
	require.NoError(t, err)
	assert.Len(t, wed.Appointments, 2)

	_, err = e.s.Book(ctx, opd.Booking{PatientID: ravi.ID, Doctor: "dr.rao", Start: at(1, 9, 0)}, "clerk")
	assert.NoError(t, err, "the old slot can be booked again")
}

func TestDepartmentDayListsEachDoctorsAppointments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "Asha", "Verma")
	for _, doc := range []string{"dr.rao", "dr.nair", "dr.iyer"} {
		_, err := e.s.Book(ctx, opd.Booking{PatientID: p.ID, Doctor: doc, Start: at(1, 10, 0)}, "clerk")
		require.NoError(t, err)
	}
	days, err := e.s.DepartmentDay(ctx, "2030-03-05", "MED")
	require.NoError(t, err)
	require.Len(t, days, 2)
	assert.Equal(t, "Dr. Asha Nair", days[0].DoctorName)
	assert.Equal(t, "Dr. Venkatesh Rao", days[1].DoctorName)
	assert.Len(t, days[1].Appointments, 1)
}

func TestNoShowOnlyAfterTheSlotStarted(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "Asha", "Verma")
	a, err := e.s.Book(ctx, opd.Booking{PatientID: p.ID, Doctor: "dr.rao", Start: at(0, 10, 0)}, "clerk")
	require.NoError(t, err)
	_, err = e.s.MarkNoShow(ctx, a.ID, "clerk")
	assert.ErrorIs(t, err, store.ErrInvalid)
	e.clock.Set(at(0, 19, 0))
	n, err := e.s.MarkNoShows(ctx, "2030-03-04", "dr.rao", "clerk")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	a, err = e.s.Appointment(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, opd.ApptNoShow, a.Status)
}
