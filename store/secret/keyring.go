package secret

import "strings"

// Rotation: the operator puts a new master key in HMS_ENCRYPTION_KEY and the old one in
// HMS_ENCRYPTION_KEY_PREVIOUS. Until every record is re-sealed and re-hashed, a record may
// carry either key's hash, so every lookup asks under each key (Hashes), and a value is
// opened by the key named in it. Once nothing is left under an old key (Current holds for
// every value), the old key can be dropped.

// Hashes is the hash of value under every key of the ring, the current key's first.
func (b *Box) Hashes(kind, value string) []string {
	out := make([]string, len(b.keys))
	for i, k := range b.keys {
		out[i] = k.hash(kind, value)
	}
	return out
}

// Current reports whether sealed was sealed under the current key (an empty value is).
func (b *Box) Current(sealed string) bool {
	if sealed == "" {
		return true
	}
	kid, _, named := strings.Cut(sealed, ":")
	return named && kid == b.keys[0].id
}

// KeyID names the current key, as it appears in sealed values (not secret).
func (b *Box) KeyID() string { return b.keys[0].id }

// Rotating reports whether previous keys are configured.
func (b *Box) Rotating() bool { return len(b.keys) > 1 }
