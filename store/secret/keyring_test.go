package secret

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeyRingOpensOldValuesAndSealsWithTheNewKey(t *testing.T) {
	a, b := []byte(strings.Repeat("a", 32)), []byte(strings.Repeat("b", 32))
	boxA, err := New(a)
	require.NoError(t, err)
	underA := boxA.Seal("AB123")
	legacy := underA[strings.Index(underA, ":")+1:] // as sealed before values named their key

	ring, err := NewRing(b, a)
	require.NoError(t, err)
	assert.True(t, ring.Rotating())
	for _, v := range []string{underA, legacy} {
		got, err := ring.Open(v)
		require.NoError(t, err)
		assert.Equal(t, "AB123", got)
		assert.False(t, ring.Current(v), "sealed under the old key")
	}
	fresh := ring.Seal("AB123")
	assert.True(t, ring.Current(fresh))
	assert.True(t, strings.HasPrefix(fresh, ring.KeyID()+":"))
	assert.NotEqual(t, boxA.KeyID(), ring.KeyID())

	hs := ring.Hashes("nid", "AB123")
	require.Len(t, hs, 2)
	assert.Equal(t, ring.Hash("nid", "AB123"), hs[0], "the current key's hash comes first")
	assert.Equal(t, boxA.Hash("nid", "AB123"), hs[1], "the old key's hash still finds old records")

	onlyB, err := New(b)
	require.NoError(t, err)
	got, err := onlyB.Open(fresh)
	require.NoError(t, err)
	assert.Equal(t, "AB123", got, "after rotation only the new key is needed")
	_, err = onlyB.Open(underA)
	assert.Error(t, err, "the new key alone cannot open what the old key sealed")

	_, err = NewRing(b, []byte("short"))
	assert.ErrorIs(t, err, ErrShortKey)
}
