package opd_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store/opd"
)

func codes(list []opd.ICD10) []string {
	out := []string{}
	for _, c := range list {
		out = append(out, c.Code)
	}
	return out
}

func TestICD10SubsetIsUsefulAndUnique(t *testing.T) {
	all := opd.ICD10Codes()
	assert.GreaterOrEqual(t, len(all), 150)
	seen := map[string]bool{}
	for _, c := range all {
		assert.False(t, seen[c.Code], "duplicate %s", c.Code)
		seen[c.Code] = true
		assert.NotEmpty(t, c.Title, c.Code)
	}
	for _, c := range []string{"I10", "E11.9", "J06.9", "J45.9", "N39.0", "A09", "K21.9", "M54.5", "Z34.9", "E03.9"} {
		assert.True(t, seen[c], "%s is shipped", c)
	}
	c, ok := opd.ICD10ByCode("e119")
	require.True(t, ok)
	assert.Equal(t, "Type 2 diabetes mellitus without complications", c.Title)
}

func TestICD10SearchByCodeOrWords(t *testing.T) {
	for _, c := range []struct {
		q     string
		first string
		has   []string
	}{
		{"I10", "I10", nil},
		{"e11", "E11.2", []string{"E11.9", "E11.4"}},
		{"E11.9", "E11.9", nil},
		{"j069", "J06.9", nil},
		{"hypertension", "I10", []string{"O13", "R03.0"}},
		{"High blood pressure", "I10", nil},
		{"URTI", "J06.9", nil},
		{"type 2 diab", "E11.9", []string{"E11.2"}},
		{"DIABÈTES", "", []string{"E11.9", "E10.9", "E14.9"}},
		{"sore throat", "", []string{"J02.9", "R07.0", "J03.9"}},
		{"throat sore", "", []string{"J02.9"}},
		{"knee osteo", "M17.9", nil},
		{"piles", "K64.9", nil},
	} {
		got := codes(opd.SearchICD10(c.q, 20))
		require.NotEmpty(t, got, c.q)
		if c.first != "" {
			assert.Equal(t, c.first, got[0], "%q → %v", c.q, got)
		}
		for _, h := range c.has {
			assert.Contains(t, got, h, c.q)
		}
	}
	assert.Empty(t, opd.SearchICD10("zzzz qqq", 20))
	assert.Empty(t, opd.SearchICD10("  ", 20))
	assert.Len(t, opd.SearchICD10("e", 5), 5, "limit")
}
