package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/audit"
)

// trailOf is what the audit trail holds about a patient, newest first.
func (e *env) trailOf(patientID string) []audit.Access {
	e.t.Helper()
	tr, err := audit.New(e.db, nil).ByPatient(context.Background(), patientID, 1)
	require.NoError(e.t, err)
	return tr.Accesses
}

func TestOpeningAChartWritesOneAuditEventAndChangesAreRecorded(t *testing.T) {
	e := newEnv(t)
	id := e.patientID("Anil Kumar")
	doctor := e.as(handlers.RoleDoctor)
	before := len(e.trailOf(id))
	doctor.get("/patients/" + id + "?tab=allergies")
	trail := e.trailOf(id)
	require.Len(t, trail, before+1, "one page opened, one event")
	assert.Equal(t, audit.ActionPatientRead, trail[0].Action)
	assert.Equal(t, "t.doctor", trail[0].User)
	assert.Equal(t, "doctor", trail[0].Role)
	assert.Equal(t, "chart:allergies", trail[0].Object)

	doctor.post("/patients/"+id+"/allergies", url.Values{"substance": {"Latex"}, "severity": {"mild"}})
	trail = e.trailOf(id)
	assert.Equal(t, audit.ActionPatientUpdate, trail[0].Action)
	assert.Equal(t, "allergies", trail[0].Object)

	rep, err := audit.New(e.db, nil).Verify(context.Background(), 0, 0)
	require.NoError(t, err)
	assert.True(t, rep.OK(), "the chain verifies: %+v", rep.Break)
	assert.Positive(t, rep.Checked)
}

func TestBoardRefreshesWriteNoAuditEvents(t *testing.T) {
	e := newEnv(t)
	v := e.walkIn("Anil Kumar")
	nurse := e.as(handlers.RoleNurse)
	nurse.get("/opd/visits/" + v.ID + "/vitals")
	n := len(e.trailOf(v.PatientID))
	for range 3 {
		nurse.get("/opd/visits/"+v.ID+"/vitals", "HX-Request", "true", "X-HMS-Background", "1")
	}
	assert.Len(t, e.trailOf(v.PatientID), n, "a background refresh of what is open is not a new access")
}

// failingTrail is an audit trail that cannot be written.
type failingTrail struct{}

func (failingTrail) Append(context.Context, audit.Entry) (audit.Event, error) {
	return audit.Event{}, errors.Join(audit.ErrUnavailable, errors.New("disk full"))
}
func (failingTrail) ByPatient(context.Context, string, int) (audit.PatientTrail, error) {
	return audit.PatientTrail{}, audit.ErrUnavailable
}
func (failingTrail) Search(context.Context, audit.Filter, int) (audit.Result, error) {
	return audit.Result{}, audit.ErrUnavailable
}
func (failingTrail) Verify(context.Context, int64, int64) (audit.Report, error) {
	return audit.Report{}, audit.ErrUnavailable
}
func (failingTrail) Get(context.Context, int64) (audit.Event, error) {
	return audit.Event{}, audit.ErrUnavailable
}

func TestAPatientPageFailsClosedWithoutTheAuditTrail(t *testing.T) {
	e := newEnv(t)
	id := e.patientID("Anil Kumar")
	desk := e.as(handlers.RoleFrontDesk)
	e.rebuild(func(d *handlers.Deps) { d.Audit = failingTrail{} })
	for _, p := range []string{"/patients/" + id, "/patients/" + id + "/print", "/patients/" + id + "/edit"} {
		status, body, _ := desk.get(p)
		assert.Equal(t, http.StatusServiceUnavailable, status, p)
		assert.Contains(t, body, "Audit trail unavailable", p)
		assert.NotContains(t, body, "Anil Kumar", "%s shows nothing of the patient", p)
	}
}

func TestSignInsAndRefusalsAreAudited(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/login")
	c.post("/login", url.Values{"username": {"t.nurse"}, "password": {"wrong password"}})
	nurse := e.as(handlers.RoleNurse)
	status, _, _ := nurse.get("/admin/users")
	require.Equal(t, http.StatusForbidden, status)
	res, err := audit.New(e.db, nil).Search(context.Background(), audit.Filter{User: "t.nurse"}, 10)
	require.NoError(t, err)
	var actions []string
	for _, ev := range res.Events {
		actions = append(actions, ev.Action+"/"+ev.Outcome)
	}
	assert.Contains(t, actions, "login.fail/failed")
	assert.Contains(t, actions, "login.ok/ok")
	assert.Contains(t, actions, "access.denied/denied")
}
