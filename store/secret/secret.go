// Package secret protects identifiers that are both sensitive and searched (national
// IDs): AES-256-GCM for the stored value, and a keyed hash (HMAC-SHA-256) beside it for
// exact-match lookup and uniqueness, so a database dump alone shows neither.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// ErrShortKey means the master key is under 32 bytes.
var ErrShortKey = errors.New("secret: the encryption key must be at least 32 bytes")

// Box seals and hashes identifiers with keys derived from one master key.
type Box struct {
	aead    cipher.AEAD
	hashKey []byte
}

// New derives the encryption and hashing keys from master (≥ 32 bytes).
func New(master []byte) (*Box, error) {
	if len(master) < 32 {
		return nil, ErrShortKey
	}
	block, err := aes.NewCipher(derive(master, "hms identifier encryption v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, hashKey: derive(master, "hms identifier lookup v1")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plain; the result (nonce + ciphertext, base64) differs on every call.
func (b *Box) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	nonce := make([]byte, b.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(plain), nil))
}

// Open decrypts what Seal returned.
func (b *Box) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", fmt.Errorf("secret: not a sealed value")
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", fmt.Errorf("secret: cannot decrypt (wrong key?): %w", err)
	}
	return string(plain), nil
}

// Hash is the keyed hash of value within kind ("nid"): equal inputs give equal hashes,
// and without the key the hash cannot be recomputed from a guessed identifier.
func (b *Box) Hash(kind, value string) string {
	m := hmac.New(sha256.New, b.hashKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:20])
}
