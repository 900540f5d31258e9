package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/opd"
)

var routeParamRE = regexp.MustCompile(`:[A-Za-z_]+`)

// portalRoutes are the routes a patient reaches, taken from the router's table: a new
// portal route is attacked by the test below without being listed anywhere.
func portalRoutes(e *env) []fiber.Route {
	policies := e.app.Policies()
	var out []fiber.Route
	for _, r := range appRoutes(e) {
		if policies[r.Method+" "+r.Path] == handlers.PermPortal {
			out = append(out, r)
		}
	}
	return out
}

// TestPortalRefusesAnotherPatientsRecords signs in as patient A and tries every portal
// route with B's ids — in the URL, in hidden fields and as htmx values, reading and
// writing — and expects 404 with nothing of B's in the body, and B's records unchanged.
func TestPortalRefusesAnotherPatientsRecords(t *testing.T) {
	e := newEnv(t)
	a := e.newPortalUser("Rajesh Sharma", "rajesh")
	b := e.newPortalUser("Ramesh Gowda", "ramesh")
	foreign := []string{b.id, b.appt, b.visit, b.invoice, b.mrn}
	// every name a request might carry B's id under
	smuggle := func() url.Values {
		v := url.Values{}
		for _, k := range []string{"patient_id", "patient", "id", "pid", "mrn", "appointment", "visit", "invoice"} {
			v.Set(k, b.id)
		}
		v.Set("mrn", b.mrn)
		v.Set("appointment", b.appt)
		v.Set("visit", b.visit)
		v.Set("invoice", b.invoice)
		return v
	}
	leaks := func(body string) bool {
		return strings.Contains(body, b.name) || strings.Contains(body, b.mrn) || strings.Contains(body, "Gowda")
	}
	routes := portalRoutes(e)
	require.GreaterOrEqual(t, len(routes), 7, "home, visit, invoice, cancel, access, export page and file")
	attempts := 0
	for _, r := range routes {
		withID := routeParamRE.MatchString(r.Path)
		for _, htmx := range []bool{false, true} {
			hdr := []string{}
			if htmx {
				// htmx sends hx-vals as form values (POST) or query parameters (GET)
				hdr = []string{"HX-Request", "true"}
			}
			paths := []string{r.Path}
			if withID {
				paths = nil
				for _, id := range foreign {
					paths = append(paths, routeParamRE.ReplaceAllString(r.Path, id))
				}
			}
			for _, path := range paths {
				var status int
				var body string
				if r.Method == fiber.MethodGet {
					status, body, _ = a.c.get(path+"?"+smuggle().Encode(), hdr...)
				} else {
					status, body, _ = a.c.post(path, smuggle(), hdr...)
				}
				attempts++
				if withID {
					assert.Equal(t, http.StatusNotFound, status, "%s %s", r.Method, path)
				} else {
					assert.Less(t, status, 400, "%s %s", r.Method, path)
				}
				assert.False(t, leaks(body), "%s %s shows patient B's data", r.Method, path)
			}
		}
	}
	t.Logf("portal IDOR attempts: %d over %d routes, 0 leaks expected", attempts, len(routes))

	ctx := context.Background()
	ap, err := e.app.OPD.Appointment(ctx, b.appt)
	require.NoError(t, err)
	assert.Equal(t, opd.ApptBooked, ap.Status, "B's appointment was not cancelled")
	tr, err := e.app.Audit.ByPatient(ctx, b.id, 1)
	require.NoError(t, err)
	for _, x := range tr.Accesses {
		assert.NotEqual(t, a.username, x.User, "A's requests never touched B's record")
	}

	// A's own ids do work, so the 404s above are about ownership, not broken routes.
	status, body, _ := a.c.get("/portal/visits/" + a.visit)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Your visit on")
	status, body, _ = a.c.get("/portal/invoices/" + a.invoice)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, a.invoice)
	status, _, _ = b.c.get("/portal/visits/" + a.visit)
	assert.Equal(t, http.StatusNotFound, status, "and B cannot read A's either")
}

// TestPortalHomeShowsOnlyOwnVerifiedRecordsAndIsAudited checks what a patient sees and
// that each portal page is recorded as a read by the patient's own account.
func TestPortalHomeShowsOnlyOwnVerifiedRecordsAndIsAudited(t *testing.T) {
	e := newEnv(t)
	a := e.newPortalUser("Rajesh Sharma", "rajesh")
	status, body, _ := a.c.get("/portal")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, a.name)
	assert.Contains(t, body, `data-testid="portal-appt"`)
	assert.Contains(t, body, "Haemoglobin", "the verified result")
	assert.NotContains(t, body, "Glucose, fasting", "a preliminary result waits for the pathologist")
	assert.Contains(t, body, a.invoice)
	assert.Contains(t, body, "/portal/visits/"+a.visit)

	status, body, resp := a.c.get("/portal/export.json")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
	assert.Contains(t, body, `"mrn": "`+a.mrn+`"`)
	assert.Contains(t, body, a.invoice)
	assert.NotContains(t, body, "Glucose")
	assert.NotContains(t, body, "t.frontdesk", "staff appear by role, never by username")
	status, body, _ = a.c.get("/portal/export")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "My health record")

	desk := e.as(handlers.RoleFrontDesk)
	desk.get("/patients/" + a.id)
	status, body, _ = a.c.get("/portal/access")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "A front-desk clerk viewed your record")
	assert.NotContains(t, body, "t.frontdesk")

	tr, err := e.app.Audit.ByPatient(context.Background(), a.id, 1)
	require.NoError(t, err)
	objects := map[string]bool{}
	for _, x := range tr.Accesses {
		if x.User == a.username {
			assert.Equal(t, "patient", x.Role)
			objects[x.Action+" "+x.Object] = true
		}
	}
	for _, want := range []string{"patient.read portal:home", "patient.export portal:export:json", "patient.export portal:export:html", "patient.read portal:access"} {
		assert.True(t, objects[want], "audited: %s (have %v)", want, objects)
	}
}

// TestPatientCancelsOwnFutureAppointment cancels through the portal and frees the slot.
func TestPatientCancelsOwnFutureAppointment(t *testing.T) {
	e := newEnv(t)
	a := e.newPortalUser("Rajesh Sharma", "rajesh")
	a.c.get("/portal")
	status, _, resp := a.c.post("/portal/appointments/"+a.appt+"/cancel", nil)
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "/portal", resp.Header.Get("Location"))
	ap, err := e.app.OPD.Appointment(context.Background(), a.appt)
	require.NoError(t, err)
	assert.Equal(t, opd.ApptCancelled, ap.Status)
	_, body, _ := a.c.get("/portal")
	assert.Contains(t, body, "is cancelled")
	assert.NotContains(t, body, `data-testid="cancel-appt"`, "nothing left to cancel")
	status, _, _ = a.c.post("/portal/appointments/"+a.appt+"/cancel", nil)
	assert.Equal(t, http.StatusSeeOther, status, "a second cancel is refused with a message, not an error page")
	_, body, _ = a.c.get("/portal")
	assert.Contains(t, body, "no longer booked")
}

// TestUnlinkedPatientAccountSeesOnlyTheNotice covers a patient-role account without a record.
func TestUnlinkedPatientAccountSeesOnlyTheNotice(t *testing.T) {
	e := newEnv(t)
	c := e.as(handlers.RolePatient)
	status, body, _ := c.get("/portal")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "not linked to a hospital record")
	for _, path := range []string{"/portal/export.json", "/portal/access", "/portal/visits/V0000001"} {
		status, _, _ = c.get(path)
		assert.Equal(t, http.StatusNotFound, status, path)
	}
}
