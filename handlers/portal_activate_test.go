package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/handlers"
	"hms/store"
	"hms/store/identity"
)

// activation is one patient's facts for the activation form.
type activation struct{ id, mrn, dob, name string }

func (e *env) activationFor(name string) activation {
	e.t.Helper()
	id := e.patientID(name)
	p, err := e.pats.ByID(context.Background(), id)
	require.NoError(e.t, err)
	return activation{id: id, mrn: p.MRN, dob: p.DOB.Format(time.DateOnly), name: p.Name()}
}

// activate posts the activation form from a fresh anonymous browser.
func activate(e *env, code, mrn, dob, username, password string) (int, string) {
	e.t.Helper()
	c := e.client()
	status, body, _ := c.get("/portal/activate")
	require.Equal(e.t, http.StatusOK, status)
	require.Contains(e.t, body, "Activate your patient portal account")
	status, body, _ = c.post("/portal/activate", url.Values{"code": {code}, "mrn": {mrn}, "dob": {dob},
		"username": {username}, "password": {password}, "confirm": {password}})
	return status, body
}

func TestFrontDeskPrintsACodeOnlyAfterCheckingIdentity(t *testing.T) {
	e := newEnv(t)
	p := e.activationFor("Rajesh Sharma")
	desk := e.as(handlers.RoleFrontDesk)
	_, body, _ := desk.get("/patients/" + p.id)
	assert.Contains(t, body, `href="/patients/`+p.id+`/portal"`, "the chart offers portal access")

	desk.get("/patients/" + p.id + "/portal")
	status, body, _ := desk.post("/patients/"+p.id+"/portal", url.Values{"id_kind": {"Passport"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="confirm"`)
	status, body, _ = desk.post("/patients/"+p.id+"/portal", url.Values{"id_kind": {"Hospital ID"}, "confirm": {"yes"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status, "the hospital's own card proves nothing")
	assert.Contains(t, body, `data-error="id_kind"`)
	n, err := e.db.R.Collection(store.CollPortalKeys).CountDocuments(context.Background(), bson.D{{Key: "_id", Value: "code:" + p.id}})
	require.NoError(t, err)
	assert.Zero(t, n, "no code until the identity check is confirmed")

	code := issueCode(e, desk, p.id)
	var doc bson.M
	require.NoError(t, e.db.R.Collection(store.CollPortalKeys).FindOne(context.Background(), bson.D{{Key: "_id", Value: "code:" + p.id}}).Decode(&doc))
	for k, v := range doc {
		s, _ := v.(string)
		assert.NotContains(t, strings.ToUpper(s), strings.ReplaceAll(code, "-", ""), "field %s holds the code", k)
		assert.NotContains(t, s, code, "field %s holds the code", k)
	}
	assert.Equal(t, "Passport", doc["id_seen"])

	status, _, _ = e.as(handlers.RoleNurse).post("/patients/"+p.id+"/portal", url.Values{"id_kind": {"Passport"}, "confirm": {"yes"}})
	assert.Equal(t, http.StatusForbidden, status, "only the front desk issues codes")
}

func TestPortalActivationRefusesWrongExpiredAndReusedCodes(t *testing.T) {
	e := newEnv(t)
	p := e.activationFor("Rajesh Sharma")
	desk := e.as(handlers.RoleFrontDesk)
	old := issueCode(e, desk, p.id)
	code := issueCode(e, desk, p.id)
	require.NotEqual(t, old, code)
	noMatch := "do not match our records"

	status, body := activate(e, old, p.mrn, p.dob, "rajesh", portalPassword)
	assert.Equal(t, http.StatusUnprocessableEntity, status, "a new code revokes the older one")
	assert.Contains(t, body, noMatch)
	status, body = activate(e, code, p.mrn, "1990-01-01", "rajesh", portalPassword)
	assert.Equal(t, http.StatusUnprocessableEntity, status, "wrong date of birth")
	assert.Contains(t, body, noMatch)
	assert.Contains(t, body, `value="rajesh"`, "the entries are kept")
	status, body = activate(e, "ABCDE-23456", p.mrn, p.dob, "rajesh", portalPassword)
	assert.Equal(t, http.StatusUnprocessableEntity, status, "wrong code")
	assert.Contains(t, body, noMatch)
	status, body = activate(e, code, p.mrn, p.dob, "rajesh", "short")
	assert.Equal(t, http.StatusUnprocessableEntity, status, "the password rules of staff accounts apply")
	assert.Contains(t, body, `data-error="password"`)
	status, body = activate(e, code, p.mrn, p.dob, "admin", portalPassword)
	if assert.Equal(t, http.StatusUnprocessableEntity, status, "a taken username") {
		assert.Contains(t, body, "taken")
	}
	_, err := e.deps.Users.ByUsername(context.Background(), "rajesh")
	assert.ErrorIs(t, err, store.ErrNotFound, "nothing created yet")

	// the right code, typed loosely, works once
	status, body = activate(e, strings.ToLower(strings.ReplaceAll(code, "-", " ")), " "+p.mrn+" ", p.dob, "Rajesh", portalPassword)
	require.Equal(t, http.StatusSeeOther, status, body)
	u, err := e.deps.Users.ByUsername(context.Background(), "rajesh")
	require.NoError(t, err)
	assert.Equal(t, []string{"patient"}, u.Roles)
	assert.Equal(t, p.id, u.PatientID)
	assert.True(t, strings.HasPrefix(u.PasswordHash, "$argon2id$"))
	c := e.client()
	assert.Equal(t, "/portal", c.login("rajesh", portalPassword))
	_, body, _ = c.get("/portal")
	assert.Contains(t, body, p.name)

	status, body = activate(e, code, p.mrn, p.dob, "rajesh2", portalPassword)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "already been used")
	_, err = e.deps.Users.ByUsername(context.Background(), "rajesh2")
	assert.ErrorIs(t, err, store.ErrNotFound)

	// a patient with an account gets no new code
	status, body, _ = desk.get("/patients/" + p.id + "/portal")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "already has a portal account")
	assert.NotContains(t, body, `data-testid="portal-code-form"`)

	q := e.activationFor("Ramesh Gowda")
	late := issueCode(e, desk, q.id)
	_, err = e.db.W.Collection(store.CollPortalKeys).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: "code:" + q.id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "expires_at", Value: time.Now().Add(-time.Minute)}}}})
	require.NoError(t, err)
	status, body = activate(e, late, q.mrn, q.dob, "ramesh", portalPassword)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "has expired")
}

func TestPortalActivationIsRateLimitedLikeSignIn(t *testing.T) {
	e := newEnv(t)
	p := e.activationFor("Rajesh Sharma")
	code := issueCode(e, e.as(handlers.RoleFrontDesk), p.id)
	for i := range identity.MaxFailures {
		status, _ := activate(e, "WRONG-CODE"+string(rune('A'+i)), p.mrn, p.dob, "rajesh", portalPassword)
		assert.Equal(t, http.StatusUnprocessableEntity, status, "attempt %d", i+1)
	}
	status, body := activate(e, code, p.mrn, p.dob, "rajesh", portalPassword)
	assert.Equal(t, http.StatusTooManyRequests, status, "locked: even the right code is refused")
	assert.Contains(t, body, "Too many wrong attempts")
	_, err := e.deps.Users.ByUsername(context.Background(), "rajesh")
	assert.ErrorIs(t, err, store.ErrNotFound)

	// the lock is on the MRN and the address: another patient's MRN from here is locked too
	q := e.activationFor("Ramesh Gowda")
	status, _ = activate(e, "ABCDE-23456", q.mrn, q.dob, "ramesh", portalPassword)
	assert.Equal(t, http.StatusTooManyRequests, status, "codes sprayed over many MRNs from one address")
}
