package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/opd"
)

// zoneAt is a hospital zone in which it is now about hour o'clock, so tests that need
// slots later today (the demo doctor sits 08:00–13:00 and 14:00–20:00) pass at any time.
func zoneAt(hour int) *time.Location {
	now := time.Now().UTC()
	sinceMidnight := now.Sub(now.Truncate(24 * time.Hour))
	return time.FixedZone("test", int((time.Duration(hour)*time.Hour - sinceMidnight).Seconds()))
}

func withLocation(loc *time.Location) option { return func(c *handlers.Config) { c.Location = loc } }

// slotAt is the booking form's value of the demo doctor's slot days from today at hh:mm.
func slotAt(loc *time.Location, days, hh, mm int) (string, string) {
	y, m, d := time.Now().In(loc).Date()
	t := time.Date(y, m, d+days, hh, mm, 0, 0, loc)
	return t.UTC().Format(time.RFC3339), t.Format(opd.DateLayout)
}

func bookForm(start, date, reason string) url.Values {
	return url.Values{"doctor": {"doctor"}, "date": {date}, "start": {start}, "reason": {reason}}
}

// dayOf reads the demo doctor's appointments of date straight from the store.
func (e *env) dayOf(loc *time.Location, date string) []opd.DaySummary {
	e.t.Helper()
	o := opd.New(e.db, nil, opd.Options{Location: loc, Patients: e.pats})
	d, err := o.Day(context.Background(), date, "doctor")
	require.NoError(e.t, err)
	return d.Appointments
}

func TestFrontDeskBooksASlotFromTheChart(t *testing.T) {
	loc := zoneAt(10)
	e := newEnv(t, withLocation(loc))
	desk := e.as(handlers.RoleFrontDesk)
	pid := e.patientID("Rajesh Sharma")

	_, body, _ := desk.get("/patients/" + pid)
	assert.Contains(t, body, `href="/patients/`+pid+`/book"`, "the chart offers booking")
	assert.Contains(t, body, `href="/patients/`+pid+`/check-in"`, "and a walk-in check-in")

	start, date := slotAt(loc, 1, 9, 15)
	status, body, _ := desk.get("/patients/" + pid + "/book")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "General Medicine — Dr. Ananya Krishnan (Internal medicine) · ₹600.00", "doctor with department, specialty and fee")

	status, body, _ = desk.get("/patients/"+pid+"/book?doctor=doctor&date="+date, "HX-Request", "true")
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, body, "<html", "the slots come as a fragment")
	assert.Contains(t, body, `value="`+start+`"`, "tomorrow's 09:15 is a free slot button")
	assert.Equal(t, 44, strings.Count(body, `name="start"`), "every slot of 08:00–13:00 and 14:00–20:00 is free")

	status, body, resp := desk.post("/patients/"+pid+"/appointments", bookForm(start, date, "Follow-up of diabetes"))
	require.Equal(t, http.StatusSeeOther, status, body)
	day := resp.Header.Get("Location")
	assert.Equal(t, "/appointments?date="+date+"&dept=MED", day)
	_, body, _ = desk.get(day)
	assert.Contains(t, body, "Booked Rajesh Sharma with Dr. Ananya Krishnan")
	assert.Contains(t, body, "Rajesh Sharma")
	assert.Contains(t, body, "Follow-up of diabetes")
	assert.Contains(t, body, ">09:15<")

	// The slot is now shown taken, and a second clerk booking it for someone else is told
	// "slot just taken" beside the slots, with the choices kept and nothing stored.
	_, body, _ = desk.get("/patients/"+pid+"/book?doctor=doctor&date="+date, "HX-Request", "true")
	assert.NotContains(t, body, `value="`+start+`"`)
	assert.Contains(t, body, `data-state="taken"`)
	other := e.patientID("Anil Kumar")
	status, body, _ = desk.post("/patients/"+other+"/appointments", bookForm(start, date, "Knee pain"))
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="start"`)
	assert.Contains(t, body, "Slot just taken: 09:15")
	assert.Contains(t, body, `value="Knee pain"`, "the reason is kept")
	assert.Contains(t, body, `<option value="doctor" selected`, "the doctor is kept")
	appts := e.dayOf(loc, date)
	require.Len(t, appts, 1)
	assert.Equal(t, pid, appts[0].PatientID)

	// The same patient's double click is not "taken": it lands on the booking made.
	status, body, resp = desk.post("/patients/"+pid+"/appointments", bookForm(start, date, "Follow-up of diabetes"))
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body, _ = desk.get(resp.Header.Get("Location"))
	assert.Contains(t, body, "already booked for Rajesh Sharma")
	assert.Len(t, e.dayOf(loc, date), 1)
}

func TestTwoClerksBookingOneSlotAtOnceOneWins(t *testing.T) {
	loc := zoneAt(10)
	e := newEnv(t, withLocation(loc))
	start, date := slotAt(loc, 2, 11, 0)
	names := []string{"Rajesh Sharma", "Anil Kumar", "Priya Nair", "Mohammed Iqbal", "Fatima Begum"}
	clerks := make([]*client, len(names))
	for i := range clerks {
		clerks[i] = e.as(handlers.RoleFrontDesk)
	}
	statuses := make([]int, len(names))
	bodies := make([]string, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		pid := e.patientID(n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], bodies[i], _ = clerks[i].post("/patients/"+pid+"/appointments", bookForm(start, date, ""), "HX-Request", "true")
		}()
	}
	wg.Wait()
	won := 0
	for i, s := range statuses {
		switch s {
		case http.StatusNoContent: // htmx redirect
			won++
		case http.StatusUnprocessableEntity:
			assert.Contains(t, bodies[i], "Slot just taken")
			assert.NotContains(t, bodies[i], "<html", "htmx gets the form fragment back")
		default:
			t.Errorf("clerk %d: status %d", i, s)
		}
	}
	assert.Equal(t, 1, won, "exactly one clerk books the slot")
	assert.Len(t, e.dayOf(loc, date), 1)
}

func TestBadBookingInputIsRefusedAndNothingStored(t *testing.T) {
	loc := zoneAt(10)
	e := newEnv(t, withLocation(loc))
	desk := e.as(handlers.RoleFrontDesk)
	pid := e.patientID("Priya Nair")
	tomorrow, date := slotAt(loc, 1, 8, 0)
	past, today := slotAt(loc, 0, 8, 0)
	odd, _ := slotAt(loc, 1, 8, 7)
	cases := []struct {
		name      string
		form      url.Values
		field     string
		want      string
		storeDate string
	}{
		{"unknown doctor", url.Values{"doctor": {"dr.nobody"}, "date": {date}, "start": {tomorrow}}, "doctor", "Choose a doctor from the list", date},
		{"a nurse is not a doctor", url.Values{"doctor": {"nurse"}, "date": {date}, "start": {tomorrow}}, "doctor", "Choose a doctor from the list", date},
		{"no doctor", url.Values{"date": {date}, "start": {tomorrow}}, "doctor", "Required", date},
		{"slot already started", bookForm(past, today, ""), "start", "That slot has already started", today},
		{"not one of the doctor's slots", bookForm(odd, date, ""), "start", "is not a slot of Dr. Ananya Krishnan", date},
		{"no slot chosen", bookForm("", date, ""), "start", "Choose one of the free slots", date},
		{"slot not a time", bookForm("tomorrow 8am", date, ""), "start", "Choose one of the free slots", date},
		{"reason with a control character", bookForm(tomorrow, date, "fever\u202e"), "reason", "invisible or control characters", date},
		{"reason too long", bookForm(tomorrow, date, strings.Repeat("x", 201)), "reason", "Too long", date},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := desk.post("/patients/"+pid+"/appointments", tc.form)
			require.Equal(t, http.StatusUnprocessableEntity, status)
			assert.Regexp(t, `data-error="`+tc.field+`"[^>]*>[^<]*`+regexp.QuoteMeta(tc.want), body)
			assert.Empty(t, e.dayOf(loc, tc.storeDate), "nothing stored")
		})
	}
	status, body, _ := desk.get("/patients/" + pid + "/book?doctor=doctor&date=2001-01-01")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Choose a date from the list")
}

// book books the demo doctor's slot for a demo patient through the handler; it returns the appointment id.
func book(t *testing.T, c *client, pid, start, date string) string {
	t.Helper()
	status, body, _ := c.post("/patients/"+pid+"/appointments", bookForm(start, date, ""))
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body, _ = c.get("/appointments?date=" + date)
	m := regexp.MustCompile(`appointment (A\d{7})\.`).FindStringSubmatch(body)
	require.NotNil(t, m, "the confirmation names the appointment")
	return m[1]
}

func TestCancelNeedsAReasonAndFreesTheSlot(t *testing.T) {
	loc := zoneAt(10)
	e := newEnv(t, withLocation(loc))
	desk := e.as(handlers.RoleFrontDesk)
	start, date := slotAt(loc, 3, 10, 0)
	id := book(t, desk, e.patientID("Mohammed Iqbal"), start, date)

	status, body, _ := desk.get("/appointments/" + id + "/cancel")
	require.Equal(t, http.StatusOK, status)
	status, body, _ = desk.post("/appointments/"+id+"/cancel", url.Values{"reason": {"   "}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="reason"`)
	assert.Regexp(t, `data-error="reason"[^>]*>Say why the appointment is cancelled`, body)
	assert.Equal(t, opd.ApptBooked, e.dayOf(loc, date)[0].Status, "still booked")

	status, _, resp := desk.post("/appointments/"+id+"/cancel", url.Values{"reason": {"Patient called to cancel"}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = desk.get(resp.Header.Get("Location"))
	assert.Contains(t, body, "the slot is free again")
	assert.Contains(t, body, "Cancelled")
	assert.Equal(t, opd.ApptCancelled, e.dayOf(loc, date)[0].Status)
	_, body, _ = desk.get("/patients/"+e.patientID("Anil Kumar")+"/book?doctor=doctor&date="+date, "HX-Request", "true")
	assert.Contains(t, body, `value="`+start+`"`, "the slot can be booked again")
}

func TestRescheduleMovesToAFreeSlotOfTheSameDoctor(t *testing.T) {
	loc := zoneAt(10)
	e := newEnv(t, withLocation(loc))
	desk := e.as(handlers.RoleFrontDesk)
	first, date := slotAt(loc, 1, 8, 30)
	taken, _ := slotAt(loc, 1, 8, 45)
	later, _ := slotAt(loc, 1, 15, 0)
	id := book(t, desk, e.patientID("Rajesh Sharma"), first, date)
	book(t, desk, e.patientID("Anil Kumar"), taken, date)

	status, body, _ := desk.get("/appointments/" + id + "/reschedule?date=" + date)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `value="`+later+`"`)
	status, body, _ = desk.post("/appointments/"+id+"/reschedule", url.Values{"date": {date}, "start": {taken}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Slot just taken: 08:45")
	status, _, _ = desk.post("/appointments/"+id+"/reschedule", url.Values{"date": {date}, "start": {later}})
	require.Equal(t, http.StatusSeeOther, status)
	for _, a := range e.dayOf(loc, date) {
		if a.ID == id {
			assert.Equal(t, later, a.Start.UTC().Format(time.RFC3339))
		}
	}
}

func TestCheckInFromTheAppointmentShowsTheToken(t *testing.T) {
	loc := zoneAt(10)
	e := newEnv(t, withLocation(loc))
	desk := e.as(handlers.RoleFrontDesk)
	start, today := slotAt(loc, 0, 11, 30)
	id := book(t, desk, e.patientID("Sunita Devi Sharma"), start, today)

	_, body, _ := desk.get("/appointments")
	assert.Contains(t, body, `action="/appointments/`+id+`/check-in"`, "today's booked appointment can be checked in")
	assert.NotContains(t, body, `action="/appointments/`+id+`/no-show"`, "no no-show before the slot starts")
	status, _, _ := desk.post("/appointments/"+id+"/no-show", nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = desk.get("/appointments")
	assert.Contains(t, body, "has not started yet")

	status, _, resp := desk.post("/appointments/"+id+"/check-in", nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = desk.get(resp.Header.Get("Location"))
	assert.Contains(t, body, "Token 1 — Sunita Devi Sharma checked in for Dr. Ananya Krishnan")
	assert.Regexp(t, `data-testid="token"[^>]*>1<`, body, "the token is shown large")
	assert.Contains(t, body, "token 1", "the row shows the token")
	assert.Contains(t, body, "Checked in")

	status, _, resp = desk.post("/appointments/"+id+"/check-in", nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = desk.get(resp.Header.Get("Location"))
	assert.Contains(t, body, "Already checked in: Token 1")
}

var walkInTokenRE = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)

func TestDoubleClickedWalkInChecksInOnce(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	pid := e.patientID("Lakshmi Venkataraman")
	_, body, _ := desk.get("/patients/" + pid + "/check-in")
	m := walkInTokenRE.FindStringSubmatch(body)
	require.NotNil(t, m)

	status, body, _ := desk.post("/patients/"+pid+"/check-in", url.Values{"token": {m[1]}, "doctor": {"doctor"}, "priority": {"other"}, "complaint": {"Giddiness"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Regexp(t, `data-error="priority_reason"[^>]*>Say why`, body)
	assert.Contains(t, body, ">Giddiness</textarea>", "the complaint is kept")
	status, body, _ = desk.post("/patients/"+pid+"/check-in", url.Values{"token": {m[1]}, "doctor": {"dr.nobody"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="doctor"`)

	form := url.Values{"token": {m[1]}, "doctor": {"doctor"}, "priority": {"elderly"}, "complaint": {"Giddiness"}}
	locations := make([]string, 5)
	var wg sync.WaitGroup
	for i := range locations {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			_, _, resp := desk.post("/patients/"+pid+"/check-in", f)
			locations[i] = resp.Header.Get("Location")
		}()
	}
	wg.Wait()
	for _, l := range locations {
		assert.Equal(t, locations[0], l, "every click lands on the same visit")
	}
	require.Contains(t, locations[0], "&visit=V")
	_, body, _ = desk.get(locations[0])
	assert.Regexp(t, `data-testid="token"[^>]*>1<`, body)
	assert.Contains(t, body, "Elderly")
	o := opd.New(e.db, nil, opd.Options{Patients: e.pats})
	q, err := o.Queue(context.Background(), o.Today(), "doctor")
	require.NoError(t, err)
	assert.Len(t, q.Entries, 1, "one visit, not five")
}

func TestOnlyTheFrontDeskBooks(t *testing.T) {
	e := newEnv(t)
	pid := e.patientID("Rajesh Sharma")
	nurse := e.as(handlers.RoleNurse)
	status, _, _ := nurse.get("/patients/" + pid + "/book")
	assert.Equal(t, http.StatusForbidden, status)
	status, _, _ = nurse.post("/patients/"+pid+"/appointments", url.Values{"doctor": {"doctor"}})
	assert.Equal(t, http.StatusForbidden, status)
	status, _, _ = nurse.get("/appointments")
	assert.Equal(t, http.StatusForbidden, status)
	_, body, _ := nurse.get("/patients/" + pid)
	assert.NotContains(t, body, "Book appointment", "the chart hides what the nurse cannot do")
	doctor := e.as(handlers.RoleDoctor)
	status, _, _ = doctor.post("/patients/"+pid+"/check-in", url.Values{"doctor": {"doctor"}})
	assert.Equal(t, http.StatusForbidden, status)
	status, _, _ = e.as(handlers.RoleFrontDesk).get("/admin/staff")
	assert.Equal(t, http.StatusForbidden, status)
}
