package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/opd"
)

func (e *env) profile(username string) opd.Profile {
	e.t.Helper()
	p, err := opd.New(e.db, nil, opd.Options{Patients: e.pats}).Profile(context.Background(), username)
	require.NoError(e.t, err)
	return p
}

var (
	versionRE  = regexp.MustCompile(`name="version" value="(\d+)"`)
	sessionRE  = regexp.MustCompile(`name="s\d+_start"`)
	staffAlert = regexp.MustCompile(`data-error="sessions"[^>]*>([^<]*)<`)
)

func sessionsForm(version string, rows ...[5]string) url.Values {
	f := url.Values{"version": {version}, "rows": {strconv.Itoa(len(rows))}, "save": {"1"}}
	for i, r := range rows {
		p := "s" + strconv.Itoa(i) + "_"
		f.Set(p+"weekday", r[0])
		f.Set(p+"start", r[1])
		f.Set(p+"end", r[2])
		f.Set(p+"slot", r[3])
		f.Set(p+"room", r[4])
	}
	return f
}

func TestAdminListsStaffAndOpensADoctorsSchedule(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)
	status, body, _ := admin.get("/admin/staff")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `href="/admin/staff/doctor"`)
	assert.Contains(t, body, "KMC-48213", "the licence is listed")
	assert.Contains(t, body, "CONS-MED")

	status, body, _ = admin.get("/admin/staff/dr.rao")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Weekly OPD sessions")
	assert.Len(t, sessionRE.FindAllString(body, -1), 6, "Monday to Saturday 09:00–13:00")

	// A user not yet in the directory opens as a new entry, kind guessed from the role.
	status, body, _ = admin.get("/admin/staff/" + userFor(handlers.RoleNurse))
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `<option value="nurse" selected`)
	status, _, _ = admin.get("/admin/staff/no.such.user")
	assert.Equal(t, http.StatusNotFound, status)
}

func TestOverlappingSessionsAreRefusedWithTheStoresMessage(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)
	before := e.profile("dr.khan")
	v := strconv.FormatInt(before.Version, 10)
	admin.get("/admin/staff/dr.khan")

	status, body, _ := admin.post("/admin/staff/dr.khan/sessions", sessionsForm(v,
		[5]string{"1", "09:00", "13:00", "15", "OPD-8"}, [5]string{"1", "12:00", "14:00", "15", "OPD-8"}))
	require.Equal(t, http.StatusUnprocessableEntity, status)
	m := staffAlert.FindStringSubmatch(body)
	require.NotNil(t, m, "the refusal sits next to the sessions")
	assert.Contains(t, m[1], "Sessions 12:00–14:00 and 09:00–13:00 overlap")
	assert.Contains(t, body, `value="12:00"`, "the rows typed are kept")
	assert.Equal(t, before.Sessions, e.profile("dr.khan").Sessions, "nothing stored")

	status, body, _ = admin.post("/admin/staff/dr.khan/sessions", sessionsForm(v,
		[5]string{"1", "9am", "13:00", "15", ""}, [5]string{"2", "10:00", "09:00", "200", ""}), "HX-Request", "true")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.NotContains(t, body, "<html", "htmx gets the sessions card")
	assert.Regexp(t, `data-error="s0_start"[^>]*>Enter a time as HH:MM`, body)
	assert.Regexp(t, `data-error="s1_end"[^>]*>Must be after the start`, body)
	assert.Regexp(t, `data-error="s1_slot"[^>]*>5 to 120 minutes`, body)

	// Add and Remove re-render the rows without saving.
	status, body, _ = admin.post("/admin/staff/dr.khan/sessions", url.Values{"version": {v}, "rows": {"0"}, "add": {"1"}}, "HX-Request", "true")
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, sessionRE.FindAllString(body, -1), 1)
	assert.Contains(t, body, "Not saved yet")

	status, _, _ = admin.post("/admin/staff/dr.khan/sessions", sessionsForm(v,
		[5]string{"1", "09:00", "13:00", "15", "OPD-8"}, [5]string{"1", "14:00", "16:00", "20", "OPD-9"}))
	require.Equal(t, http.StatusSeeOther, status)
	after := e.profile("dr.khan")
	require.Len(t, after.Sessions, 2)
	assert.Equal(t, opd.Session{Weekday: time.Monday, Start: "14:00", End: "16:00", SlotMinutes: 20, Room: "OPD-9"}, after.Sessions[1])

	// The form made from the old version is refused: someone else's change is not overwritten.
	status, body, _ = admin.post("/admin/staff/dr.khan/sessions", sessionsForm(v, [5]string{"3", "09:00", "10:00", "15", ""}))
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Someone else changed this doctor")
	assert.Len(t, e.profile("dr.khan").Sessions, 2)
}

func TestProfileEditAndLeave(t *testing.T) {
	loc := zoneAt(10)
	e := newEnv(t, withLocation(loc))
	admin := e.as(handlers.RoleAdmin)
	_, body, _ := admin.get("/admin/staff/doctor")
	m := versionRE.FindStringSubmatch(body)
	require.NotNil(t, m)
	form := url.Values{"version": {m[1]}, "kind": {"doctor"}, "department": {"MED"}, "specialty": {"Diabetology"},
		"licence": {""}, "consult_service": {""}, "room": {"OPD-2"}, "ward": {""}, "active": {"1"}}
	status, body, _ := admin.post("/admin/staff/doctor", form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Regexp(t, `data-error="licence"[^>]*>A doctor&#39;s registration number is required`, body)
	assert.Contains(t, body, `value="Diabetology"`)

	form.Set("licence", "KMC-48213")
	form.Set("consult_service", "NOPE")
	status, body, _ = admin.post("/admin/staff/doctor", form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="consult_service"`)

	form.Set("consult_service", "CONS-MED")
	status, _, _ = admin.post("/admin/staff/doctor", form)
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "Diabetology", e.profile("doctor").Specialty)
	status, body, _ = admin.post("/admin/staff/doctor", form) // the same, stale, form again
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Someone else changed this entry")

	// Leave tomorrow: the booking page then has no slots that day.
	_, tomorrow := slotAt(loc, 1, 9, 0)
	status, body, _ = admin.post("/admin/staff/doctor/exceptions", url.Values{"ex_date": {tomorrow}, "ex_kind": {"leave"}, "ex_reason": {""}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="ex_reason"`)
	status, _, _ = admin.post("/admin/staff/doctor/exceptions", url.Values{"ex_date": {tomorrow}, "ex_kind": {"leave"}, "ex_reason": {"Conference"}})
	require.Equal(t, http.StatusSeeOther, status)
	desk := e.as(handlers.RoleFrontDesk)
	_, body, _ = desk.get("/patients/"+e.patientID("Rajesh Sharma")+"/book?doctor=doctor&date="+tomorrow, "HX-Request", "true")
	assert.Contains(t, body, "No OPD session on this day")

	// An extra session that overlaps itself is refused; a good one adds slots back.
	status, body, _ = admin.post("/admin/staff/doctor/exceptions", url.Values{"ex_date": {tomorrow}, "ex_kind": {"extra"}, "ex_start": {"18:00"}, "ex_end": {"19:00"}, "ex_slot": {"30"}})
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body, _ = desk.get("/patients/"+e.patientID("Rajesh Sharma")+"/book?doctor=doctor&date="+tomorrow, "HX-Request", "true")
	assert.Contains(t, body, `data-testid="slot-18:30"`)
	status, body, _ = admin.post("/admin/staff/doctor/exceptions", url.Values{"ex_date": {tomorrow}, "ex_kind": {"extra"}, "ex_start": {"18:15"}, "ex_end": {"19:15"}, "ex_slot": {"15"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Regexp(t, `data-error="ex_start"[^>]*>Sessions 18:15–19:15 and 18:00–19:00 overlap`, body)

	status, _, _ = admin.post("/admin/staff/doctor/exceptions/"+tomorrow+"/clear", nil)
	require.Equal(t, http.StatusSeeOther, status)
	assert.Empty(t, e.profile("doctor").Exceptions)
}
