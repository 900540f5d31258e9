package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/handlers"
	"hms/store"
	"hms/store/patients"
)

func TestAdminPseudonymisesAPatientWithATypedConfirmation(t *testing.T) {
	e := newEnv(t)
	p, err := e.pats.Register(t.Context(), patients.Registration{Demographics: patients.Demographics{Given: "Wilhelmina", Family: "Drummond-Sayce",
		Sex: "F", DOB: time.Date(1975, 6, 2, 0, 0, 0, 0, time.UTC), Phone: "9811122233", Address: "4 Palace Lane"}, IDNumber: "9090 8080 7070"}, "test")
	require.NoError(t, err)
	form := "/admin/patients/" + p.ID + "/pseudonymise"

	desk := e.as(handlers.RoleFrontDesk)
	_, body, _ := desk.get("/patients/" + p.ID)
	assert.NotContains(t, body, "pseudonymise-link", "only administrators see the button")
	status, _, _ := desk.get(form)
	assert.Equal(t, http.StatusForbidden, status)

	admin := e.as(handlers.RoleAdmin)
	_, body, _ = admin.get("/patients/" + p.ID)
	assert.Contains(t, body, `data-testid="pseudonymise-link"`)
	status, body, _ = admin.get(form)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Type the MRN "+p.MRN+" to confirm")

	status, body, _ = admin.post(form, url.Values{"version": {"1"}, "reason": {"erasure request ref 42"}, "confirm": {"123"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Type the MRN "+p.MRN+" exactly to confirm.")
	assert.Contains(t, body, "erasure request ref 42", "the reason typed is kept")
	status, body, _ = admin.post(form, url.Values{"version": {"1"}, "reason": {"short"}, "confirm": {p.MRN}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "at least 10 characters")
	still, err := e.pats.ByID(t.Context(), p.ID)
	require.NoError(t, err)
	assert.Nil(t, still.Pseudonym, "nothing stored")

	status, body, resp := admin.post(form, url.Values{"version": {"1"}, "reason": {"erasure request ref 42"}, "confirm": {p.MRN}})
	require.Equal(t, http.StatusSeeOther, status, body)
	assert.Equal(t, "/patients/"+p.ID, resp.Header.Get("Location"))
	_, body, _ = admin.get("/patients/" + p.ID)
	assert.Regexp(t, `Patient P-[0-9A-F]{6}`, body)
	for _, gone := range []string{"Wilhelmina", "Drummond", "98111", "Palace Lane", "7070"} {
		assert.NotContains(t, body, gone)
	}
	assert.NotContains(t, body, "pseudonymise-link", "done once")
	for _, q := range []string{"Wilhelmina", "drummond sayce", "9811122233"} {
		_, body, _ = desk.post("/patients/search", url.Values{"q": {q}}, "HX-Request", "true")
		assert.NotContains(t, body, p.MRN, "search %q", q)
	}

	// The audit trail records the act against the patient id, with nothing removed in it.
	cur, err := e.db.Coll(store.CollAudit).R.Find(store.DeclaredScan(t.Context(), "test"), bson.D{})
	require.NoError(t, err)
	var events []bson.M
	require.NoError(t, cur.All(t.Context(), &events))
	found := false
	for _, ev := range events {
		j, _ := bson.MarshalExtJSON(ev, false, false)
		assert.NotRegexp(t, regexp.MustCompile("Wilhelmina|Drummond|erasure request"), string(j))
		if strings.Contains(string(j), handlers.ActionPatientPseudonymise) {
			found = true
			assert.Contains(t, string(j), p.ID)
		}
	}
	assert.True(t, found, "the pseudonymisation is in the audit trail")
}

func TestRetentionSettingsAndPurgeDryRunThenConfirm(t *testing.T) {
	e := newEnv(t)
	status, _, _ := e.as(handlers.RoleCompliance).get("/admin/retention")
	assert.Equal(t, http.StatusForbidden, status)

	admin := e.as(handlers.RoleAdmin)
	_, body, _ := admin.get("/admin")
	assert.Contains(t, body, `href="/admin/retention"`)
	status, body, _ = admin.get("/admin/retention")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `value="30"`)

	bad := url.Values{"audit_years": {"5"}, "session_days": {"abc"}, "login_attempt_days": {"30"}, "queue_days": {"90"}}
	status, body, _ = admin.post("/admin/retention", bad)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Enter a whole number.")
	bad.Set("session_days", "30")
	status, body, _ = admin.post("/admin/retention", bad)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "The audit trail must be kept at least 6 years (HIPAA).")
	assert.Contains(t, body, `value="5"`, "the entry is kept")

	good := url.Values{"audit_years": {"7"}, "session_days": {"14"}, "login_attempt_days": {"30"}, "queue_days": {"60"}}
	status, _, _ = admin.post("/admin/retention", good)
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = admin.get("/admin/retention")
	assert.Contains(t, body, `value="14"`)
	assert.Contains(t, body, "Last changed by t.admin")

	_, err := e.db.W.Collection(store.CollSessions).InsertOne(t.Context(), bson.D{{Key: "_id", Value: "old-session"},
		{Key: "user_id", Value: "x"}, {Key: "expires_at", Value: time.Now().AddDate(0, 0, -20)}})
	require.NoError(t, err)
	status, body, _ = admin.post("/admin/retention/dry-run", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Dry run: nothing was deleted")
	assert.Contains(t, body, `data-testid="purge-confirm"`)
	require.NoError(t, e.db.R.Collection(store.CollSessions).FindOne(t.Context(), bson.D{{Key: "_id", Value: "old-session"}}).Err())

	status, body, _ = admin.post("/admin/retention/purge", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Purge report")
	assert.NotContains(t, body, `data-testid="purge-confirm"`)
	assert.Error(t, e.db.R.Collection(store.CollSessions).FindOne(t.Context(), bson.D{{Key: "_id", Value: "old-session"}}).Err(), "purged")
	assert.Contains(t, body, "Last purge:")
}
