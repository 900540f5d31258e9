package patients_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/patients"
	"hms/store/secret"
	"hms/store/storetest"
)

var keyA, keyB = []byte("rotation-test-key-A-0123456789ab"), []byte("rotation-test-key-B-0123456789ab")

func ringOf(t *testing.T, current []byte, previous ...[]byte) *secret.Box {
	t.Helper()
	b, err := secret.NewRing(current, previous...)
	require.NoError(t, err)
	return b
}

// dump is every document of the patient collections as extended JSON, as a backup holds them.
func dump(t *testing.T, db *store.DB) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, coll := range []string{store.CollPatients, store.CollPatientKeys} {
		cur, err := db.Coll(coll).R.Find(store.DeclaredScan(t.Context(), "test dump"), bson.D{})
		require.NoError(t, err)
		for cur.Next(t.Context()) {
			j, err := bson.MarshalExtJSON(cur.Current, false, false)
			require.NoError(t, err)
			out.Write(j)
		}
		require.NoError(t, cur.Close(t.Context()))
	}
	return out.Bytes()
}

// findsHolder asks the registration desk's duplicate check who holds an ID number.
func findsHolder(t *testing.T, s *patients.Store, nid string) string {
	t.Helper()
	cands, err := s.Candidates(t.Context(), patients.Demographics{Given: "Someone", Sex: "F"}, nid)
	require.NoError(t, err)
	for _, c := range cands {
		for _, why := range c.Reasons {
			if why == "same ID number" {
				return c.MRN
			}
		}
	}
	return ""
}

func TestRotateKeyMovesEveryIDNumberToTheNewKeyWhileLookupsKeepWorking(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	underA := patients.New(db, ringOf(t, keyA), nil)
	_, err := underA.Load(ctx)
	require.NoError(t, err)
	var mrns []string
	for i := range 7 {
		r := person(fmt.Sprintf("Rot%c", 'a'+i), "Kumar")
		r.IDKind, r.IDNumber = "Aadhaar", fmt.Sprintf("4444 5555 %04d", i)
		mrns = append(mrns, register(t, underA, r).MRN)
	}
	register(t, underA, person("Noid", "Kumar")) // no ID number: nothing to rotate

	// The server restarts with B current and A previous: before and during the rotation
	// every number is still found, and a second registration of one is refused.
	ring := patients.New(db, ringOf(t, keyB, keyA), nil)
	_, err = ring.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, mrns[3], findsHolder(t, ring, "444455550003"))
	dupe := person("Copy", "Cat")
	dupe.IDNumber = "4444-5555-0003"
	_, err = ring.Register(ctx, dupe, "frontdesk")
	require.ErrorIs(t, err, patients.ErrNationalIDTaken, "the uniqueness rule holds across keys")
	var taken *patients.TakenError
	require.True(t, errors.As(err, &taken))
	assert.Equal(t, mrns[3], taken.MRN)

	// A first pass in batches of 3 is stopped after its first batch, as if the command
	// were killed: lookups work on the half-rotated data, and a second run resumes.
	half, cancel := context.WithCancel(ctx)
	_, err = ring.RotateKey(half, 3, func(patients.RotateReport) { cancel() })
	require.ErrorIs(t, err, context.Canceled)
	for i, mrn := range mrns {
		assert.Equal(t, mrn, findsHolder(t, ring, fmt.Sprintf("44445555%04d", i)), "mid-rotation lookup %d", i)
	}
	rep, err := ring.RotateKey(ctx, 3, nil)
	require.NoError(t, err)
	assert.Equal(t, 8, rep.Scanned)
	assert.True(t, rep.Done())
	assert.Equal(t, 8, rep.Resealed+rep.Current)
	assert.Less(t, rep.Resealed, 7, "the first run's batch is not redone")
	again, err := ring.RotateKey(ctx, 3, nil)
	require.NoError(t, err)
	assert.Equal(t, patients.RotateReport{Scanned: 8, Current: 8}, again, "a repeated run changes nothing")

	// The dump holds no clear ID number, and the key documents are B's alone.
	d := dump(t, db)
	assert.NotContains(t, string(d), "44445555")
	assert.NotContains(t, string(d), "4444 5555")
	boxA, boxB := ringOf(t, keyA), ringOf(t, keyB)
	for i := range mrns {
		nid := fmt.Sprintf("44445555%04d", i)
		assert.NotContains(t, string(d), boxA.Hash("nid", nid), "no hash under the old key is left")
		assert.Contains(t, string(d), boxB.Hash("nid", nid))
	}

	// After the rotation the old key is removed: B alone opens and finds everything.
	onlyB := patients.New(db, boxB, nil)
	_, err = onlyB.Load(ctx)
	require.NoError(t, err)
	for i, mrn := range mrns {
		nid := fmt.Sprintf("44445555%04d", i)
		assert.Equal(t, mrn, findsHolder(t, onlyB, nid))
		id, err := onlyB.IDByMRN(ctx, mrn)
		require.NoError(t, err)
		p, err := onlyB.ByID(ctx, id)
		require.NoError(t, err)
		got, err := boxB.Open(p.IDSealed)
		require.NoError(t, err)
		assert.Equal(t, nid, got)
	}
	_, err = onlyB.Register(ctx, dupe, "frontdesk")
	require.ErrorIs(t, err, patients.ErrNationalIDTaken)
}
