package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/handlers"
	"hms/store"
	"hms/store/lab"
)

const (
	sealVerified = `data-testid="signature" data-seal="verified"`
	sealChanged  = `data-testid="signature" data-seal="changed"`
	changedText  = "Content changed after signing — do not rely on this document"
)

// tamper changes one field of a document straight in the database.
func (e *env) tamper(coll, id, field, value string) {
	e.t.Helper()
	res, err := e.db.W.Collection(coll).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: value}}}})
	require.NoError(e.t, err)
	require.Equal(e.t, int64(1), res.ModifiedCount)
}

func TestSignedNoteShowsVerifiedAndAChangedOneIsFlagged(t *testing.T) {
	e := newEnv(t)
	doc, v, base := calledIn(t, e, "Rajesh Sharma")
	status, body, _ := doc.post(base+"/note", url.Values{"subjective": {"Headache 2 days"}, "assessment": {"Tension headache"},
		"plan": {"Paracetamol 500 mg"}, "action": {"sign"}})
	require.Equal(t, http.StatusSeeOther, status, body)
	status, _, _ = doc.post(base+"/addendum", url.Values{"addendum": {"BP 150/95 on recheck."}})
	require.Equal(t, http.StatusSeeOther, status)

	_, body, _ = doc.get(base)
	assert.Contains(t, body, sealVerified, "the note")
	assert.Contains(t, body, "Signed by Dr. Ananya Krishnan (Doctor) at ")
	assert.Contains(t, body, "verified <span aria-hidden=\"true\">✓</span>")
	assert.NotContains(t, body, changedText)
	got := e.visit(v.ID)
	require.NotNil(t, got.Note.Signature)
	require.Len(t, got.Note.Addenda, 1)
	require.NotNil(t, got.Note.Addenda[0].Signature, "the addendum is signed too")

	// A signed note is read-only: posting a new text is refused and changes nothing.
	status, body, _ = doc.post(base+"/note", url.Values{"subjective": {"Rewritten"}, "action": {"save"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "The note is signed; add an addendum instead.")
	assert.Equal(t, "Headache 2 days", e.visit(v.ID).Note.Subjective)

	// One character changed directly in the database: the page says so, loudly.
	e.tamper(store.CollVisits, v.ID, "note.plan", "Paracetamol 600 mg")
	_, body, _ = doc.get(base)
	assert.Contains(t, body, sealChanged)
	assert.Contains(t, body, changedText)
	assert.Contains(t, body, sealVerified, "the addendum, untouched, still verifies")
	problems, err := e.app.OPD.CheckSignatures(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"opd-note " + v.ID + ": content changed after signing"}, problems)
}

func TestDischargeSummaryAddendumIsSignedAndShownOnThePrint(t *testing.T) {
	e := newEnv(t)
	doc := e.as(handlers.RoleDoctor)
	id := admitRajesh(t, doc)
	doc.get("/ward/adm/" + id)
	status, body, _ := doc.post("/ward/adm/"+id+"/discharge", url.Values{"outcome": {"home"}})
	require.Equal(t, http.StatusSeeOther, status, body)
	doc.get("/ward/adm/" + id)
	status, _, _ = doc.post("/ward/adm/"+id+"/summary", url.Values{"sum_diagnoses": {"Pneumonia"}, "sum_course": {"Improved on IV antibiotics"},
		"sum_follow_up": {"OPD in 1 week"}, "sign": {"1"}})
	require.Equal(t, http.StatusSeeOther, status)

	_, body, _ = doc.get("/ward/adm/" + id)
	assert.Contains(t, body, sealVerified)
	status, body, _ = doc.post("/ward/adm/"+id+"/summary/addendum", url.Values{"addendum": {"  "}})
	assert.Equal(t, http.StatusUnprocessableEntity, status, "an empty addendum is refused")
	assert.Contains(t, body, `data-error="addendum"`)
	status, _, _ = doc.post("/ward/adm/"+id+"/summary/addendum", url.Values{"addendum": {"Follow-up moved to 10 days."}})
	require.Equal(t, http.StatusSeeOther, status)

	_, body, _ = doc.get("/ward/adm/" + id + "/summary")
	assert.Contains(t, body, "Follow-up moved to 10 days.")
	assert.Equal(t, 2, countOf(body, sealVerified), "the summary and its addendum")

	e.tamper(store.CollAdmissions, id, "summary.course", "Improved on oral antibiotics")
	_, body, _ = doc.get("/ward/adm/" + id + "/summary")
	assert.Contains(t, body, changedText)
	assert.Equal(t, 1, countOf(body, sealVerified), "only the addendum still verifies")
}

func TestNursingNoteAndLabReportCarryTheirSignatures(t *testing.T) {
	e := newEnv(t)
	doc, nurse := e.as(handlers.RoleDoctor), e.as(handlers.RoleNurse)
	id := admitRajesh(t, doc)
	nurse.get("/ward/adm/" + id)
	status, body, _ := nurse.post("/ward/adm/"+id+"/notes", url.Values{"shift": {"morning"}, "note_text": {"Slept well."}})
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body, _ = nurse.get("/ward/adm/" + id)
	assert.Contains(t, body, sealVerified)
	assert.Contains(t, body, "Signed by Test Nurse (Nurse)")

	_, ids := e.labOrders("Meena Kumari", "GLU-F")
	glu := ids[0]
	tech := e.as(handlers.RoleLabTech)
	status, _, _ = tech.post("/lab/orders/"+glu+"/collect", url.Values{"where": {"lab"}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = tech.get("/lab/orders/" + glu)
	status, _, _ = tech.post("/lab/orders/"+glu+"/results", url.Values{"version": {labVersionRE.FindStringSubmatch(body)[1]}, "r_GLU-F": {"95"}})
	require.Equal(t, http.StatusSeeOther, status)
	path := e.demo("pathologist")
	_, body, _ = path.get("/lab/orders/" + glu)
	status, _, _ = path.post("/lab/orders/"+glu+"/verify", url.Values{"version": {labVersionRE.FindStringSubmatch(body)[1]}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, lab.StatusVerified, e.labOrder(glu).Status)

	_, body, _ = doc.get("/lab/orders/" + glu + "/report")
	assert.Contains(t, body, sealVerified)
	pid := e.labOrder(glu).PatientID
	_, body, _ = doc.get("/patients/" + pid + "?tab=orders")
	assert.Contains(t, body, sealVerified, "the result in the chart")

	e.tamper(store.CollLabOrders, glu, "results.0.value", "59")
	_, body, _ = doc.get("/lab/orders/" + glu + "/report")
	assert.Contains(t, body, changedText)
	_, body, _ = doc.get("/patients/" + pid + "?tab=orders")
	assert.Contains(t, body, changedText, "the chart's copy no longer matches its signed report")
}

func countOf(s, sub string) int { return strings.Count(s, sub) }
