// Package secret protects identifiers that are both sensitive and searched (national
// IDs): AES-256-GCM for the stored value, and a keyed hash (HMAC-SHA-256) beside it for
// exact-match lookup and uniqueness, so a database dump alone shows neither.
//
// A Box holds a key ring: the current master key, which seals and hashes everything new,
// and previous keys, which only open and look up what was written before a rotation
// (keyring.go). Each sealed value names the key that sealed it.
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
	"strings"
)

// ErrShortKey means the master key is under 32 bytes.
var ErrShortKey = errors.New("secret: the encryption key must be at least 32 bytes")

// key is one master key's derived keys.
type key struct {
	id      string // names the key in sealed values; derived, so it reveals nothing
	aead    cipher.AEAD
	hashKey []byte
}

// Box seals and hashes identifiers with keys derived from the current master key, and
// opens values sealed under the previous ones.
type Box struct {
	keys []key // keys[0] is the current key
}

// New derives the encryption and hashing keys from master (≥ 32 bytes).
func New(master []byte) (*Box, error) { return NewRing(master) }

// NewRing is New with previous master keys kept for opening and looking up values
// written before the current key was introduced.
func NewRing(current []byte, previous ...[]byte) (*Box, error) {
	b := &Box{}
	for _, m := range append([][]byte{current}, previous...) {
		k, err := deriveKey(m)
		if err != nil {
			return nil, err
		}
		b.keys = append(b.keys, k)
	}
	return b, nil
}

func deriveKey(master []byte) (key, error) {
	if len(master) < 32 {
		return key{}, ErrShortKey
	}
	block, err := aes.NewCipher(derive(master, "hms identifier encryption v1"))
	if err != nil {
		return key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, err
	}
	return key{id: hex.EncodeToString(derive(master, "hms key id v1")[:4]), aead: aead,
		hashKey: derive(master, "hms identifier lookup v1")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plain under the current key; the result ("<key id>:" + nonce and
// ciphertext in base64) differs on every call.
func (b *Box) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	k := b.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return k.id + ":" + base64.RawStdEncoding.EncodeToString(k.aead.Seal(nonce, nonce, []byte(plain), nil))
}

// Open decrypts what Seal returned, with whichever key of the ring sealed it. A value
// from before key ids (no "id:" prefix) is tried under every key.
func (b *Box) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	kid, body, named := strings.Cut(sealed, ":")
	if !named {
		body = sealed
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil {
		return "", fmt.Errorf("secret: not a sealed value")
	}
	var last error = fmt.Errorf("secret: sealed with key %s, which is not configured", kid)
	for _, k := range b.keys {
		if named && k.id != kid {
			continue
		}
		n := k.aead.NonceSize()
		if len(raw) < n {
			return "", fmt.Errorf("secret: not a sealed value")
		}
		plain, err := k.aead.Open(nil, raw[:n], raw[n:], nil)
		if err == nil {
			return string(plain), nil
		}
		last = err
	}
	return "", fmt.Errorf("secret: cannot decrypt (wrong key?): %w", last)
}

// Hash is the keyed hash of value within kind ("nid") under the current key: equal
// inputs give equal hashes, and without the key the hash cannot be recomputed from a
// guessed identifier.
func (b *Box) Hash(kind, value string) string { return b.keys[0].hash(kind, value) }

func (k key) hash(kind, value string) string {
	m := hmac.New(sha256.New, k.hashKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:20])
}
