package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// Login outcomes. Unknown user and wrong password are one error, so a caller cannot tell them apart.
var (
	ErrBadCredentials = errors.New("store: wrong username or password")
	ErrLockedOut      = errors.New("store: too many failed sign-ins")
	ErrDisabled       = errors.New("store: account disabled")
)

// Lockout policy: MaxFailures within LockFor locks the username for LockFor.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
)

// attempts is the failed-login counter of one username, known or not, so lockout
// behaves the same for accounts that do not exist.
type attempts struct {
	Failures    int64     `bson:"failures"`
	LastAt      time.Time `bson:"last_at"`
	LockedUntil time.Time `bson:"locked_until"`
}

// Authenticator checks passwords and keeps the failed-login counters.
type Authenticator struct {
	users    *Users
	attempts store.Coll
	now      func() time.Time
}

// NewAuthenticator returns an Authenticator over db.
func NewAuthenticator(db *store.DB) *Authenticator {
	return &Authenticator{users: NewUsers(db), attempts: db.Coll(store.CollLoginAttempts), now: time.Now}
}

// Login returns the user when username and password match, the account is enabled
// and the username is not locked out. Every failure counts towards the lockout.
func (a *Authenticator) Login(ctx context.Context, username, password string) (User, error) {
	now := a.now().UTC()
	key := bson.D{{Key: "_id", Value: username}}
	var at attempts
	err := a.attempts.R.FindOne(ctx, key).Decode(&at)
	if err != nil && !store.NoDocs(err) {
		return User{}, fmt.Errorf("store: login attempts: %w", err)
	}
	if now.Before(at.LockedUntil) {
		return User{}, ErrLockedOut
	}
	if at.Failures > 0 && (now.Sub(at.LastAt) > LockFor || !at.LockedUntil.IsZero()) {
		// an old streak of failures, or a lock that has run out: start afresh
		if _, err := a.attempts.W.DeleteOne(ctx, key); err != nil {
			return User{}, fmt.Errorf("store: login attempts: %w", err)
		}
	}

	u, err := a.users.ByUsername(ctx, username)
	switch {
	case errors.Is(err, store.ErrNotFound):
		CheckPassword(dummyHash, password) // same cost as a real check
		return User{}, a.fail(ctx, key, now)
	case err != nil:
		return User{}, err
	case !CheckPassword(u.PasswordHash, password):
		return User{}, a.fail(ctx, key, now)
	case u.Disabled:
		return User{}, ErrDisabled
	}
	if _, err := a.attempts.W.DeleteOne(ctx, key); err != nil {
		return User{}, fmt.Errorf("store: login attempts: %w", err)
	}
	return u, nil
}

// fail counts one failure with an atomic $inc and locks the username at the threshold.
func (a *Authenticator) fail(ctx context.Context, key bson.D, now time.Time) error {
	var at attempts
	err := a.attempts.W.FindOneAndUpdate(ctx, key,
		bson.D{{Key: "$inc", Value: bson.D{{Key: "failures", Value: int64(1)}}},
			{Key: "$set", Value: bson.D{{Key: "last_at", Value: now}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&at)
	if err != nil {
		return fmt.Errorf("store: login attempts: %w", err)
	}
	if at.Failures >= MaxFailures {
		_, err := a.attempts.W.UpdateOne(ctx, key, bson.D{{Key: "$set", Value: bson.D{{Key: "locked_until", Value: now.Add(LockFor)}}}})
		if err != nil {
			return fmt.Errorf("store: login attempts: %w", err)
		}
		return ErrLockedOut
	}
	return ErrBadCredentials
}

// Failures returns the current failed-login count of a username (tests and the admin page).
func (a *Authenticator) Failures(ctx context.Context, username string) (int64, error) {
	var at attempts
	err := a.attempts.R.FindOne(ctx, bson.D{{Key: "_id", Value: username}}).Decode(&at)
	if store.NoDocs(err) {
		return 0, nil
	}
	return at.Failures, err
}

// Unlock clears a username's failed-login counter (administrator action).
func (a *Authenticator) Unlock(ctx context.Context, username string) error {
	_, err := a.attempts.W.DeleteOne(ctx, bson.D{{Key: "_id", Value: username}})
	return err
}
