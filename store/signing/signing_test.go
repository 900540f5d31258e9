package signing_test

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store/signing"
)

func seed(b byte) []byte { return bytes.Repeat([]byte{b}, ed25519.SeedSize) }

func note() signing.Content {
	return signing.Content{"subjective": "Fever 3 days", "objective": "T 38.9", "assessment": "Viral fever",
		"plan": "Paracetamol <500 mg> & fluids", "at": time.Date(2026, 11, 27, 12, 4, 5, 123456789, time.UTC),
		"addenda": []signing.Content{{"text": "later", "by": "dr.rao"}}, "tags": []string(nil), "n": int64(3)}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	s, err := signing.New(seed(1))
	require.NoError(t, err)
	who := signing.Person{ID: "dr.rao", Name: "Dr Rao", Role: "Doctor"}
	sig, err := s.Sign(signing.KindConsultNote, "V-1", note(), who, time.Now())
	require.NoError(t, err)
	assert.Equal(t, "dr.rao", sig.SignerID)
	assert.Equal(t, "Dr Rao", sig.SignerName)
	assert.Equal(t, "Doctor", sig.SignerRole)
	assert.Equal(t, s.KeyID(), sig.KeyID)
	assert.Len(t, sig.ContentSHA256, 64)
	assert.Len(t, sig.Sig, ed25519.SignatureSize)
	assert.Equal(t, time.UTC, sig.SignedAt.Location())
	assert.Zero(t, sig.SignedAt.Nanosecond()%int(time.Millisecond), "signed at whole milliseconds, as the database keeps it")

	got := s.Verify(note(), &sig)
	assert.Equal(t, signing.Valid, got.Status)
	assert.True(t, got.OK())
	assert.Equal(t, signing.Unsigned, s.Verify(note(), nil).Status)
	assert.Equal(t, signing.Unsigned, s.Verify(note(), &signing.Signature{}).Status)
}

func TestCanonicalStableAcrossFieldOrder(t *testing.T) {
	a := signing.Content{"b": "2", "a": "1", "c": signing.Content{"y": true, "x": 1.5}}
	b := signing.Content{}
	b["c"] = map[string]any{"x": 1.5, "y": true}
	b["a"] = "1"
	b["b"] = "2"
	ca, err := signing.Canonical(a)
	require.NoError(t, err)
	cb, err := signing.Canonical(b)
	require.NoError(t, err)
	assert.Equal(t, `{"a":"1","b":"2","c":{"x":1.5,"y":true}}`, string(ca))
	assert.Equal(t, ca, cb)

	// Times in any zone and below the millisecond sign as the database returns them.
	ist := time.FixedZone("IST", 5*3600+1800)
	t1 := time.Date(2026, 11, 27, 12, 4, 5, 123456789, time.UTC)
	d1, _ := signing.Digest(signing.Content{"at": t1})
	d2, _ := signing.Digest(signing.Content{"at": t1.In(ist).Truncate(time.Millisecond)})
	assert.Equal(t, d1, d2)
	c, _ := signing.Canonical(signing.Content{"at": t1, "s": "<a&b>", "l": []string(nil)})
	assert.Equal(t, `{"at":"2026-11-27T12:04:05.123Z","l":[],"s":"<a&b>"}`, string(c))

	_, err = signing.Canonical(signing.Content{"x": struct{}{}})
	assert.Error(t, err, "a type with no fixed canonical form is refused")
}

func TestTamperedContentAndRecord(t *testing.T) {
	s, err := signing.New(seed(2))
	require.NoError(t, err)
	sig, err := s.Sign(signing.KindNursingNote, "A-1#0", note(), signing.Person{ID: "nurse", Name: "N", Role: "Nurse"}, time.Now())
	require.NoError(t, err)

	changed := note()
	changed["plan"] = "Paracetamol <600 mg> & fluids" // one character
	assert.Equal(t, signing.ContentChanged, s.Verify(changed, &sig).Status)

	forged := sig
	forged.SignerName = "Dr Someone Else"
	assert.Equal(t, signing.BadSignature, s.Verify(note(), &forged).Status)
	moved := sig
	moved.DocID = "A-2#0" // the same signature copied onto another document
	assert.Equal(t, signing.BadSignature, s.Verify(note(), &moved).Status)
	later := sig
	later.SignedAt = later.SignedAt.Add(time.Hour)
	assert.Equal(t, signing.BadSignature, s.Verify(note(), &later).Status)

	other, err := signing.New(seed(3))
	require.NoError(t, err)
	assert.Equal(t, signing.UnknownKey, other.Verify(note(), &sig).Status)
}

func TestKeyRotation(t *testing.T) {
	old, err := signing.New(seed(4))
	require.NoError(t, err)
	oldSig, err := old.Sign(signing.KindLabReport, "V-1-L1", note(), signing.Person{ID: "path", Name: "P", Role: "Lab"}, time.Now())
	require.NoError(t, err)

	rotated, err := signing.New(seed(5), old.PublicKey())
	require.NoError(t, err)
	assert.NotEqual(t, old.KeyID(), rotated.KeyID())
	assert.Equal(t, signing.Valid, rotated.Verify(note(), &oldSig).Status, "the retired public key still verifies")
	newSig, err := rotated.Sign(signing.KindLabReport, "V-2-L1", note(), signing.Person{ID: "path"}, time.Now())
	require.NoError(t, err)
	assert.Equal(t, rotated.KeyID(), newSig.KeyID)
	assert.Equal(t, signing.UnknownKey, old.Verify(note(), &newSig).Status)

	notRetired, err := signing.New(seed(5))
	require.NoError(t, err)
	assert.Equal(t, signing.UnknownKey, notRetired.Verify(note(), &oldSig).Status, "without the old public key it cannot verify")

	_, err = signing.New(seed(5)[:31])
	assert.ErrorIs(t, err, signing.ErrKey)
	_, err = signing.New(seed(5), []byte("short"))
	assert.ErrorIs(t, err, signing.ErrKey)
}
