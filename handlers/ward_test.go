package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
)

var admissionRE = regexp.MustCompile(`/ward/adm/(IP[0-9]{7})`)

// admitRajesh admits the demo patient MRN 100001 into bed W1-1 through the form.
func admitRajesh(t *testing.T, doc *client) string {
	t.Helper()
	status, _, _ := doc.get("/admissions/new?mrn=100001")
	require.Equal(t, http.StatusOK, status)
	status, body, resp := doc.post("/admissions", url.Values{"mrn": {"100001"}, "source": {"direct"}, "doctor": {"doctor"},
		"department": {"MED"}, "diagnosis": {"Community-acquired pneumonia"}, "reason": {"IV antibiotics"},
		"expected_days": {"4"}, "bed": {"W1-1"}})
	require.Equal(t, http.StatusSeeOther, status, body)
	m := admissionRE.FindStringSubmatch(resp.Header.Get("Location"))
	require.NotNil(t, m)
	return m[1]
}

func TestAdmittedPatientAppearsOnTheWardBoardWithANewOrderBadge(t *testing.T) {
	e := newEnv(t)
	doc, nurse := e.as(handlers.RoleDoctor), e.as(handlers.RoleNurse)
	_, board, _ := nurse.get("/ward/W1")
	m := pollVersionRE.FindStringSubmatch(board)
	require.NotNil(t, m)

	id := admitRajesh(t, doc)
	status, body, _ := doc.get("/ward/adm/" + id)
	require.Equal(t, http.StatusOK, status)
	status, body, _ = doc.post("/ward/adm/"+id+"/orders", url.Values{"kind": {"medication"}, "drug": {"PARA500T"}, "dose": {"1 tablet"},
		"frequency": {"STAT"}, "priority": {"routine"}})
	require.Equal(t, http.StatusSeeOther, status, body)

	status, body, _ = nurse.get("/ward/W1?v="+m[1], "HX-Request", "true", "X-HMS-Background", "1")
	require.Equal(t, http.StatusOK, status, "the poll sees the admission")
	assert.Contains(t, body, `data-testid="tile-`+id+`"`)
	assert.Contains(t, body, "Rajesh Sharma")
	assert.Contains(t, body, `data-badge="allergy"`)
	assert.Contains(t, body, `data-badge="new-orders"`)
	assert.Contains(t, body, `data-testid="census-occupied">1/12`)

	// The nurse acknowledges: the badge goes, and the board's version moves.
	_, view, _ := nurse.get("/ward/adm/" + id)
	orderID := regexp.MustCompile(`data-testid="ack-(` + id + `-M1)"`).FindStringSubmatch(view)
	require.NotNil(t, orderID, "a new order offers the nurse an acknowledgement")
	status, _, _ = nurse.post("/ward/adm/"+id+"/orders/"+orderID[1]+"/ack", nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = nurse.get("/ward/W1")
	assert.NotContains(t, body, `data-badge="new-orders"`)
}

func TestWardFormsRefuseBadInputNextToTheField(t *testing.T) {
	e := newEnv(t)
	doc, nurse := e.as(handlers.RoleDoctor), e.as(handlers.RoleNurse)
	status, body, _ := doc.post("/admissions", url.Values{"mrn": {"999999"}, "source": {"direct"}, "doctor": {"doctor"},
		"department": {"MED"}, "diagnosis": {"x"}, "reason": {"y"}, "expected_days": {"0"}, "bed": {"W1-1"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="mrn"`)
	assert.Contains(t, body, `data-error="expected_days"`)
	assert.Contains(t, body, `value="999999"`, "entries are kept")

	id := admitRajesh(t, doc)
	nurse.get("/ward/adm/" + id)
	status, body, _ = nurse.post("/ward/adm/"+id+"/vitals", url.Values{"temp_c": {"55"}, "pulse": {"88"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="temp_c"`)
	assert.Contains(t, body, "between 30 and 45")

	status, body, _ = doc.post("/ward/adm/"+id+"/orders", url.Values{"kind": {"medication"}, "drug": {"PARA500T"}, "frequency": {"TDS"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "dose is required")

	status, _, _ = nurse.post("/ward/adm/"+id+"/orders", url.Values{"kind": {"diet"}, "text": {"Soft diet"}})
	assert.Equal(t, http.StatusForbidden, status, "a nurse does not write doctor orders")

	xss := `<script>alert(1)</script>`
	status, _, _ = nurse.post("/ward/adm/"+id+"/notes", url.Values{"shift": {"morning"}, "note_text": {xss}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = nurse.get("/ward/adm/" + id)
	assert.NotContains(t, body, xss)
	assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")

	for _, bad := range []string{"IP1", "IP0000001$ne", "..%2f", "ZZ0000001"} {
		status, _, _ = nurse.get("/ward/adm/" + bad)
		assert.Equal(t, http.StatusNotFound, status, bad)
	}
}

func TestAGivenDoseNeedsADispensedItemAndIsRecordedOnce(t *testing.T) {
	e := newEnv(t)
	doc, nurse := e.as(handlers.RoleDoctor), e.as(handlers.RoleNurse)
	id := admitRajesh(t, doc)
	doc.get("/ward/adm/" + id)
	status, _, _ := doc.post("/ward/adm/"+id+"/orders", url.Values{"kind": {"medication"}, "drug": {"PARA500T"}, "dose": {"1 tablet"}, "frequency": {"STAT"}})
	require.Equal(t, http.StatusSeeOther, status)
	nurse.get("/ward/adm/" + id)
	status, body, _ := nurse.post("/ward/adm/"+id+"/orders/"+id+"-M1/ack", nil)
	require.Equal(t, http.StatusSeeOther, status, body)
	_, view, _ := nurse.get("/ward/adm/" + id)
	slot := regexp.MustCompile(`name="slot" value="([0-9T-]+)"`).FindStringSubmatch(view)
	require.NotNil(t, slot, "the STAT dose is on the MAR")
	give := url.Values{"order": {id + "-M1"}, "slot": {slot[1]}, "status": {"given"}, "wristband": {"100001"}, "barcode": {"DL-NOPE"}}
	status, body, _ = nurse.post("/ward/adm/"+id+"/doses", give)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "No dispensed item carries this barcode")

	held := url.Values{"order": {id + "-M1"}, "slot": {slot[1]}, "status": {"held"}, "dose_reason": {"Patient asleep"}}
	status, _, _ = nurse.post("/ward/adm/"+id+"/doses", held)
	require.Equal(t, http.StatusSeeOther, status)
	status, body, _ = nurse.post("/ward/adm/"+id+"/doses", held)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "already recorded")
	assert.Equal(t, 1, strings.Count(body, `data-status="held"`))
}

func TestDischargeStepsReleaseTheBedOnlyWhenThePatientLeaves(t *testing.T) {
	e := newEnv(t)
	doc, nurse := e.as(handlers.RoleDoctor), e.as(handlers.RoleNurse)
	id := admitRajesh(t, doc)
	doc.get("/ward/adm/" + id)
	status, body, _ := doc.post("/ward/adm/"+id+"/discharge", url.Values{"outcome": {"home"}})
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body, _ = nurse.get("/ward/W1")
	assert.Contains(t, body, `data-badge="discharge"`)
	assert.Contains(t, body, `data-testid="bed-1" data-state="occupied"`)

	doc.get("/ward/adm/" + id)
	status, _, _ = doc.post("/ward/adm/"+id+"/summary", url.Values{"sum_diagnoses": {"Pneumonia"}, "sum_course": {"Improved on IV antibiotics"},
		"sum_follow_up": {"OPD in 1 week"}, "sign": {"1"}})
	require.Equal(t, http.StatusSeeOther, status)
	nurse.get("/ward/adm/" + id)
	status, _, _ = nurse.post("/ward/adm/"+id+"/depart", nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = nurse.get("/ward/W1")
	assert.Contains(t, body, `data-testid="bed-1" data-state="cleaning"`)
	assert.Contains(t, body, `1</strong> discharged`)
	_, body, _ = nurse.get("/ward/adm/" + id + "/summary")
	assert.Contains(t, body, "Signed by")
	assert.Contains(t, body, "Improved on IV antibiotics")
}

func TestBedManagerBlocksReservesAndAddsBeds(t *testing.T) {
	e := newEnv(t)
	charge := e.as(handlers.RoleChargeNurse)
	status, body, _ := charge.get("/ward/W3/setup")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="setup-W3-1"`)
	status, _, _ = charge.post("/ward/beds/W3-2/block", url.Values{"block_reason": {"Broken bed rail"}})
	require.Equal(t, http.StatusSeeOther, status)
	status, _, _ = charge.post("/ward/beds/W3-3/reserve", url.Values{"reserve_mrn": {"100001"}, "hours": {"2"}})
	require.Equal(t, http.StatusSeeOther, status)
	status, body, _ = charge.post("/ward/W3/beds", url.Values{"bed_code": {"11"}, "bed_type": {"BED-GEN"}, "features": {"oxygen"}})
	require.Equal(t, http.StatusSeeOther, status, body)
	status, body, _ = charge.post("/ward/W3/beds", url.Values{"bed_code": {"11"}, "bed_type": {"BED-GEN"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="bed_code"`)
	_, body, _ = charge.get("/ward/W3")
	assert.Contains(t, body, `data-testid="bed-2" data-state="blocked"`)
	assert.Contains(t, body, "Broken bed rail")
	assert.Contains(t, body, `data-testid="bed-3" data-state="reserved"`)
	assert.Contains(t, body, `data-testid="bed-11" data-state="available"`)

	nurse := e.as(handlers.RoleNurse)
	status, _, _ = nurse.post("/ward/beds/W3-4/block", url.Values{"block_reason": {"x"}})
	assert.Equal(t, http.StatusForbidden, status, "a nurse does not block beds")
}
