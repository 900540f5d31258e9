// Package signing signs clinical documents (consultation notes, discharge summaries,
// nursing notes, lab reports and their addenda) with the server's Ed25519 key, and
// verifies them when they are shown or checked.
//
// A signature covers the document's canonical content (Canonical) through its SHA-256,
// together with the document's kind and id, the signer and the time: changing any of
// them afterwards, directly in the database included, makes Verify fail. The public keys
// that verify come from the server's configuration, never from the database: whoever
// can write the database cannot add a key of their own and re-sign what they changed.
package signing

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Kinds of signed documents.
const (
	KindConsultNote       = "opd-note"
	KindConsultAddendum   = "opd-note-addendum"
	KindDischargeSummary  = "discharge-summary"
	KindDischargeAddendum = "discharge-summary-addendum"
	KindNursingNote       = "nursing-note"
	KindLabReport         = "lab-report"
	KindLabAmendment      = "lab-report-amendment"
)

// Person is who signs: the user id (username), the name and the role people read.
type Person struct {
	ID, Name, Role string
}

// Signature is the record stored on a signed document (its "signature" sub-document).
type Signature struct {
	Kind          string    `bson:"kind"`
	DocID         string    `bson:"doc_id"`
	ContentSHA256 string    `bson:"content_sha256"` // hex of SHA-256 of the canonical content
	SignerID      string    `bson:"signer_id"`
	SignerName    string    `bson:"signer_name"`
	SignerRole    string    `bson:"signer_role"`
	SignedAt      time.Time `bson:"signed_at"` // UTC, whole milliseconds (what the database keeps)
	KeyID         string    `bson:"key_id"`
	Sig           []byte    `bson:"sig"` // Ed25519 over message()
}

// Signed reports whether there is a signature at all.
func (s *Signature) Signed() bool { return s != nil && len(s.Sig) > 0 }

// Status is what Verify found.
type Status int

// Verification outcomes.
const (
	Unsigned       Status = iota // no signature on the document
	Valid                        // the content and the record are as signed
	ContentChanged               // the content no longer matches what was signed
	BadSignature                 // the record (signer, time, id …) was altered, or forged
	UnknownKey                   // signed by a key this server does not hold
	Missing                      // marked signed, but no signature is on record
)

// String names the status for logs and check reports.
func (s Status) String() string {
	return [...]string{"unsigned", "verified", "content changed after signing", "signature invalid",
		"signed with an unknown key", "marked signed but no signature on record"}[s]
}

// Check is the outcome of verifying one document.
type Check struct {
	Status Status
	Sig    Signature
}

// OK reports whether the document verified.
func (c Check) OK() bool { return c.Status == Valid }

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// Signer signs with the current key and verifies with it and the retired public keys.
type Signer struct {
	priv  ed25519.PrivateKey
	keyID string
	ring  map[string]ed25519.PublicKey
}

// ErrKey means a key has the wrong size.
var ErrKey = errors.New("signing: an Ed25519 seed is 32 bytes, a public key 32 bytes")

// New returns a signer with the 32-byte Ed25519 seed; retired are the public keys of
// earlier signing keys, which still verify what they signed.
func New(seed []byte, retired ...[]byte) (*Signer, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, ErrKey
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	s := &Signer{priv: priv, keyID: KeyID(pub), ring: map[string]ed25519.PublicKey{}}
	s.ring[s.keyID] = pub
	for _, r := range retired {
		if len(r) != ed25519.PublicKeySize {
			return nil, ErrKey
		}
		k := ed25519.PublicKey(append([]byte(nil), r...))
		s.ring[KeyID(k)] = k
	}
	return s, nil
}

// Ephemeral returns a signer with a key generated for this process only: what it signs
// stops verifying when the process ends. Tests and benchmarks use it; the server never.
func Ephemeral() *Signer {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	s, _ := New(seed)
	return s
}

// KeyID is the id of the current key.
func (s *Signer) KeyID() string { return s.keyID }

// PublicKey is the current public key (to keep when the key is rotated).
func (s *Signer) PublicKey() ed25519.PublicKey { return s.ring[s.keyID] }

// Sign signs content as document id of kind, by who, at the time at (the store's clock).
func (s *Signer) Sign(kind, id string, content Content, who Person, at time.Time) (Signature, error) {
	sum, err := Digest(content)
	if err != nil {
		return Signature{}, err
	}
	sig := Signature{Kind: kind, DocID: id, ContentSHA256: sum, SignerID: who.ID, SignerName: who.Name,
		SignerRole: who.Role, SignedAt: at.UTC().Truncate(time.Millisecond), KeyID: s.keyID}
	msg, err := message(sig)
	if err != nil {
		return Signature{}, err
	}
	sig.Sig = ed25519.Sign(s.priv, msg)
	return sig, nil
}

// Verify checks the signature of a document whose content is now content. A nil sig is
// Unsigned. The key is looked up by the record's key id in the ring.
func (s *Signer) Verify(content Content, sig *Signature) Check {
	if !sig.Signed() {
		return Check{Status: Unsigned}
	}
	c := Check{Sig: *sig}
	pub, ok := s.ring[sig.KeyID]
	if !ok {
		c.Status = UnknownKey
		return c
	}
	msg, err := message(*sig)
	if err != nil || !ed25519.Verify(pub, msg, sig.Sig) {
		c.Status = BadSignature
		return c
	}
	if sum, err := Digest(content); err != nil || sum != sig.ContentSHA256 {
		c.Status = ContentChanged
		return c
	}
	c.Status = Valid
	return c
}

// message is the canonical form of everything a signature covers except the signature.
func message(sig Signature) ([]byte, error) {
	b, err := Canonical(Content{"v": 1, "kind": sig.Kind, "doc_id": sig.DocID, "content_sha256": sig.ContentSHA256,
		"signer_id": sig.SignerID, "signer_name": sig.SignerName, "signer_role": sig.SignerRole,
		"signed_at": sig.SignedAt, "key_id": sig.KeyID})
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	return b, nil
}

// Signed turns an Unsigned check of a document that is marked signed into Missing:
// deleting a signature must not make a changed document look merely unsigned.
func (c Check) Signed(kind, id string) Check {
	if c.Status == Unsigned {
		return Check{Status: Missing, Sig: Signature{Kind: kind, DocID: id}}
	}
	return c
}

// Problem is the check report's line for a document that did not verify: its kind and
// id and what is wrong, never its content. A verified or unsigned document gives "".
func (c Check) Problem() string {
	if c.Status == Valid || c.Status == Unsigned {
		return ""
	}
	return c.Sig.Kind + " " + c.Sig.DocID + ": " + c.Status.String()
}
