package secret

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSealOpenAndHash(t *testing.T) {
	b, err := New([]byte(strings.Repeat("m", 32)))
	require.NoError(t, err)
	s1, s2 := b.Seal("1234 5678 9012"), b.Seal("1234 5678 9012")
	assert.NotEqual(t, s1, s2, "a fresh nonce each time")
	assert.NotContains(t, s1, "9012")
	got, err := b.Open(s1)
	require.NoError(t, err)
	assert.Equal(t, "1234 5678 9012", got)

	assert.Equal(t, b.Hash("nid", "X1"), b.Hash("nid", "X1"))
	assert.NotEqual(t, b.Hash("nid", "X1"), b.Hash("mem", "X1"), "kinds do not collide")

	other, _ := New([]byte(strings.Repeat("o", 32)))
	_, err = other.Open(s1)
	assert.Error(t, err, "another key cannot read it")
	assert.NotEqual(t, b.Hash("nid", "X1"), other.Hash("nid", "X1"))

	_, err = New([]byte("short"))
	assert.ErrorIs(t, err, ErrShortKey)
}
