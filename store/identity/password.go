package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's 19 MiB / 2 passes / 1 lane minimum.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashSlots bounds concurrent hashing so a login flood cannot exhaust memory.
var hashSlots = make(chan struct{}, 4)

// HashPassword returns an encoded argon2id hash ($argon2id$v=19$m=…,t=…,p=…$salt$key).
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	hashSlots <- struct{}{}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	<-hashSlots
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// dummyHash is compared against when the user does not exist, so both cases cost the same.
var dummyHash, _ = HashPassword("no such user: equalise the timing")

// CheckPassword reports whether pw matches the encoded hash.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || m > 256*1024 || t > 10 {
		return false
	}
	hashSlots <- struct{}{}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	<-hashSlots
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Password policy errors, shown next to the password field.
var (
	ErrPasswordShort  = errors.New("Use at least 12 characters.")
	ErrPasswordLong   = errors.New("Use at most 128 characters.")
	ErrPasswordCommon = errors.New("This password is too common; choose another.")
)

// CheckPolicy applies ASVS 2.1: 12–128 characters, not a well-known password.
func CheckPolicy(pw, username string) error {
	n := len([]rune(pw))
	switch {
	case n < 12:
		return ErrPasswordShort
	case n > 128:
		return ErrPasswordLong
	}
	low := strings.ToLower(pw)
	if commonPasswords[low] || (username != "" && strings.Contains(low, strings.ToLower(username))) {
		return ErrPasswordCommon
	}
	return nil
}

// commonPasswords holds well-known passwords of 12+ characters (breach lists' top entries).
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`password1234 password12345 password123456 123456789012 1234567890123
	qwertyuiop12 qwertyuiopas 111111111111 000000000000 iloveyou1234 administrator admin1234567
	adminadmin12 welcome12345 welcome123456 letmein12345 changeme1234 passw0rd1234 p@ssw0rd1234
	p@ssword1234 qwerty123456 abc123456789 abcdefghijkl 1q2w3e4r5t6y 1qaz2wsx3edc zaq12wsx3edc
	hospital1234 hospital2026 doctor123456 nurse1234567 sunshine1234 football1234 baseball1234
	princess1234 trustno11234 superman1234 monkey123456 dragon123456 master123456 shadow123456
	whatever1234 starwars1234 computer1234 internet1234 password!234 password@123 password#123`) {
		commonPasswords[p] = true
	}
}
