package lab_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/lab"
	"hms/store/signing"
)

func TestVerifiedReportsAndAmendmentsAreSigned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "F", 1990)
	id := e.order(t, p, "GLU-F", "routine")
	o := e.resulted(t, id, map[string]string{"GLU-F": "95"})
	o, err := e.lab.Verify(ctx, id, o.Version, "pathologist", "Dr. Path", "Pathologist")
	require.NoError(t, err)
	require.NotNil(t, o.Signature, "verification writes the signature")
	assert.Equal(t, signing.KindLabReport, o.Signature.Kind)
	assert.Equal(t, "Dr. Path", o.Signature.SignerName)
	assert.Equal(t, "Pathologist", o.Signature.SignerRole)
	assert.Equal(t, o.VerifiedAt, o.Signature.SignedAt)
	assert.Equal(t, signing.Valid, e.lab.VerifyReport(o).Report.Status)

	o, err = e.lab.Amend(ctx, id, o.Version, map[string]string{"GLU-F": "59"}, "transcription error", "pathologist2", "Dr. Second", "Pathologist")
	require.NoError(t, err)
	seal := e.lab.VerifyReport(o)
	assert.Equal(t, signing.Valid, seal.Report.Status, "the corrected report is signed again")
	assert.Equal(t, "Dr. Second", seal.Report.Sig.SignerName)
	require.Len(t, seal.Amendments, 1)
	assert.Equal(t, signing.Valid, seal.Amendments[0].Status, "the amendment is signed")
	assert.Equal(t, lab.AmendmentID(id, 1), seal.Amendments[0].Sig.DocID)

	// Rewriting a verified value, or the history of what it was, in the database is found.
	_, err = e.db.W.Collection(store.CollLabOrders).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "results.0.value", Value: "69"}, {Key: "amendments.0.previous.0.value", Value: "96"}}}})
	require.NoError(t, err)
	o, err = e.lab.Order(ctx, id)
	require.NoError(t, err)
	seal = e.lab.VerifyReport(o)
	assert.Equal(t, signing.ContentChanged, seal.Report.Status)
	assert.Equal(t, signing.ContentChanged, seal.Amendments[0].Status)
	problems, err := e.lab.CheckSignatures(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"lab-report " + id + ": content changed after signing",
		"lab-report-amendment " + lab.AmendmentID(id, 1) + ": content changed after signing"}, problems)
}

func TestAPreliminaryReleaseIsNotSigned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "M", 1960)
	id := e.order(t, p, "GLU-F", "stat")
	o := e.resulted(t, id, map[string]string{"GLU-F": "95"})
	o, err := e.lab.ReleasePreliminary(ctx, id, o.Version, "labtech")
	require.NoError(t, err)
	assert.Nil(t, o.Signature)
	assert.Equal(t, signing.Unsigned, e.lab.VerifyReport(o).Report.Status, "preliminary, not verified: nothing to verify yet")
	problems, err := e.lab.CheckSignatures(ctx)
	require.NoError(t, err)
	assert.Empty(t, problems)
}
