package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/catalog"
	"hms/store/opd"
)

// walkIn checks a demo patient in with the demo doctor and returns the visit.
func (e *env) walkIn(name string) opd.Visit {
	e.t.Helper()
	o := opd.New(e.db, catalog.New(e.db), opd.Options{Patients: e.pats})
	v, err := o.CheckIn(context.Background(), opd.CheckIn{PatientID: e.patientID(name), Doctor: "doctor"}, "t.frontdesk")
	require.NoError(e.t, err)
	return v
}

func TestNurseRecordsVitalsFromTheQueue(t *testing.T) {
	e := newEnv(t)
	v := e.walkIn("Anil Kumar")
	e.walkIn("Priya Nair")
	nurse := e.as(handlers.RoleNurse)

	status, body, _ := nurse.get("/opd/queues/doctor")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Anil Kumar")
	assert.Contains(t, body, `data-token="1"`)
	assert.Contains(t, body, `data-token="2"`)
	assert.Contains(t, body, "Record vitals")

	form := url.Values{"temp_c": {"38.4"}, "pulse": {"104"}, "systolic": {"150"}, "diastolic": {"95"}, "spo2": {"97"},
		"weight_kg": {"70"}, "height_cm": {"170"}}
	status, body, _ = nurse.post("/opd/visits/"+v.ID+"/vitals", form)
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body, _ = nurse.get("/opd/queues/doctor")
	assert.Contains(t, body, "Vitals done")
	assert.Contains(t, body, "Abnormal vitals", "a fever and high BP are highlighted")

	_, body, _ = nurse.get("/opd/visits/" + v.ID + "/vitals")
	assert.Contains(t, body, "24.2", "BMI computed from weight and height")
	assert.Regexp(t, regexp.MustCompile(`text-red-700">\s*38.4`), body, "the fever shows as abnormal")
}

func TestImplausibleVitalsAreRefusedWithTheLimit(t *testing.T) {
	e := newEnv(t)
	v := e.walkIn("Anil Kumar")
	nurse := e.as(handlers.RoleNurse)
	cases := []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"BP 400/20", url.Values{"systolic": {"400"}, "diastolic": {"20"}}, "systolic", "between 50 and 300 mmHg"},
		{"SpO2 120", url.Values{"spo2": {"120"}}, "spo2", "between 50 and 100 %"},
		{"systolic below diastolic", url.Values{"systolic": {"80"}, "diastolic": {"90"}}, "systolic", "higher than diastolic"},
		{"not a number", url.Values{"pulse": {"fast"}}, "pulse", "Enter a number"},
		{"temperature in Fahrenheit", url.Values{"temp_c": {"101"}}, "temp_c", "between 30 and 45 °C"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := nurse.post("/opd/visits/"+v.ID+"/vitals", tc.form)
			require.Equal(t, http.StatusUnprocessableEntity, status)
			assert.Contains(t, body, `data-error="`+tc.field+`"`)
			assert.Contains(t, body, tc.want)
			for k, vals := range tc.form {
				assert.Contains(t, body, `value="`+vals[0]+`"`, "entry %s kept", k)
			}
		})
	}
	status, body, _ := nurse.post("/opd/visits/"+v.ID+"/vitals", url.Values{})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "at least one vital sign")
	_, body, _ = nurse.get("/opd/queues/doctor")
	assert.NotContains(t, body, "Vitals done", "nothing was recorded")
}

func TestSkipAndRecall(t *testing.T) {
	e := newEnv(t)
	v := e.walkIn("Anil Kumar")
	nurse := e.as(handlers.RoleNurse)
	nurse.get("/opd/queues/doctor")
	status, _, _ := nurse.post("/opd/visits/"+v.ID+"/skip", nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ := nurse.get("/opd/queues/doctor")
	assert.Contains(t, body, `data-state="skipped"`)
	status, _, _ = nurse.post("/opd/visits/"+v.ID+"/skip", nil)
	assert.Equal(t, http.StatusSeeOther, status)
	_, body, _ = nurse.get("/opd/queues/doctor")
	assert.Contains(t, body, "has moved on in the queue", "a second skip changes nothing and says so")
	nurse.post("/opd/visits/"+v.ID+"/recall", nil)
	_, body, _ = nurse.get("/opd/queues/doctor")
	assert.Contains(t, body, `data-state="waiting"`)
}

func TestQueueBoardPollIs204UntilSomethingChanges(t *testing.T) {
	e := newEnv(t)
	e.walkIn("Anil Kumar")
	desk := e.as(handlers.RoleFrontDesk)
	_, body, _ := desk.get("/opd/queues/doctor")
	v := regexp.MustCompile(`&#34;v&#34;:&#34;([0-9a-f]+)&#34;`).FindStringSubmatch(body)
	require.NotNil(t, v, "the board carries its version")
	status, _, _ := desk.get("/opd/queues/doctor?v="+v[1], "HX-Request", "true", "X-HMS-Background", "1")
	assert.Equal(t, http.StatusNoContent, status)
	e.walkIn("Priya Nair")
	status, body, _ = desk.get("/opd/queues/doctor?v="+v[1], "HX-Request", "true", "X-HMS-Background", "1")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Priya Nair")

	status, _, _ = desk.post("/opd/visits/V0000001/skip", nil)
	assert.Equal(t, http.StatusForbidden, status, "the front desk sees queues but does not triage")
	status, _, _ = desk.get("/opd/queues/nosuchdoctor")
	assert.Equal(t, http.StatusNotFound, status)
}

func TestWaitingRoomDisplayShowsTokensNotNames(t *testing.T) {
	e := newEnv(t)
	e.walkIn("Anil Kumar")
	e.walkIn("Priya Nair")
	screen := e.as(handlers.RoleDisplay)
	status, body, _ := screen.get("/display/opd")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="next-tokens">1, 2<`)
	assert.NotContains(t, body, "Anil Kumar", "the waiting room is public: no names")
}

func TestTheChartListsThePatientsVisits(t *testing.T) {
	e := newEnv(t)
	id := e.patientID("Anil Kumar")
	desk := e.as(handlers.RoleFrontDesk)
	_, body, _ := desk.get("/patients/" + id + "?tab=visits")
	assert.Contains(t, body, "No OPD visits are recorded")
	e.walkIn("Anil Kumar")
	_, body, _ = desk.get("/patients/" + id + "?tab=visits")
	assert.NotContains(t, body, "No OPD visits are recorded")
	assert.Contains(t, body, "Dr. Ananya Krishnan")
	assert.Contains(t, body, "Waiting")
}
