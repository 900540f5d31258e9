package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"hms/store/signing"
)

// signer returns the key that signs clinical documents: HMS_SIGNING_KEY (the base64
// Ed25519 seed), or for the embedded demo a seed generated once into the data directory
// (owner-only), like the encryption key. With MONGODB_URI it is required. The public keys
// of earlier signing keys, HMS_SIGNING_RETIRED_KEYS, keep verifying what they signed.
func (c config) signer() (*signing.Signer, error) {
	var retired [][]byte
	for _, k := range strings.Split(os.Getenv("HMS_SIGNING_RETIRED_KEYS"), ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(k)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, errors.New("HMS_SIGNING_RETIRED_KEYS: want base64 Ed25519 public keys (32 bytes), comma-separated")
		}
		retired = append(retired, b)
	}
	seed, err := c.signingSeed()
	if err != nil {
		return nil, err
	}
	return signing.New(seed, retired...)
}

func (c config) signingSeed() ([]byte, error) {
	if v := os.Getenv("HMS_SIGNING_KEY"); v != "" {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil || len(b) != ed25519.SeedSize {
			return nil, errors.New("HMS_SIGNING_KEY must be a base64 Ed25519 seed (32 bytes)")
		}
		return b, nil
	}
	if c.MongoURI != "" {
		return nil, errors.New("HMS_SIGNING_KEY is required when MONGODB_URI is set")
	}
	path := filepath.Join(c.DataDir, "signing.key")
	if b, err := os.ReadFile(path); err == nil {
		if len(b) != ed25519.SeedSize {
			return nil, fmt.Errorf("%s: want a 32-byte Ed25519 seed", path)
		}
		return b, nil
	}
	b := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, err
	}
	return b, os.WriteFile(path, b, 0o600)
}
