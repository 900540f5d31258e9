package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/opd"
	"hms/store/seed"
)

// consultCheckIn checks a demo patient in as a walk-in to the demo doctor "doctor".
func (e *env) consultCheckIn(name string) opd.Visit {
	e.t.Helper()
	v, err := e.app.OPD.CheckIn(context.Background(), opd.CheckIn{PatientID: e.patientID(name), Doctor: "doctor"}, "t.frontdesk")
	require.NoError(e.t, err)
	return v
}

// demo signs in as a demo account (the doctors have OPD profiles and queues).
func (e *env) demo(username string) *client {
	c := e.client()
	c.login(username, seed.DemoPassword)
	return c
}

func (e *env) visit(id string) opd.Visit {
	e.t.Helper()
	v, err := e.app.OPD.Visit(context.Background(), id)
	require.NoError(e.t, err)
	return v
}

var queueVersionRE = regexp.MustCompile(`{&#34;v&#34;:&#34;([0-9a-f]+)&#34;`)

func TestOPDHomeShowsTheQueueAndCallNextOpensTheConsultation(t *testing.T) {
	e := newEnv(t)
	first := e.consultCheckIn("Rajesh Sharma")
	second := e.consultCheckIn("Harish Shetty")
	_, err := e.app.OPD.SetPriority(context.Background(), second.ID, opd.PriorityElderly, "", "t.nurse")
	require.NoError(t, err)
	temp, pulse := 39.2, 80.0
	_, err = e.app.OPD.RecordVitals(context.Background(), first.ID, opd.Vitals{TempC: &temp, Pulse: &pulse}, "t.nurse")
	require.NoError(t, err)

	doc := e.demo("doctor")
	status, body, _ := doc.get("/opd")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Rajesh Sharma")
	assert.Contains(t, body, "Harish Shetty")
	assert.Contains(t, body, `data-testid="call-next"`)
	assert.Contains(t, body, `data-testid="vitals-abnormal"`, "a fever is flagged in the queue")
	assert.Contains(t, body, "Elderly", "the priority is visible")
	assert.Contains(t, body, `hx-trigger="every 15s"`)
	assert.Contains(t, body, `X-HMS-Background`)
	assert.Less(t, strings.Index(body, "Harish Shetty"), strings.Index(body, "Rajesh Sharma"), "priority moves up")

	status, _, resp := doc.post("/opd/call-next", nil)
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "/opd/visits/"+second.ID, resp.Header.Get("Location"), "the elderly patient is called first")
	assert.Equal(t, opd.StateWithDoctor, e.visit(second.ID).Status)

	status, body, _ = doc.get(resp.Header.Get("Location"))
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="patient-banner"`)
	assert.Contains(t, body, `data-testid="rx-form"`)
	assert.Contains(t, body, "Called in token")

	status, body, _ = doc.get("/opd/visits/" + first.ID)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-abnormal="true"`, "the temperature is highlighted")
	assert.Contains(t, body, "39.2 °C")
	assert.Contains(t, body, "Penicillin", "allergies are on the screen")
	assert.Contains(t, body, `data-testid="call-in"`, "a waiting patient can be called in from here")
	assert.NotContains(t, body, `data-testid="rx-form"`, "nothing is prescribed before the patient is called in")

	// Nobody waiting: a message, not an error.
	doc.post("/opd/call-next", nil)
	status, _, resp = doc.post("/opd/call-next", nil)
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "/opd", resp.Header.Get("Location"))
	_, body, _ = doc.get("/opd")
	assert.Contains(t, body, "Nobody is waiting")
}

func TestOPDQueuePollIs204UntilTheQueueChanges(t *testing.T) {
	e := newEnv(t)
	v := e.consultCheckIn("Rajesh Sharma")
	doc := e.demo("doctor")
	_, body, _ := doc.get("/opd")
	m := queueVersionRE.FindStringSubmatch(body)
	require.NotNil(t, m, "the queue carries its version for the poll")
	poll := "/opd/queue?v=" + m[1]
	status, body, _ := doc.get(poll, "HX-Request", "true", "X-HMS-Background", "1")
	assert.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, body)

	e.consultCheckIn("Harish Shetty")
	status, body, _ = doc.get(poll, "HX-Request", "true", "X-HMS-Background", "1")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Harish Shetty")
	assert.NotContains(t, body, "<html", "the poll gets the fragment only")
	_ = v

	status, _, resp := doc.get("/opd/queue")
	assert.Equal(t, http.StatusSeeOther, status, "a plain visit to the fragment goes to the page")
	assert.Equal(t, "/opd", resp.Header.Get("Location"))
}

// A doctor cannot open or act on a patient in another doctor's queue, by any route.
func TestConsultOfAnotherDoctorsPatientIsForbidden(t *testing.T) {
	e := newEnv(t)
	v := e.consultCheckIn("Rajesh Sharma")
	base := "/opd/visits/" + v.ID
	rao := e.demo("dr.rao")
	gets := []string{base, base + "/icd10?q=fever", base + "/quantity?frequency=OD", base + "/prescription"}
	posts := []string{base + "/call", base + "/note", base + "/addendum", base + "/diagnoses", base + "/diagnoses/1/remove",
		base + "/prescriptions", base + "/prescriptions/1/remove", base + "/orders/lab", base + "/orders/radiology",
		base + "/orders/1/cancel", base + "/complete"}
	for _, htmx := range [][]string{nil, {"HX-Request", "true"}} {
		for _, p := range gets {
			status, body, _ := rao.get(p, htmx...)
			assert.Equal(t, http.StatusForbidden, status, "GET %s %v", p, htmx)
			assert.NotContains(t, body, "Rajesh", p)
		}
		for _, p := range posts {
			status, _, _ := rao.post(p, url.Values{"subjective": {"x"}, "code": {"I10"}, "drug": {"PARA500T"}}, htmx...)
			assert.Equal(t, http.StatusForbidden, status, "POST %s %v", p, htmx)
		}
	}
	got := e.visit(v.ID)
	assert.Equal(t, opd.StateWaiting, got.Status, "nothing changed")
	assert.Empty(t, got.Diagnoses)

	// The head of department may consult any queue.
	status, _, _ := e.demo("dr.hegde").get(base)
	assert.Equal(t, http.StatusOK, status)
	// Unknown or malformed visits are 404.
	for _, p := range []string{"/opd/visits/V9999999", "/opd/visits/x$ne", "/opd/visits/" + strings.Repeat("a", 64)} {
		status, _, _ := rao.get(p)
		assert.Equal(t, http.StatusNotFound, status, p)
	}
}

// calledIn checks a patient in and calls them in as the demo doctor.
func calledIn(t *testing.T, e *env, name string) (*client, opd.Visit, string) {
	v := e.consultCheckIn(name)
	doc := e.demo("doctor")
	status, _, _ := doc.post("/opd/visits/"+v.ID+"/call", nil)
	require.Equal(t, http.StatusSeeOther, status)
	doc.get("/opd/visits/" + v.ID)
	return doc, v, "/opd/visits/" + v.ID
}

func TestAllergyConflictMustBeAcknowledgedAndIsRecorded(t *testing.T) {
	e := newEnv(t)
	doc, v, base := calledIn(t, e, "Rajesh Sharma") // severe penicillin allergy
	form := url.Values{"drug": {"AMOX500C"}, "dose": {"500 mg"}, "units_per_dose": {"1"}, "frequency": {"TDS"},
		"duration_days": {"5"}, "instructions": {"after food"}}
	status, body, _ := doc.post(base+"/prescriptions", form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-testid="rx-warning-allergy"`)
	assert.Contains(t, body, "Allergy to Penicillin")
	assert.Contains(t, body, "I have reviewed this warning and prescribe anyway")
	assert.Contains(t, body, `value="500 mg"`, "entries are kept")
	assert.Contains(t, body, `value="after food"`)
	assert.Contains(t, body, "15 capsule", "the computed quantity is shown")
	assert.Empty(t, e.visit(v.ID).Prescriptions, "nothing was prescribed")

	form.Set("ack_allergy", "1")
	status, _, _ = doc.post(base+"/prescriptions", form)
	require.Equal(t, http.StatusSeeOther, status)
	rx := e.visit(v.ID).Prescriptions
	require.Len(t, rx, 1)
	require.NotNil(t, rx[0].AllergyAck, "the acknowledgement is recorded")
	assert.Equal(t, "doctor", rx[0].AllergyAck.By)
	assert.Equal(t, 15, rx[0].Quantity)

	// The same drug again: the duplicate warning, acknowledged separately.
	status, body, _ = doc.post(base+"/prescriptions", form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-testid="rx-warning-duplicate"`)
	assert.Contains(t, body, `type="hidden" name="ack_allergy" value="1"`, "the allergy acknowledgement is carried")
	form.Set("ack_duplicate", "1")
	status, _, _ = doc.post(base+"/prescriptions", form)
	require.Equal(t, http.StatusSeeOther, status)
	rx = e.visit(v.ID).Prescriptions
	require.Len(t, rx, 2)
	assert.NotNil(t, rx[1].DuplicateAck)

	_, body, _ = doc.get(base + "/prescription")
	assert.Contains(t, body, "Amoxicillin 500 mg capsule")
	assert.Contains(t, body, "KMC-48213", "the doctor's licence from the OPD profile")
	assert.Contains(t, body, "ALLERGIES: Penicillin")
}

func TestBadConsultInputIsRefusedNextToTheFieldAndNothingIsStored(t *testing.T) {
	e := newEnv(t)
	doc, v, base := calledIn(t, e, "Harish Shetty")
	rx := func(field, value string) url.Values {
		f := url.Values{"drug": {"PARA500T"}, "dose": {"500 mg"}, "frequency": {"TDS"}, "duration_days": {"3"}, "instructions": {"keep me"}}
		f.Set(field, value)
		return f
	}
	cases := []struct {
		name, path, field, want string
		form                    url.Values
	}{
		{"no drug", "/prescriptions", "drug", "Required", rx("drug", "")},
		{"drug not in the formulary", "/prescriptions", "drug", "from the formulary", rx("drug", "NOPE")},
		{"no dose", "/prescriptions", "dose", "Required", rx("dose", "  ")},
		{"zero days", "/prescriptions", "duration_days", "1 to 365", rx("duration_days", "0")},
		{"days not a number", "/prescriptions", "duration_days", "1 to 365", rx("duration_days", "five")},
		{"negative units", "/prescriptions", "units_per_dose", "more than 0", rx("units_per_dose", "-1")},
		{"unknown frequency", "/prescriptions", "frequency", "listed options", rx("frequency", "HOURLY")},
		{"SOS without quantity", "/prescriptions", "quantity", "quantity to dispense", rx("frequency", "SOS")},
		{"unknown route", "/prescriptions", "route", "listed options", rx("route", "intrathecal$ne")},
		{"lab test missing", "/orders/lab", "lab_code", "Required", url.Values{"lab_priority": {"routine"}, "lab_notes": {"keep me"}}},
		{"lab test unknown", "/orders/lab", "lab_code", "listed options", url.Values{"lab_code": {"ZZZ"}, "lab_priority": {"routine"}, "lab_notes": {"keep me"}}},
		{"exam priority unknown", "/orders/radiology", "rad_priority", "listed options", url.Values{"rad_code": {"ECG"}, "rad_priority": {"asap"}, "rad_notes": {"keep me"}}},
		{"follow-up in the past", "/complete", "follow_up_date", "after today", url.Values{"follow_up_date": {"2020-01-01"}, "follow_up_note": {"keep me"}}},
		{"follow-up years ahead", "/complete", "follow_up_date", "more than two years", url.Values{"follow_up_date": {"2099-01-10"}, "follow_up_note": {"keep me"}}},
		{"follow-up not a date", "/complete", "follow_up_date", "Not a real date", url.Values{"follow_up_date": {"2026-02-30"}, "follow_up_note": {"keep me"}}},
		{"free-text diagnosis empty", "/diagnoses", "diagnosis_text", "Pick a code", url.Values{"diagnosis_text": {"   "}}},
		{"addendum to an unsigned note", "/addendum", "addendum", "not signed", url.Values{"addendum": {"keep me"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := doc.post(base+tc.path, tc.form)
			require.Equal(t, http.StatusUnprocessableEntity, status, body)
			assert.Contains(t, body, tc.want)
			if tc.field != "addendum" {
				assert.Contains(t, body, `data-error="`+tc.field+`"`, "the error sits next to the field")
			}
			if tc.path != "/diagnoses" && tc.field != "addendum" {
				assert.Contains(t, body, `value="keep me"`, "entries are kept")
			}
		})
	}
	got := e.visit(v.ID)
	assert.Empty(t, got.Prescriptions)
	assert.Empty(t, got.Orders)
	assert.Empty(t, got.Diagnoses)
	assert.Equal(t, opd.StateWithDoctor, got.Status)

	status, body, _ := doc.post(base+"/note", url.Values{"subjective": {"ok\u202e"}, "plan": {"keep me"}, "action": {"save"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="subjective"`)
	assert.Contains(t, body, ">keep me</textarea>")
	status, body, _ = doc.post(base+"/note", url.Values{"action": {"sign"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "The note is empty")
	assert.Equal(t, opd.NoteDraft, e.visit(v.ID).Note.Status)
}

func TestNoteDiagnosisOrdersAndCompletion(t *testing.T) {
	e := newEnv(t)
	doc, v, base := calledIn(t, e, "Harish Shetty")

	status, _, _ := doc.post(base+"/note", url.Values{"subjective": {"Headache for 3 days"}, "assessment": {"Raised BP"}, "action": {"save"}})
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "Headache for 3 days", e.visit(v.ID).Note.Subjective)

	status, body, _ := doc.get(base+"/icd10?q=hypertension", "HX-Request", "true")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="icd-I10"`)
	assert.NotContains(t, body, "<html")
	_, body, _ = doc.get(base+"/icd10?q=zzqx", "HX-Request", "true")
	assert.Contains(t, body, `data-testid="icd-none"`)
	status, _, _ = doc.post(base+"/diagnoses", url.Values{"code": {"I10"}})
	require.Equal(t, http.StatusSeeOther, status)
	status, _, _ = doc.post(base+"/diagnoses", url.Values{"diagnosis_text": {"Tension headache, stress at work"}})
	require.Equal(t, http.StatusSeeOther, status)
	status, body, _ = doc.post(base+"/diagnoses", url.Values{"code": {"I10"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status, "the same code twice")
	assert.Contains(t, body, "already a diagnosis")
	dx := e.visit(v.ID).Diagnoses
	require.Len(t, dx, 2)
	assert.Equal(t, "I10", dx[0].Code)
	assert.True(t, dx[0].Primary)

	status, _, _ = doc.post(base+"/orders/lab", url.Values{"lab_code": {"HB"}, "lab_priority": {"urgent"}, "lab_notes": {"pale"}})
	require.Equal(t, http.StatusSeeOther, status)
	status, body, _ = doc.post(base+"/orders/lab", url.Values{"lab_code": {"HB"}, "lab_priority": {"routine"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Already ordered")
	status, _, _ = doc.post(base+"/orders/radiology", url.Values{"rad_code": {"ECG"}, "rad_priority": {"routine"}})
	require.Equal(t, http.StatusSeeOther, status)
	n, err := e.db.R.Collection(store.CollLabOrders).CountDocuments(context.Background(), bson.D{{Key: "_id", Value: v.ID + "-L1"}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "the lab order reaches the lab worklist")

	followUp := time.Now().AddDate(0, 0, 14).Format("2006-01-02")
	status, _, resp := doc.post(base+"/complete", url.Values{"sign_note": {"1"}, "follow_up_date": {followUp}})
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "/opd", resp.Header.Get("Location"))
	got := e.visit(v.ID)
	assert.Equal(t, opd.StateCompleted, got.Status)
	assert.Equal(t, opd.NoteSigned, got.Note.Status)
	assert.Equal(t, followUp, got.FollowUpDate)

	// Twice (double click, second tab): a clear message, one charge.
	status, _, resp = doc.post(base+"/complete", url.Values{"sign_note": {"1"}})
	require.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "/opd", resp.Header.Get("Location"))
	_, body, _ = doc.get("/opd")
	assert.Contains(t, body, "already completed")
	charges, err := e.db.R.Collection(store.CollCharges).CountDocuments(context.Background(), bson.D{{Key: "_id", Value: opd.ConsultChargeID(v.ID)}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), charges)

	// The signed note is read-only; corrections are addenda.
	status, body, _ = doc.post(base+"/note", url.Values{"subjective": {"changed"}, "action": {"save"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "signed")
	assert.Equal(t, "Headache for 3 days", e.visit(v.ID).Note.Subjective)
	status, _, _ = doc.post(base+"/addendum", url.Values{"addendum": {"BP recheck advised in 2 weeks"}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = doc.get(base)
	assert.Contains(t, body, `data-testid="note-signed"`)
	assert.Contains(t, body, "BP recheck advised in 2 weeks")
	assert.Contains(t, body, `data-testid="completed"`)
	assert.NotContains(t, body, `data-testid="rx-form"`, "a completed visit takes no new prescriptions")
}

func TestLiveQuantityFollowsTheForm(t *testing.T) {
	e := newEnv(t)
	doc, _, base := calledIn(t, e, "Harish Shetty")
	cases := map[string]string{
		"?drug=PARA500T&frequency=TDS&duration_days=5&units_per_dose=2": "30 tablet",
		"?drug=PARA500T&frequency=WEEKLY&duration_days=14":              "2 tablet",
		"?drug=PARA500T&frequency=STAT&units_per_dose=2":                "2 tablet",
		"?drug=PARA500T&frequency=SOS":                                  "Enter the quantity (SOS)",
		"?drug=PARA500T&frequency=TDS&duration_days=0":                  "—",
		"?drug=%3Cscript%3E&frequency=OD&duration_days=2":               "2",
	}
	for q, want := range cases {
		status, body, _ := doc.get(base+"/quantity"+q, "HX-Request", "true")
		assert.Equal(t, http.StatusOK, status, q)
		assert.Equal(t, want, body, q)
	}
}
