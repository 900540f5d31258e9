package opd_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/opd"
	"hms/store/signing"
)

// signedNote is a visit whose note dr.rao wrote and signed, with one addendum.
func signedNote(t *testing.T, e *env) opd.Visit {
	t.Helper()
	ctx := context.Background()
	v := e.withDoctor(t, e.patient(t, "Asha", "Verma"))
	_, err := e.s.SaveNote(ctx, v.ID, opd.SOAP{Subjective: "cough 3 days", Assessment: "URTI", Plan: "paracetamol 500 mg"}, "dr.rao")
	require.NoError(t, err)
	_, err = e.s.SignNote(ctx, v.ID, rao)
	require.NoError(t, err)
	v, err = e.s.AddAddendum(ctx, v.ID, "Rash since morning.", rao)
	require.NoError(t, err)
	return v
}

func TestSigningANoteStoresAVerifyingSignature(t *testing.T) {
	e := newEnv(t)
	v := signedNote(t, e)
	sig := v.Note.Signature
	require.NotNil(t, sig, "the signature is written with the signed flag")
	assert.Equal(t, signing.KindConsultNote, sig.Kind)
	assert.Equal(t, v.ID, sig.DocID)
	assert.Equal(t, "Dr. Venkatesh Rao", sig.SignerName)
	assert.Equal(t, "Doctor", sig.SignerRole)
	assert.Equal(t, monday.UTC(), sig.SignedAt)
	assert.Equal(t, testSigner.KeyID(), sig.KeyID)

	seal := e.s.VerifyNote(v)
	assert.Equal(t, signing.Valid, seal.Note.Status)
	require.Len(t, seal.Addenda, 1)
	assert.Equal(t, signing.Valid, seal.Addenda[0].Status, "the addendum is signed too")
	assert.Equal(t, opd.AddendumID(v.ID, 1), v.Note.Addenda[0].Signature.DocID)

	problems, err := e.s.CheckSignatures(context.Background())
	require.NoError(t, err)
	assert.Empty(t, problems)
}

func TestANoteChangedInTheDatabaseFailsVerification(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := signedNote(t, e)
	other := signedNote(t, e)
	// One character, straight into the database: what a careless script or an intruder does.
	_, err := e.db.W.Collection(store.CollVisits).UpdateOne(ctx, bson.D{{Key: "_id", Value: v.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "note.plan", Value: "paracetamol 600 mg"}, {Key: "note.addenda.0.text", Value: "Rash since evening."}}}})
	require.NoError(t, err)
	v, err = e.s.Visit(ctx, v.ID)
	require.NoError(t, err)
	seal := e.s.VerifyNote(v)
	assert.Equal(t, signing.ContentChanged, seal.Note.Status)
	assert.Equal(t, signing.ContentChanged, seal.Addenda[0].Status)

	problems, err := e.s.CheckSignatures(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{
		"opd-note " + v.ID + ": content changed after signing",
		"opd-note-addendum " + opd.AddendumID(v.ID, 1) + ": content changed after signing",
	}, problems, "the check names the changed documents and only them (not %s)", other.ID)

	// Removing the signature does not make the note look merely unsigned.
	_, err = e.db.W.Collection(store.CollVisits).UpdateOne(ctx, bson.D{{Key: "_id", Value: other.ID}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "note.signature", Value: ""}}}})
	require.NoError(t, err)
	other, err = e.s.Visit(ctx, other.ID)
	require.NoError(t, err)
	assert.Equal(t, signing.Missing, e.s.VerifyNote(other).Note.Status)
}

func TestCompletingWithSignNoteSigns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.withDoctor(t, e.patient(t, "Ravi", "Kumar"))
	_, err := e.s.SaveNote(ctx, v.ID, opd.SOAP{Assessment: "Hypertension"}, "dr.rao")
	require.NoError(t, err)
	v, err = e.s.Complete(ctx, v.ID, opd.Completion{SignNote: true, Signer: rao}, "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, opd.NoteSigned, v.Note.Status)
	assert.Equal(t, signing.Valid, e.s.VerifyNote(v).Note.Status)
	_, err = e.s.SaveNote(ctx, v.ID, opd.SOAP{Assessment: "changed"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrInvalid, "read-only once signed")
}
