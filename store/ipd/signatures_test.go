package ipd_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/ipd"
	"hms/store/signing"
)

var (
	drRao = signing.Person{ID: "dr.rao", Name: "Dr. Rao", Role: "Doctor"}
	nurse = signing.Person{ID: "nurse.mary", Name: "Mary Thomas", Role: "Nurse"}
)

// withSigner rebuilds the env's ward store with signer (a restart with that key).
func (e *env) withSigner(s *signing.Signer) *ipd.Store {
	return ipd.New(e.db, e.cat, ipd.Options{Location: ist, Patients: e.pats, OPD: e.opd, Now: e.clock.Now, Signer: s})
}

// signedSummary is an admission whose discharge summary dr.rao wrote and signed.
func (e *env) signedSummary(t *testing.T, s *ipd.Store, given, bed string) ipd.Admission {
	t.Helper()
	ctx := context.Background()
	a := e.admit(t, given, bed)
	_, err := s.OrderDischarge(ctx, a.ID, ipd.DischargeOrder{Outcome: ipd.OutcomeHome, ByName: "Dr. Rao"}, "dr.rao")
	require.NoError(t, err)
	_, err = s.SaveSummary(ctx, a.ID, ipd.Summary{Diagnoses: "CAP", Course: "IV ceftriaxone 5 days", FollowUp: "OPD in 1 week"}, "dr.rao")
	require.NoError(t, err)
	a, err = s.SignSummary(ctx, a.ID, drRao)
	require.NoError(t, err)
	return a
}

func TestDischargeSummaryIsSignedReadOnlyAndTakesSignedAddenda(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.withSigner(signing.Ephemeral())
	a := e.signedSummary(t, s, "Arun", "W1-1")
	require.NotNil(t, a.Summary.Signature)
	assert.Equal(t, signing.KindDischargeSummary, a.Summary.Signature.Kind)
	assert.Equal(t, "Dr. Rao", a.Summary.Signature.SignerName)
	assert.Equal(t, a.Summary.SignedAt, a.Summary.Signature.SignedAt)
	assert.Equal(t, signing.Valid, s.VerifySummary(a).Summary.Status)

	_, err := s.SaveSummary(ctx, a.ID, ipd.Summary{Diagnoses: "changed", Course: "x", FollowUp: "y"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrInvalid, "a signed summary is read-only")
	_, err = s.SignSummary(ctx, a.ID, drRao)
	assert.ErrorIs(t, err, store.ErrInvalid)

	a, err = s.AddSummaryAddendum(ctx, a.ID, "Follow-up moved to 10 days.", drRao)
	require.NoError(t, err)
	require.Len(t, a.Summary.Addenda, 1)
	seal := s.VerifySummary(a)
	assert.Equal(t, signing.Valid, seal.Summary.Status, "the addendum leaves the signed summary intact")
	require.Len(t, seal.Addenda, 1)
	assert.Equal(t, signing.Valid, seal.Addenda[0].Status)
	assert.Equal(t, ipd.SummaryAddendumID(a.ID, 1), seal.Addenda[0].Sig.DocID)

	// One character changed in the database is found, and named by the check.
	_, err = e.db.W.Collection(store.CollAdmissions).UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "summary.follow_up", Value: "OPD in 2 week"}}}})
	require.NoError(t, err)
	a, err = s.Admission(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, signing.ContentChanged, s.VerifySummary(a).Summary.Status)
	problems, err := s.CheckSignatures(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"discharge-summary " + a.ID + ": content changed after signing"}, problems)
}

func TestNursingNotesAreSigned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.withSigner(signing.Ephemeral())
	a := e.admit(t, "Bala", "W1-2")
	n, err := s.AddNote(ctx, a.ID, "morning", "Slept well, afebrile.", nurse)
	require.NoError(t, err)
	_, err = s.AddNote(ctx, a.ID, "evening", "Ambulating.", nurse)
	require.NoError(t, err)
	c, err := s.Chart(ctx, a.ID)
	require.NoError(t, err)
	checks := s.VerifyNotes(c)
	require.Len(t, checks, 2)
	assert.Equal(t, signing.Valid, checks[0].Status)
	assert.Equal(t, n.ID, checks[0].Sig.DocID)
	assert.Equal(t, "Mary Thomas", checks[0].Sig.SignerName)

	_, err = e.db.W.Collection(store.CollIPDCharts).UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "notes.1.text", Value: "Ambulating!"}}}})
	require.NoError(t, err)
	c, err = s.Chart(ctx, a.ID)
	require.NoError(t, err)
	checks = s.VerifyNotes(c)
	assert.Equal(t, signing.Valid, checks[0].Status)
	assert.Equal(t, signing.ContentChanged, checks[1].Status)
	problems, err := s.CheckSignatures(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"nursing-note " + c.Notes[1].ID + ": content changed after signing"}, problems)
}

func TestRotatedKeyStillVerifiesOldSummaries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	old, err := signing.New(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	a := e.signedSummary(t, e.withSigner(old), "Chetan", "W1-3")

	next, err := signing.New(bytes.Repeat([]byte{8}, 32))
	require.NoError(t, err)
	rotated, err := signing.New(bytes.Repeat([]byte{8}, 32), old.PublicKey())
	require.NoError(t, err)
	s := e.withSigner(rotated)
	assert.Equal(t, signing.Valid, s.VerifySummary(a).Summary.Status, "the retired public key verifies what it signed")
	b := e.signedSummary(t, s, "Deepa", "W1-4")
	assert.Equal(t, rotated.KeyID(), b.Summary.Signature.KeyID)

	forgotten := e.withSigner(next) // the old public key was not kept
	assert.Equal(t, signing.UnknownKey, forgotten.VerifySummary(a).Summary.Status)
	problems, err := forgotten.CheckSignatures(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"discharge-summary " + a.ID + ": signed with an unknown key"}, problems)
}
