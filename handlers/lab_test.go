package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/billing"
	"hms/store/lab"
	"hms/store/opd"
)

// labOrders checks a demo patient in to the demo doctor, calls them in and orders tests.
func (e *env) labOrders(patient string, codes ...string) (opd.Visit, []string) {
	e.t.Helper()
	ctx := context.Background()
	v := e.consultCheckIn(patient)
	v, err := e.app.OPD.Call(ctx, v.ID, "doctor")
	require.NoError(e.t, err)
	for _, code := range codes {
		v, err = e.app.OPD.AddLabOrder(ctx, v.ID, opd.OrderInput{Code: code, Priority: "stat"}, "doctor")
		require.NoError(e.t, err)
	}
	var ids []string
	for _, o := range v.Orders {
		ids = append(ids, o.DocID)
	}
	return v, ids
}

func (e *env) labOrder(id string) lab.Order {
	e.t.Helper()
	o, err := e.app.Lab.Order(context.Background(), id)
	require.NoError(e.t, err)
	return o
}

var labVersionRE = regexp.MustCompile(`name="version" value="([0-9]+)"`)

func TestLabWorkflowFromCollectionToTheDoctorsAcknowledgement(t *testing.T) {
	e := newEnv(t)
	_, ids := e.labOrders("Rajesh Sharma", "CBC", "GLU-F")
	cbc, glu := ids[0], ids[1]
	tech := e.as(handlers.RoleLabTech)

	status, body, _ := tech.get("/lab")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-order="`+cbc+`"`)
	assert.Contains(t, body, "Glucose, fasting")
	assert.Contains(t, body, `hx-trigger="every 10s"`)

	status, _, _ = tech.post("/lab/orders/"+glu+"/collect", url.Values{"where": {"lab"}})
	require.Equal(t, http.StatusSeeOther, status)
	o := e.labOrder(glu)
	require.Regexp(t, `^L[0-9]{7}$`, o.Accession)
	assert.Equal(t, lab.StatusReceived, o.Status)
	ch, err := billing.NewCharges(e.db).ByID(context.Background(), lab.ChargeID(glu))
	require.NoError(t, err, "the lab charge is posted at collection")
	assert.Equal(t, "LAB-GLU-F", ch.ServiceCode)

	status, body, _ = tech.get("/lab/samples/" + o.Accession + "/label")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "<svg")
	assert.Contains(t, body, "Rajesh Sharma")

	status, body, _ = tech.post("/lab/scan", url.Values{"accession": {"L9999999"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "No sample has accession number L9999999")
	status, _, resp := tech.post("/lab/scan", url.Values{"accession": {o.Accession}})
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "/lab/orders/"+glu, resp.Header.Get("Location"))
	assert.Equal(t, lab.StatusInProgress, e.labOrder(glu).Status, "scanning at the bench starts the work")

	status, body, _ = tech.get("/lab/orders/" + glu)
	require.Equal(t, http.StatusOK, status)
	version := labVersionRE.FindStringSubmatch(body)[1]
	status, body, _ = tech.post("/lab/orders/"+glu+"/results", url.Values{"version": {version}, "r_GLU-F": {"5.5 mmol/L"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="GLU-F"`)
	assert.Contains(t, body, "reported in mg/dL, not mmol/L")
	assert.Contains(t, body, `value="5.5 mmol/L"`, "the entry is kept")
	assert.Empty(t, e.labOrder(glu).Results, "nothing stored")

	status, _, _ = tech.post("/lab/orders/"+glu+"/results", url.Values{"version": {version}, "r_GLU-F": {"520"}})
	require.Equal(t, http.StatusSeeOther, status)
	// A second save from a page showing the old version is refused, visibly.
	status, body, _ = tech.post("/lab/orders/"+glu+"/results", url.Values{"version": {version}, "r_GLU-F": {"52"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "saved a newer version")
	assert.Equal(t, "520", e.labOrder(glu).Results[0].Value)

	status, _, _ = tech.post("/lab/orders/"+glu+"/verify", url.Values{"version": {version}})
	assert.Equal(t, http.StatusForbidden, status, "a technician cannot verify")

	path := e.demo("pathologist")
	status, body, _ = path.get("/lab/orders/" + glu)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Verify and release")
	version = labVersionRE.FindStringSubmatch(body)[1]
	status, _, _ = path.post("/lab/orders/"+glu+"/verify", url.Values{"version": {version}})
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, lab.StatusVerified, e.labOrder(glu).Status)

	doc := e.demo("doctor")
	status, body, _ = doc.get("/results/alerts")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Glucose, fasting 520 mg/dL (HH)")
	pid := e.patientID("Rajesh Sharma")
	status, body, _ = doc.get("/patients/" + pid + "?tab=orders")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="chart-result" data-flag="HH"`)
	assert.Contains(t, body, `data-testid="critical-alert"`)
	alertID := lab.AlertID(glu, 0)
	status, _, _ = doc.post("/results/alerts/"+alertID+"/ack", nil)
	require.Equal(t, http.StatusSeeOther, status)
	status, body, _ = doc.get("/results/alerts")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="no-alerts"`)
	al, err := e.app.Lab.Alert(context.Background(), alertID)
	require.NoError(t, err)
	var steps []string
	for _, s := range al.Steps {
		steps = append(steps, s.What+" by "+s.By)
	}
	assert.Equal(t, []string{"raised by pathologist", "seen by doctor", "acknowledged by doctor"}, steps)

	status, body, _ = doc.get("/lab/orders/" + glu + "/report")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="report-signature"`)
	assert.Contains(t, body, "Pathologist")
}

func TestLabResultMustBeVerifiedBySomeoneElse(t *testing.T) {
	e := newEnv(t)
	_, ids := e.labOrders("Rajesh Sharma", "GLU-F")
	path := e.demo("pathologist")
	status, _, _ := path.post("/lab/orders/"+ids[0]+"/collect", url.Values{"where": {"lab"}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ := path.get("/lab/orders/" + ids[0])
	version := labVersionRE.FindStringSubmatch(body)[1]
	status, _, _ = path.post("/lab/orders/"+ids[0]+"/results", url.Values{"version": {version}, "r_GLU-F": {"-3"}})
	require.Equal(t, http.StatusUnprocessableEntity, status, "negative glucose is refused")
	status, _, _ = path.post("/lab/orders/"+ids[0]+"/results", url.Values{"version": {version}, "r_GLU-F": {"95"}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = path.get("/lab/orders/" + ids[0])
	assert.NotContains(t, body, "Verify and release", "the person who entered is not offered verification")
	version = labVersionRE.FindStringSubmatch(body)[1]
	status, body, _ = path.post("/lab/orders/"+ids[0]+"/verify", url.Values{"version": {version}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "a second person must verify")
	assert.Equal(t, lab.StatusResulted, e.labOrder(ids[0]).Status)
}

func TestLabCancelAfterCollectionFromTheConsultReversesTheCharge(t *testing.T) {
	e := newEnv(t)
	v, ids := e.labOrders("Rajesh Sharma", "CBC")
	tech := e.as(handlers.RoleLabTech)
	status, _, _ := tech.post("/lab/orders/"+ids[0]+"/collect", url.Values{"where": {"ward"}})
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, lab.StatusCollected, e.labOrder(ids[0]).Status)

	doc := e.demo("doctor")
	doc.get("/opd/visits/" + v.ID)
	status, _, _ = doc.post("/opd/visits/"+v.ID+"/orders/1/cancel", url.Values{"reason": {"duplicate order"}})
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, lab.StatusCancelled, e.labOrder(ids[0]).Status)
	assert.Equal(t, opd.OrderCancelled, e.visit(v.ID).Orders[0].Status)
	ch, err := billing.NewCharges(e.db).ByID(context.Background(), lab.ChargeID(ids[0]))
	require.NoError(t, err)
	assert.Equal(t, billing.ChargeReversed, ch.Status)
}

func TestLabWorklistPollIs204UntilItChangesAndPagesNeedTheirPermission(t *testing.T) {
	e := newEnv(t)
	_, ids := e.labOrders("Rajesh Sharma", "GLU-F")
	tech := e.as(handlers.RoleLabTech)
	_, body, _ := tech.get("/lab?priority=stat")
	m := queueVersionRE.FindStringSubmatch(body)
	require.NotNil(t, m)
	status, _, _ := tech.get("/lab?priority=stat&v="+m[1], "HX-Request", "true", "X-HMS-Background", "1")
	assert.Equal(t, http.StatusNoContent, status)
	e.labOrders("Harish Shetty", "CBC")
	time.Sleep(2100 * time.Millisecond) // an order placed by the OPD shows once the shared read (2 s) is stale
	status, body, _ = tech.get("/lab?priority=stat&v="+m[1], "HX-Request", "true", "X-HMS-Background", "1")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Harish Shetty")
	assert.NotContains(t, body, "<html", "the poll gets the list alone")

	front := e.as(handlers.RoleFrontDesk)
	status, _, _ = front.get("/lab/orders/" + ids[0])
	assert.Equal(t, http.StatusForbidden, status)
	status, _, _ = tech.get("/lab/orders/nope';--")
	assert.Equal(t, http.StatusNotFound, status)
	status, _, _ = tech.get("/lab/catalogue/HB")
	assert.Equal(t, http.StatusForbidden, status, "technicians do not edit the catalogue")
}

func TestLabHostileInputIsRefusedAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	_, ids := e.labOrders("Rajesh Sharma", "GLU-F")
	tech := e.as(handlers.RoleLabTech)
	status, body, _ := tech.post("/lab/scan", url.Values{"accession": {"L0000001' OR '1'='1"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "L followed by seven digits")

	status, _, _ = tech.post("/lab/orders/"+ids[0]+"/collect", url.Values{"where": {"lab"}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = tech.get("/lab/orders/" + ids[0])
	version := labVersionRE.FindStringSubmatch(body)[1]
	// Fields the form does not have are ignored: no self-verification, no other test's value.
	status, _, _ = tech.post("/lab/orders/"+ids[0]+"/results", url.Values{"version": {version}, "r_GLU-F": {"<script>alert(1)</script>"},
		"status": {"verified"}, "verified_by": {"t.labtech"}, "r_HB": {"1"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	o := e.labOrder(ids[0])
	assert.Empty(t, o.Results)
	assert.Equal(t, lab.StatusReceived, o.Status)
	status, body, _ = tech.post("/lab/orders/"+ids[0]+"/results", url.Values{"version": {version}, "r_GLU-F": {"<b>99</b>"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.NotContains(t, body, "<b>99</b>", "what was typed comes back escaped")
	status, _, _ = tech.post("/lab/orders/"+ids[0]+"/results", url.Values{"version": {version}, "r_GLU-F": {"99"}, "r_GLU-F ": {"1"}})
	assert.Equal(t, http.StatusSeeOther, status)
	o = e.labOrder(ids[0])
	require.Len(t, o.Results, 1)
	assert.Equal(t, "99", o.Results[0].Value)
	assert.Equal(t, lab.StatusResulted, o.Status)
}

func TestPathologistEditsReferenceRangesAndBadLinesAreRefused(t *testing.T) {
	e := newEnv(t)
	path := e.demo("pathologist")
	status, body, _ := path.get("/lab/catalogue/GLU-F")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "any 18-130: 70-100")
	version := labVersionRE.FindStringSubmatch(body)[1]
	form := url.Values{"version": {version}, "name": {"Glucose, fasting"}, "tat": {"2"}, "unit": {"mg/dL"},
		"ranges": {"any 18-130: 70-100\nchildren: 60-100"}, "critical_low": {"50"}, "critical_high": {"400"}}
	status, body, _ = path.post("/lab/catalogue/GLU-F", form)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="ranges"`)
	assert.Contains(t, body, "children: 60-100", "the entry is kept")

	form.Set("ranges", "any 18-130: 70-100\nany 1-18: 60-100")
	form.Set("critical_high", "450")
	status, _, _ = path.post("/lab/catalogue/GLU-F", form)
	require.Equal(t, http.StatusSeeOther, status)
	t2, err := e.app.Catalog.LabTest(context.Background(), "GLU-F")
	require.NoError(t, err)
	require.Len(t, t2.Ranges, 2)
	assert.Equal(t, 1, t2.Ranges[1].AgeFrom)
	assert.Equal(t, 450.0, *t2.CriticalHigh)
	assert.Equal(t, lab.FlagHigh, lab.Flag(t2, "F", 10, 101))

	status, body, _ = path.post("/lab/catalogue/GLU-F", form) // the version read before the save
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "changed by someone else")
}
