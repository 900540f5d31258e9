package handlers

import (
	"errors"
	"strings"
	"unicode"

	"hms/store"
)

// storeReason is the reason a store error gives, without the sentinels' "store: …: "
// prefixes that wrap it; the page decides how to put it as a sentence.
func storeReason(err error) string {
	msg := err.Error()
	for _, s := range []error{store.ErrInvalid, store.ErrNotFound, store.ErrConflict, store.ErrDuplicate} {
		msg = strings.ReplaceAll(msg, s.Error()+": ", "")
	}
	return strings.TrimPrefix(msg, "store: ")
}

// deskMessage is a store error's explanation as a sentence for the user.
func deskMessage(err error) string {
	msg := storeReason(err)
	if msg == "" {
		return "Not allowed."
	}
	r := []rune(msg)
	r[0] = unicode.ToUpper(r[0])
	out := string(r)
	if !strings.HasSuffix(out, ".") {
		out += "."
	}
	return out
}

// refusalMessage is deskMessage for the store's expected refusals (invalid, conflict,
// duplicate); false for anything else, which is not the user's to read.
func refusalMessage(err error) (string, bool) {
	if !errors.Is(err, store.ErrInvalid) && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrDuplicate) {
		return "", false
	}
	return deskMessage(err), true
}
