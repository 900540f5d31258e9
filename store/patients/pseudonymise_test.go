package patients_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/identity"
	"hms/store/patients"
)

func TestPseudonymiseRemovesIdentifiersAndKeepsTheRecord(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	r := person("Zenobia", "Quartermaine")
	r.Phone, r.Address, r.City, r.PIN = "9845012345", "12 Lavelle Road", "Bengaluru", "560001"
	r.EmergName, r.EmergRel, r.EmergPhone = "Octavius Quartermaine", "brother", "9845099999"
	r.IDKind, r.IDNumber = "Aadhaar", "8888 7777 6666"
	r.Policy = &patients.Policy{PayerCode: "STAR", PayerName: "Star Health", PlanCode: "GOLD", PlanName: "Gold",
		MemberNumber: "MEM-55501", Group: "GRP-9", Rank: "primary", ValidFrom: date(2026, 1, 1)}
	p := register(t, s, r)
	p, err := s.UpdateDemographics(ctx, p.ID, p.Version, patients.Edit{Demographics: func() patients.Demographics {
		d := p.Demographics
		d.Family = "Quartermaine-Ross"
		return d
	}()}, "frontdesk")
	require.NoError(t, err)
	users := identity.NewUsers(db)
	_, err = users.Create(ctx, identity.NewUser{Username: "zquart", FullName: "Zenobia Quartermaine", Roles: []string{"patient"},
		PatientID: p.ID, Password: "Portal-pass-2026!x"}, "admin")
	require.NoError(t, err)
	sess := identity.NewSessions(db)
	u, err := users.ByUsername(ctx, "zquart")
	require.NoError(t, err)
	token, _, err := sess.Create(ctx, u, time.Hour, "127.0.0.1", "test")
	require.NoError(t, err)

	req := patients.PseudonymiseRequest{Version: p.Version, Confirm: "wrong", Reason: "GDPR erasure request 2026-11"}
	_, err = s.Pseudonymise(ctx, p.ID, req, "admin")
	require.ErrorIs(t, err, store.ErrInvalid, "the typed confirmation must be the MRN")
	req.Confirm, req.Reason = p.MRN, "gdpr"
	_, err = s.Pseudonymise(ctx, p.ID, req, "admin")
	require.ErrorIs(t, err, store.ErrInvalid, "a reason is required")
	req.Reason = "GDPR erasure request 2026-11"
	req.Version = p.Version - 1
	_, err = s.Pseudonymise(ctx, p.ID, req, "admin")
	require.ErrorIs(t, err, store.ErrConflict, "an out-of-date page")
	req.Version = p.Version

	got, err := s.Pseudonymise(ctx, p.ID, req, "admin")
	require.NoError(t, err)
	require.NotNil(t, got.Pseudonym)
	assert.Regexp(t, `^Patient P-[0-9A-F]{6}$`, got.Name())
	assert.Equal(t, p.MRN, got.MRN, "the record stays under its MRN")
	assert.Equal(t, date(1980, 1, 1), got.DOB, "only the year of birth is kept")
	assert.Empty(t, got.Pending)
	assert.Empty(t, got.Pseudonym.ReleaseNID)
	_, err = s.Pseudonymise(ctx, p.ID, req, "admin")
	require.ErrorIs(t, err, store.ErrConflict, "irreversible and done once")

	// Nothing identifying is left in the stored document.
	var doc bson.M
	require.NoError(t, db.Coll(store.CollPatients).R.FindOne(ctx, bson.D{{Key: "_id", Value: p.ID}}).Decode(&doc))
	j, err := bson.MarshalExtJSON(doc, false, false)
	require.NoError(t, err)
	for _, gone := range []string{"Zenobia", "Quartermaine", "9845012345", "Lavelle", "560001", "Octavius", "9845099999",
		"6666", "MEM-55501", "GRP-9", "id_sealed", "id_hash", "member_sealed", "member_hash", "1980-03-14"} {
		assert.NotContains(t, string(j), gone)
	}
	assert.Contains(t, string(j), "Star Health", "the insurance policy itself is kept (claims refer to it)")

	// Search and the duplicate check no longer find the old name, phone or ID number.
	for _, q := range []string{"Zenobia", "quartermaine", "zen quart", "9845012345", "MEM-55501"} {
		res, err := s.Search(ctx, q, 10)
		require.NoError(t, err)
		assert.Zero(t, res.Total, q)
	}
	res, err := s.Search(ctx, got.Pseudonym.Code, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{got.Name()}, names(res), "found under the pseudonym")
	cands, err := s.Candidates(ctx, patients.Demographics{Given: "Zenobia", Family: "Quartermaine", DOB: date(1980, 3, 14), Phone: "9845012345"}, "888877776666")
	require.NoError(t, err)
	assert.Empty(t, cands)
	again := person("Zenobia", "Quartermaine")
	again.IDNumber = "888877776666"
	_, err = s.Register(ctx, again, "frontdesk")
	require.NoError(t, err, "the ID number's key was released")

	// A restarted process indexes the stored document: still nothing under the old name.
	res, err = openStore(t, db).Search(ctx, "Quartermaine", 10)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Total, "only the newly registered patient")

	// Copies: the billing account and the portal account carry the pseudonym; the portal is off.
	acct, err := billing.NewAccounts(db).ByPatient(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, got.Name(), acct.Name)
	u, err = users.ByUsername(ctx, "zquart")
	require.NoError(t, err)
	assert.True(t, u.Disabled)
	assert.Equal(t, got.Name(), u.FullName)
	after, err := sess.ByToken(ctx, token)
	require.NoError(t, err)
	assert.False(t, after.RevokedAt.IsZero(), "the portal session was ended")
	assert.Equal(t, got.Name(), after.FullName, "and no longer carries the name")

	// Identifiers cannot be edited back in.
	_, err = s.UpdateDemographics(ctx, got.ID, got.Version, patients.Edit{Demographics: got.Demographics, IDNumber: "1111"}, "frontdesk")
	require.ErrorIs(t, err, store.ErrInvalid)
	assert.False(t, strings.Contains(got.History[0].Old+got.History[0].New, "Quartermaine"))
	require.Len(t, got.History, 1, "the history of old values is gone")
}

// A crash after the patient document was written leaves the follow-ups pending: the
// next start completes them.
func TestPseudonymiseFollowUpsAreCompletedAtStart(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	r := person("Ingrid", "Vasquez-Holt")
	r.IDNumber = "IDCRASH77"
	p := register(t, s, r)
	got, err := s.Pseudonymise(ctx, p.ID, patients.PseudonymiseRequest{Version: p.Version, Confirm: p.MRN, Reason: "erasure request by letter"}, "admin")
	require.NoError(t, err)
	// Put back what the follow-ups undo, as if the process died before them.
	_, err = db.Coll(store.CollPatients).W.UpdateOne(ctx, bson.D{{Key: "_id", Value: p.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "pending", Value: []string{"pseudonymise"}}, {Key: "pseudonym.release_nid", Value: []string{p.IDHash}}}}})
	require.NoError(t, err)
	require.NoError(t, billing.NewAccounts(db).SetName(ctx, p.ID, "Ingrid Vasquez-Holt"))
	_, err = db.Coll(store.CollPatientKeys).W.InsertOne(ctx, bson.D{{Key: "_id", Value: "nid:" + p.IDHash}, {Key: "patient_id", Value: p.ID}})
	require.NoError(t, err)

	openStore(t, db)
	acct, err := billing.NewAccounts(db).ByPatient(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, got.Name(), acct.Name)
	assert.Error(t, db.Coll(store.CollPatientKeys).R.FindOne(ctx, bson.D{{Key: "_id", Value: "nid:" + p.IDHash}}).Err(), "the ID key is released")
	after, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	assert.Empty(t, after.Pending)
	assert.Empty(t, after.Pseudonym.ReleaseNID)
}
