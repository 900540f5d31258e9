package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Self-refreshing boards (ward board, OPD queues, the waiting-room screen) poll their own
// URL with the version they show; the answer is 204 while the version is unchanged.

// pollHeaders is the hx-headers value of a self-refreshing board: its polls are not
// user activity, so an unattended screen still reaches its idle timeout.
func pollHeaders() string { return `{"` + backgroundHeader + `":"1"}` }

// fingerprint is the version of what a board shows: a short hash of its values.
func fingerprint(parts ...any) string {
	b, _ := json.Marshal(parts) // strings, numbers and bools: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
