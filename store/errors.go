package store

import (
	"errors"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Sentinels that handlers map to user-facing answers. Store functions wrap them
// with a "store:" prefix; compare with errors.Is.
var (
	ErrNotFound  = errors.New("store: not found")
	ErrDuplicate = errors.New("store: already exists")
	ErrConflict  = errors.New("store: changed by someone else")
	ErrInvalid   = errors.New("store: not allowed in the current state")
)

// IsDuplicate reports whether err is a duplicate-key error from the driver.
func IsDuplicate(err error) bool { return mongo.IsDuplicateKeyError(err) }

// NoDocs reports whether err means "no document matched".
func NoDocs(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }
