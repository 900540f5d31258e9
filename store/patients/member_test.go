package patients_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/patients"
	"hms/store/storetest"
)

// The front desk types a member number off an insurance card; the database holds it only
// sealed, with a keyed hash that still finds the patient by the exact number.
func TestAMemberNumberIsSealedAndFoundByTheExactNumber(t *testing.T) {
	s, db := newStore(t)
	ctx := t.Context()
	r := person("Hemalatha", "Rao")
	pol := starPolicy()
	r.Policy = &pol
	p := register(t, s, r)
	other := register(t, s, person("Gopal", "Rao"))
	second := starPolicy()
	second.MemberNumber, second.Rank = "NIC 7788 1234", "secondary"
	_, err := s.AddPolicy(ctx, other.ID, second, "desk-1")
	require.NoError(t, err)

	d := string(dump(t, db))
	for _, clear := range []string{"SH-2026-0042", "SH20260042", "7788 1234", "77881234"} {
		assert.NotContains(t, d, clear, "a dump shows no member number")
	}
	stored, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	got := stored.Policies[0]
	assert.Empty(t, got.MemberNumber)
	assert.Equal(t, "••••\u00a00042", got.MemberMasked(), "the chart shows the last four")
	clear, err := s.OpenMember(got.MemberSealed, got.MemberNumber)
	require.NoError(t, err)
	assert.Equal(t, "SH-2026-0042", clear, "opened as typed, for the claim to the payer")

	// Typed with or without the dashes, in any case; a restarted process finds it too.
	for _, st := range []*patients.Store{s, openStore(t, db)} {
		for _, q := range []string{"SH-2026-0042", "sh 2026 0042"} {
			res, err := st.Search(ctx, q, 10)
			require.NoError(t, err)
			assert.Equal(t, "member", res.Kind, q)
			assert.Equal(t, []string{"Hemalatha Rao"}, names(res), q)
		}
		res, err := st.Search(ctx, "NIC-7788-1234", 10)
		require.NoError(t, err)
		assert.Equal(t, []string{"Gopal Rao"}, names(res))
		res, err = st.Search(ctx, "SH-2026-0043", 10)
		require.NoError(t, err)
		assert.Empty(t, res.Hits, "only the exact number matches")
	}
}

// A database from before member numbers were sealed holds them in clear: the check
// names those patients, and the rotation (run by the server at start, by check --repair
// or by web rotate-key) seals them; a rotation to a new key then moves them on.
func TestMemberNumbersInClearAreSealedAndRotatedToANewKey(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	underA := patients.New(db, ringOf(t, keyA), nil)
	_, err := underA.Load(ctx)
	require.NoError(t, err)
	r := person("Old", "Record")
	pol := starPolicy()
	r.Policy = &pol
	p := register(t, underA, r)
	_, err = db.Coll(store.CollPatients).W.UpdateOne(ctx, bson.D{{Key: "_id", Value: p.ID}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "policies.0.member_number", Value: "SH-2026-0042"}}},
		{Key: "$unset", Value: bson.D{{Key: "policies.0.member_sealed", Value: ""}, {Key: "policies.0.member_hash", Value: ""}}}})
	require.NoError(t, err)

	restarted := patients.New(db, ringOf(t, keyA), nil)
	_, err = restarted.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, restarted.ClearAtLoad(), "the start-up load notices it")
	found, err := restarted.ClearMembers(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{p.ID}, found)

	rep, err := restarted.RotateKey(ctx, 10, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Members)
	assert.True(t, rep.Done())
	found, err = restarted.ClearMembers(ctx)
	require.NoError(t, err)
	assert.Empty(t, found)
	assert.NotContains(t, string(dump(t, db)), "SH-2026-0042")
	res, err := restarted.Search(ctx, "SH-2026-0042", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"Old Record"}, names(res), "sealed in place, and searchable")

	// Rotation to B: the member number moves to B, and B alone opens and finds it.
	ring := patients.New(db, ringOf(t, keyB, keyA), nil)
	_, err = ring.Load(ctx)
	require.NoError(t, err)
	res, err = ring.Search(ctx, "SH20260042", 10)
	require.NoError(t, err)
	assert.Len(t, res.Hits, 1, "found under the old key's hash mid-rotation")
	rep, err = ring.RotateKey(ctx, 10, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Members)
	onlyB := patients.New(db, ringOf(t, keyB), nil)
	_, err = onlyB.Load(ctx)
	require.NoError(t, err)
	got, err := onlyB.ByID(ctx, p.ID)
	require.NoError(t, err)
	clear, err := onlyB.OpenMember(got.Policies[0].MemberSealed, got.Policies[0].MemberNumber)
	require.NoError(t, err)
	assert.Equal(t, "SH-2026-0042", clear)
	res, err = onlyB.Search(ctx, "SH-2026-0042", 10)
	require.NoError(t, err)
	assert.Len(t, res.Hits, 1)
}
