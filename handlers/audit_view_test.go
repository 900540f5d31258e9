package handlers_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/handlers"
	"hms/store/audit"
)

var (
	rowRE  = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	tagRE  = regexp.MustCompile(`<[^>]+>`)
)

// tableRows returns the text of each body row's cells in the table marked data-testid=id.
func tableRows(t *testing.T, body, id string) [][]string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `data-testid="`+id+`"`)
	require.True(t, ok, "no table %q on the page", id)
	rest, _, _ = strings.Cut(rest, "</table>")
	var out [][]string
	for _, m := range rowRE.FindAllStringSubmatch(rest, -1) {
		var cells []string
		for _, c := range cellRE.FindAllStringSubmatch(m[1], -1) {
			cells = append(cells, strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(c[1], " "))), " "))
		}
		if len(cells) > 1 { // the header row has <th>, the empty row one cell
			out = append(out, cells)
		}
	}
	return out
}

func (e *env) mrnOf(id string) string {
	e.t.Helper()
	p, err := e.pats.ByID(context.Background(), id)
	require.NoError(e.t, err)
	return p.MRN
}

// Viewer columns: # When User Role Action Patient Object Outcome IP Request-id.
func TestAuditViewerFiltersByPatientAndShowsTheDoctorsRead(t *testing.T) {
	e := newEnv(t)
	anil, rajesh := e.patientID("Anil Kumar"), e.patientID("Rajesh Sharma")
	doctor := e.as(handlers.RoleDoctor)
	doctor.get("/patients/" + rajesh)
	doctor.get("/patients/" + anil + "?tab=allergies")
	officer := e.as(handlers.RoleCompliance)

	status, body, _ := officer.get("/audit?mrn=" + e.mrnOf(anil))
	require.Equal(t, http.StatusOK, status, body)
	rows := tableRows(t, body, "audit-events")
	require.NotEmpty(t, rows)
	var read []string
	for _, r := range rows {
		require.Len(t, r, 10)
		assert.Contains(t, r[5], "Anil Kumar", "only the patient asked for: %v", r)
		if r[2] == "t.doctor" && r[4] == audit.ActionPatientRead {
			read = r
		}
	}
	require.NotNil(t, read, "the doctor's read is listed: %v", rows)
	assert.Equal(t, "MRN "+e.mrnOf(anil)+" · Anil Kumar", read[5])
	assert.Equal(t, "chart:allergies", read[6])
	assert.Equal(t, "ok", read[7])
	assert.Equal(t, "Doctor", read[3])
	assert.Regexp(t, `^[0-9a-f]{16}$`, read[9], "the request id is looked up for a patient search")
	assert.NotContains(t, body, "Rajesh Sharma")
	assert.Contains(t, body, `href="/patients/`+anil+`?tab=access"`)

	// by user and action, across patients
	_, body, _ = officer.get("/audit?" + url.Values{"user": {"T.Doctor"}, "action": {"patient."}}.Encode())
	rows = tableRows(t, body, "audit-events")
	require.Len(t, rows, 2, "two charts opened: %v", rows)
	assert.Contains(t, rows[0][5], "Anil Kumar", "newest first")
	assert.Contains(t, rows[1][5], "Rajesh Sharma")

	// the viewing itself is on the record, under the patient searched for
	res, err := audit.New(e.db, nil).Search(context.Background(), audit.Filter{User: "t.compliance", Action: "audit.search"}, 10)
	require.NoError(t, err)
	require.Len(t, res.Events, 2)
	assert.Equal(t, anil, res.Events[1].PatientID)
}

func TestAuditPagesAndAccessLogAreForAuditorsOnly(t *testing.T) {
	e := newEnv(t)
	id := e.patientID("Anil Kumar")
	nurse := e.as(handlers.RoleNurse)
	for _, p := range []string{"/audit", "/audit/export", "/audit/verify", "/patients/" + id + "?tab=access"} {
		status, body, _ := nurse.get(p)
		assert.Equal(t, http.StatusForbidden, status, p)
		assert.NotContains(t, body, "t.nurse</td>", p)
	}
	status, _, _ := nurse.post("/audit/verify", nil)
	assert.Equal(t, http.StatusForbidden, status)
	status, body, _ := nurse.get("/patients/" + id)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="tab-history"`)
	assert.NotContains(t, body, `data-testid="tab-access"`, "no Access log tab for a nurse")
	assert.NotContains(t, body, `href="/audit"`, "no Audit link in a nurse's navigation")
	res, err := audit.New(e.db, nil).Search(context.Background(), audit.Filter{User: "t.nurse", Action: audit.ActionAccessDenied}, 10)
	require.NoError(t, err)
	assert.Len(t, res.Events, 5, "every refusal is recorded")

	officer := e.as(handlers.RoleCompliance)
	status, body, _ = officer.get("/patients/" + id)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="tab-access"`)
	assert.Contains(t, body, `href="/audit"`)
	status, body, _ = officer.get("/patients/" + id + "?tab=access")
	require.Equal(t, http.StatusOK, status)
	rows := tableRows(t, body, "access-log")
	require.GreaterOrEqual(t, len(rows), 2, "%v", rows)
	// When User Role Action Object Outcome — newest first: the officer's own opening, then the nurse's
	assert.Equal(t, []string{"t.compliance", "Compliance officer", "patient.read", "chart:access", "ok"}, rows[0][1:])
	assert.Equal(t, []string{"t.nurse", "Nurse", "patient.read", "chart:overview", "ok"}, rows[2][1:])
	assert.Equal(t, []string{"t.nurse", "Nurse", "access.denied", "chart:access", "denied"}, rows[3][1:])
}

func TestAuditExportIsCSVAndIsItselfAudited(t *testing.T) {
	e := newEnv(t)
	id := e.patientID("Anil Kumar")
	e.as(handlers.RoleDoctor).get("/patients/" + id)
	// A value a spreadsheet would run, as a hostile client might get into a field.
	_, err := audit.New(e.db, nil).Append(context.Background(), audit.Entry{User: "=1+2", Role: "doctor",
		Action: audit.ActionPatientRead, PatientID: id, Object: "-calc", Outcome: audit.OK})
	require.NoError(t, err)
	officer := e.as(handlers.RoleCompliance)

	status, body, resp := officer.get("/audit/export?mrn=" + e.mrnOf(id))
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Regexp(t, `^attachment; filename="audit-\d{8}-\d{4}\.csv"$`, resp.Header.Get("Content-Disposition"))
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(recs), 3)
	assert.Equal(t, audit.CSVHeader, recs[0])
	// seq at_utc user role action patient_id object outcome request_id ip prev hash
	assert.Equal(t, []string{"'=1+2", "doctor", "patient.read", id, "'-calc", "ok"}, recs[1][2:8], "formula cells are quoted")
	var doctorRead []string
	for _, r := range recs[1:] {
		assert.Equal(t, id, r[5])
		if r[2] == "t.doctor" {
			doctorRead = r
		}
	}
	require.NotNil(t, doctorRead, "the doctor's read is exported")
	assert.Regexp(t, `^[0-9a-f]{16}$`, doctorRead[8], "whole events: request id")
	assert.Regexp(t, `^[0-9a-f]{64}$`, doctorRead[11], "whole events: hash")

	res, err := audit.New(e.db, nil).Search(context.Background(), audit.Filter{User: "t.compliance", Action: audit.ActionAuditExport}, 10)
	require.NoError(t, err)
	require.Len(t, res.Events, 1, "the export is recorded")
	assert.Equal(t, id, res.Events[0].PatientID)
	assert.Equal(t, "compliance", res.Events[0].Role)
}

func TestAuditFilterRefusesBadInputNextToTheField(t *testing.T) {
	e := newEnv(t)
	officer := e.as(handlers.RoleCompliance)
	cases := []struct {
		query url.Values
		field string
		msg   string
	}{
		{url.Values{"mrn": {"999999"}, "user": {"t.doctor"}}, "mrn", "No patient has MRN 999999."},
		{url.Values{"mrn": {"12ab"}, "user": {"t.doctor"}}, "mrn", "Enter a number."},
		{url.Values{"from": {"2026-02-30"}, "user": {"t.doctor"}}, "from", "Not a date"},
		{url.Values{"from": {"2026-05-10"}, "to": {"2026-05-01"}, "user": {"t.doctor"}}, "to", "before the From date"},
		{url.Values{"action": {"patient.delete"}, "user": {"t.doctor"}}, "action", "Choose one of the listed actions."},
		{url.Values{"outcome": {"maybe"}, "user": {"t.doctor"}}, "outcome", "Choose one of the listed options."},
	}
	for _, tc := range cases {
		for _, path := range []string{"/audit?", "/audit/export?"} {
			status, body, resp := officer.get(path + tc.query.Encode())
			assert.Equal(t, http.StatusUnprocessableEntity, status, "%s%s", path, tc.query.Encode())
			assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
			m := regexp.MustCompile(`data-error="` + tc.field + `">([^<]*)<`).FindStringSubmatch(body)
			require.NotNil(t, m, "an error next to %s for %s", tc.field, tc.query.Encode())
			assert.Contains(t, html.UnescapeString(m[1]), tc.msg)
			assert.Contains(t, body, `value="t.doctor"`, "entries kept")
			for k, v := range tc.query {
				if k != "action" && k != "outcome" {
					assert.Contains(t, body, `value="`+v[0]+`"`, "entry %s kept", k)
				}
			}
			assert.NotContains(t, body, `data-testid="audit-events"`, "no results for a refused filter")
		}
	}
	res, err := audit.New(e.db, nil).Search(context.Background(), audit.Filter{User: "t.compliance", Action: "audit."}, 10)
	require.NoError(t, err)
	assert.Empty(t, res.Events, "a refused filter neither searched nor exported")
}

func TestAuditVerifyPageFindsAnEditedEvent(t *testing.T) {
	e := newEnv(t)
	e.as(handlers.RoleDoctor).get("/patients/" + e.patientID("Anil Kumar"))
	officer := e.as(handlers.RoleCompliance)

	_, body, _ := officer.get("/audit/verify")
	assert.Contains(t, body, "has not been checked since this server started")
	status, _, resp := officer.post("/audit/verify", nil)
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/audit/verify", resp.Header.Get("Location"))
	_, body, _ = officer.get("/audit/verify")
	m := regexp.MustCompile(`Chain verified: (\d+) events, tip seq (\d+), took \S+`).FindStringSubmatch(body)
	require.NotNil(t, m, body)
	assert.Equal(t, m[1], m[2], "every event from 1 to the tip checked")
	assert.NotContains(t, body, "Chain broken")

	_, err := e.db.W.Collection("audit").UpdateOne(context.Background(), bson.D{{Key: "_id", Value: "000000000002"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "user", Value: "mallory"}}}})
	require.NoError(t, err)
	officer.post("/audit/verify", nil)
	_, body, _ = officer.get("/audit/verify")
	assert.NotContains(t, body, "Chain verified")
	assert.Regexp(t, `(?s)role="alert".*Chain broken at event 2: edited`, body)
	assert.Contains(t, body, "event 2 was changed")
	assert.Contains(t, body, "1 events before it verified")

	res, err := audit.New(e.db, nil).Search(context.Background(), audit.Filter{Action: "audit.verify"}, 10)
	require.NoError(t, err)
	require.Len(t, res.Events, 2, "each check is recorded")
	assert.Equal(t, audit.Failed, res.Events[0].Outcome, "the one that found the break")
	assert.Equal(t, audit.OK, res.Events[1].Outcome)
}
