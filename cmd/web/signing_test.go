package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store/signing"
)

func TestSigningKeyIsGeneratedOnceForTheEmbeddedDemo(t *testing.T) {
	t.Setenv("HMS_SIGNING_KEY", "")
	t.Setenv("HMS_SIGNING_RETIRED_KEYS", "")
	c := config{DataDir: filepath.Join(t.TempDir(), "data")}
	first, err := c.signer()
	require.NoError(t, err)
	fi, err := os.Stat(filepath.Join(c.DataDir, "signing.key"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "owner-only, like encryption.key")
	assert.Equal(t, int64(32), fi.Size())
	again, err := c.signer()
	require.NoError(t, err)
	assert.Equal(t, first.KeyID(), again.KeyID(), "a restart keeps the key")
}

func TestSigningKeyFromTheEnvironmentAndRetiredKeys(t *testing.T) {
	seed := bytes.Repeat([]byte{9}, 32)
	want, err := signing.New(seed)
	require.NoError(t, err)
	old, err := signing.New(bytes.Repeat([]byte{10}, 32))
	require.NoError(t, err)
	t.Setenv("HMS_SIGNING_KEY", base64.StdEncoding.EncodeToString(seed))
	t.Setenv("HMS_SIGNING_RETIRED_KEYS", " "+base64.StdEncoding.EncodeToString(old.PublicKey())+", ")
	c := config{DataDir: t.TempDir(), MongoURI: "mongodb://db/"}
	s, err := c.signer()
	require.NoError(t, err)
	assert.Equal(t, want.KeyID(), s.KeyID())
	content := signing.Content{"text": "x"}
	sig, err := old.Sign(signing.KindLabReport, "X", content, signing.Person{ID: "p"}, time.Now())
	require.NoError(t, err)
	assert.Equal(t, signing.Valid, s.Verify(content, &sig).Status, "the retired key still verifies")
	_, err = os.Stat(filepath.Join(c.DataDir, "signing.key"))
	assert.True(t, os.IsNotExist(err), "no key file when the key comes from the environment")

	t.Setenv("HMS_SIGNING_RETIRED_KEYS", "not-a-key")
	_, err = c.signer()
	assert.ErrorContains(t, err, "HMS_SIGNING_RETIRED_KEYS")
	t.Setenv("HMS_SIGNING_RETIRED_KEYS", "")
	t.Setenv("HMS_SIGNING_KEY", base64.StdEncoding.EncodeToString(seed[:16]))
	_, err = c.signer()
	assert.ErrorContains(t, err, "HMS_SIGNING_KEY must be a base64 Ed25519 seed")
}

func TestProductionRefusesToStartWithoutASigningKey(t *testing.T) {
	t.Setenv("HMS_SIGNING_KEY", "")
	_, err := config{DataDir: t.TempDir(), MongoURI: "mongodb://db/"}.signer()
	assert.ErrorContains(t, err, "HMS_SIGNING_KEY is required when MONGODB_URI is set")

	cmd := command(t.TempDir(), "127.0.0.1:0", "serve")
	cmd.Env = append(cmd.Env, "MONGODB_URI=mongodb://127.0.0.1:1/", "HMS_SESSION_KEY="+string(bytes.Repeat([]byte("s"), 32)),
		"HMS_ENCRYPTION_KEY="+string(bytes.Repeat([]byte("e"), 32)), "HMS_SIGNING_KEY=")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "HMS_SIGNING_KEY is required")
}
