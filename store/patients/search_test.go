package patients_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store/patients"
)

func search(t *testing.T, s *patients.Store, q string) patients.SearchResult {
	t.Helper()
	res, err := s.Search(t.Context(), q, 20)
	require.NoError(t, err, q)
	return res
}

func TestSearchByMRNIsExact(t *testing.T) {
	s, _ := newStore(t)
	var ps []patients.Patient
	for _, n := range []string{"Anand", "Bhavna", "Chetan"} {
		ps = append(ps, register(t, s, person(n, "Patil")))
	}
	res := search(t, s, ps[1].MRN)
	assert.Equal(t, "mrn", res.Kind)
	require.Len(t, res.Hits, 1)
	assert.Equal(t, ps[1].ID, res.Hits[0].ID)
	assert.Equal(t, 1, res.Total)

	res = search(t, s, " "+ps[2].MRN+" ")
	require.Len(t, res.Hits, 1, "spaces around a pasted MRN do not matter")
	assert.Equal(t, ps[2].ID, res.Hits[0].ID)

	// a part of an MRN, or one that does not exist, finds nobody
	for _, q := range []string{ps[0].MRN[:4], ps[0].MRN[1:], "999999"} {
		assert.Zero(t, search(t, s, q).Total, q)
	}
}

func TestSearchByPhoneInAnyFormat(t *testing.T) {
	s, _ := newStore(t)
	r := person("Rajesh", "Sharma")
	r.Phone = patients.NormalizePhone("+91 98450 12345")
	p := register(t, s, r)
	sister := person("Rekha", "Sharma")
	sister.Phone = r.Phone // one family phone
	register(t, s, sister)
	register(t, s, person("Other", "Sharma"))

	for _, q := range []string{"9845012345", "+91 98450 12345", "098450-12345"} {
		res := search(t, s, q)
		assert.Equal(t, "phone", res.Kind, q)
		assert.Equal(t, []string{"Rajesh Sharma", "Rekha Sharma"}, names(res), q)
		assert.Equal(t, 2, res.Total, q)
		assert.Equal(t, p.Phone, res.Hits[0].Phone)
	}
	assert.Zero(t, search(t, s, "9845012346").Total, "one digit off is another number")
}

func TestSearchByNameWordsInAnyOrderAndByPrefix(t *testing.T) {
	s, _ := newStore(t)
	rajesh := register(t, s, person("Rajesh", "Sharma"))
	r := person("Rajesh", "Kumar")
	r.Middle = "Sharma"
	register(t, s, r)
	register(t, s, person("Suresh", "Raina"))

	for _, q := range []string{"sha raj", "raj sha", "Sharma Rajesh", "rajesh sharma", "RAJ  SHAR"} {
		res := search(t, s, q)
		assert.Equal(t, "name", res.Kind)
		require.NotEmpty(t, res.Hits, q)
		assert.Equal(t, rajesh.ID, res.Hits[0].ID, "%q: the whole-name match comes first", q)
		assert.Equal(t, []string{"Rajesh Sharma", "Rajesh Sharma Kumar"}, names(res), q)
	}
	assert.Equal(t, []string{"Rajesh Sharma Kumar"}, names(search(t, s, "raj kum")))
	assert.Equal(t, []string{"Suresh Raina"}, names(search(t, s, "rai")))
	// every word must match a different word of the name
	assert.Zero(t, search(t, s, "rajesh rajesh").Total)
	assert.Zero(t, search(t, s, "rajesh verma").Total)
	assert.Zero(t, search(t, s, "arma").Total, "a word inside a word is not a prefix")
}

func TestSearchIgnoresAccentsAndCase(t *testing.T) {
	s, _ := newStore(t)
	jose := register(t, s, person("José", "D'Souza"))
	zoe := register(t, s, person("zoe", "renée"))
	for q, want := range map[string]string{
		"jose": jose.ID, "JOSÉ": jose.ID, "d souza": jose.ID, "D'SOU jo": jose.ID, "josé d'souza": jose.ID,
		"Zoë": zoe.ID, "RENEE": zoe.ID, "rené zo": zoe.ID,
	} {
		res := search(t, s, q)
		require.Len(t, res.Hits, 1, q)
		assert.Equal(t, want, res.Hits[0].ID, q)
	}
	assert.Equal(t, "José D'Souza", search(t, s, "jose").Hits[0].Name, "shown as registered")

	ram := register(t, s, person("राम", "शर्मा"))
	for _, q := range []string{"शर्मा राम", "राम", "शर्"} {
		res := search(t, s, q)
		require.Len(t, res.Hits, 1, q)
		assert.Equal(t, ram.ID, res.Hits[0].ID, q)
	}
}

func TestSearchRanksExactWordsFirstAndDuplicatesLast(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	register(t, s, person("Anil", "Kumaran"))
	register(t, s, person("Bala", "Kumar"))
	res := search(t, s, "kumar")
	assert.Equal(t, []string{"Bala Kumar", "Anil Kumaran"}, names(res), "the exact word beats the prefix (and the alphabet)")
	assert.Greater(t, res.Hits[0].Score, res.Hits[1].Score)

	dup := register(t, s, person("Rajesh", "Sharma"))
	kept := register(t, s, person("Rajesh", "Sharma"))
	res = search(t, s, "rajesh sharma")
	require.Len(t, res.Hits, 2)
	assert.Equal(t, dup.ID, res.Hits[0].ID, "equal names sort by MRN until one is marked")

	marked, err := s.MarkDuplicate(ctx, dup.ID, kept.MRN, "registered twice at the desk", "records")
	require.NoError(t, err)
	assert.Equal(t, kept.ID, marked.DuplicateOf)
	assert.Equal(t, kept.MRN, marked.DupOfMRN)
	require.NotEmpty(t, marked.History)
	assert.Equal(t, "records", marked.History[len(marked.History)-1].By)

	res = search(t, s, "rajesh sharma")
	require.Len(t, res.Hits, 2, "a duplicate is still found (others point at it)")
	assert.Equal(t, kept.ID, res.Hits[0].ID)
	assert.Equal(t, dup.ID, res.Hits[1].ID)
	assert.Equal(t, kept.MRN, res.Hits[1].DuplicateOfMRN)

	// a duplicate cannot be a survivor, nor can a record survive itself, nor be marked twice
	other := register(t, s, person("Rajesh", "Sharma"))
	_, err = s.MarkDuplicate(ctx, other.ID, dup.MRN, "x", "records")
	assert.ErrorIs(t, err, patients.ErrNotASurvivor)
	_, err = s.MarkDuplicate(ctx, kept.ID, kept.MRN, "x", "records")
	assert.ErrorIs(t, err, patients.ErrNotASurvivor)
	_, err = s.MarkDuplicate(ctx, dup.ID, other.MRN, "again", "records")
	assert.Error(t, err)
}

func TestSearchShowsTwentyAndCountsAll(t *testing.T) {
	s, _ := newStore(t)
	for i := range 25 {
		register(t, s, person(fmt.Sprintf("Ravi%02d", i), "Kumar"))
	}
	register(t, s, person("Kumud", "Bhat"))
	res := search(t, s, "kumar")
	assert.Len(t, res.Hits, 20)
	assert.Equal(t, 25, res.Total)

	res = search(t, s, "ku")
	assert.Len(t, res.Hits, 20)
	assert.Equal(t, 26, res.Total, "two letters are enough for a prefix")

	res, err := s.Search(t.Context(), "kumar", 5)
	require.NoError(t, err)
	assert.Len(t, res.Hits, 5)
	assert.Equal(t, 25, res.Total)
}

func TestSearchNeedsTwoLetters(t *testing.T) {
	s, _ := newStore(t)
	register(t, s, person("Kiran", "Kapoor"))
	for _, q := range []string{"k", " K ", "", "   ", "k k", "é"} {
		res := search(t, s, q)
		assert.Zero(t, res.Total, "%q", q)
		assert.Empty(t, res.Hits, "%q", q)
	}
	assert.Equal(t, 1, search(t, s, "ki").Total)
}

func TestHostileQueriesFindNothingAndBreakNothing(t *testing.T) {
	s, _ := newStore(t)
	for _, n := range []string{"Asha", "Nebu", "Gulab", "Scaria"} {
		register(t, s, person(n, "Verma"))
	}
	for _, q := range []string{
		`{"$gt":""}`, `{"$ne":null}`, `.*`, `^`, `\`, `(`, `[a-z]+`, `<script>alert(1)</script>`,
		`name[$ne]=x`, `'; db.dropDatabase(); '`, `$where: 1 == 1`, "\x00", "\xff\xfe", `%`, `*`,
	} {
		res, err := s.Search(t.Context(), q, 20)
		require.NoError(t, err, q)
		assert.Zero(t, res.Total, "%q", q)
		assert.Empty(t, res.Hits, "%q", q)
	}
	assert.Equal(t, 4, s.Indexed())
	assert.Equal(t, 4, search(t, s, "verma").Total, "the records are all still there")
}
