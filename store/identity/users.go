// Package identity stores users, their login sessions and failed-login counters.
package identity

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// User is a person who signs in. _id is the username: lower-case ASCII, so the
// key itself keeps usernames unique and look-alikes (ａｄｍｉｎ, Cyrillic а) are refused.
type User struct {
	Username           string    `bson:"_id"`
	FullName           string    `bson:"full_name"`
	Roles              []string  `bson:"roles"`
	Department         string    `bson:"department,omitempty"`
	PatientID          string    `bson:"patient_id,omitempty"` // portal accounts only
	PasswordHash       string    `bson:"password_hash"`
	MustChangePassword bool      `bson:"must_change_password"`
	Disabled           bool      `bson:"disabled"`
	PasswordChangedAt  time.Time `bson:"password_changed_at"`
	CreatedAt          time.Time `bson:"created_at"`
	CreatedBy          string    `bson:"created_by"`
	UpdatedAt          time.Time `bson:"updated_at"`
	UpdatedBy          string    `bson:"updated_by"`
}

// HasRole reports whether u holds role.
func (u User) HasRole(role string) bool {
	for _, r := range u.Roles {
		if r == role {
			return true
		}
	}
	return false
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9._-]{2,31}$`)

// NormalizeUsername lower-cases and trims; ValidUsername then says whether it is allowed.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidUsername: 3–32 characters, ASCII letters, digits, dot, dash, underscore; starts with a letter.
func ValidUsername(s string) bool { return usernameRE.MatchString(s) }

// Users reads and writes the users collection.
type Users struct{ c store.Coll }

// NewUsers returns the users repository.
func NewUsers(db *store.DB) *Users { return &Users{c: db.Coll(store.CollUsers)} }

// ByUsername returns one user or store.ErrNotFound.
func (s *Users) ByUsername(ctx context.Context, username string) (User, error) {
	var u User
	err := s.c.R.FindOne(ctx, bson.D{{Key: "_id", Value: username}}).Decode(&u)
	if store.NoDocs(err) {
		return User{}, store.ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user %q: %w", username, err)
	}
	return u, nil
}

// List returns all users by username (staff counts are in the hundreds).
func (s *Users) List(ctx context.Context) ([]User, error) {
	cur, err := s.c.R.Find(ctx, bson.D{}, options.Find().SetLimit(5000))
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	var out []User
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Username, b.Username) })
	return out, nil
}

// NewUser is what an administrator enters to create an account.
type NewUser struct {
	Username, FullName, Department, PatientID, Password string
	Roles                                               []string
	MustChangePassword                                  bool
}

// Create stores a new user with a hashed password; an existing username gives store.ErrDuplicate.
func (s *Users) Create(ctx context.Context, n NewUser, by string) (User, error) {
	if !ValidUsername(n.Username) {
		return User{}, fmt.Errorf("%w: username", store.ErrInvalid)
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return User{}, err
	}
	now := time.Now().UTC()
	u := User{Username: n.Username, FullName: n.FullName, Roles: n.Roles, Department: n.Department,
		PatientID: n.PatientID, PasswordHash: hash, MustChangePassword: n.MustChangePassword,
		PasswordChangedAt: now, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	_, err = s.c.W.InsertOne(ctx, u)
	if store.IsDuplicate(err) {
		return User{}, store.ErrDuplicate
	}
	if err != nil {
		return User{}, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// SetPassword replaces a password. mustChange is true when an administrator resets it.
func (s *Users) SetPassword(ctx context.Context, username, pw string, mustChange bool, by string) error {
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	return s.update(ctx, username, bson.D{{Key: "password_hash", Value: hash},
		{Key: "must_change_password", Value: mustChange}, {Key: "password_changed_at", Value: now},
		{Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}})
}

// SetDisabled disables or re-enables an account.
func (s *Users) SetDisabled(ctx context.Context, username string, disabled bool, by string) error {
	return s.update(ctx, username, bson.D{{Key: "disabled", Value: disabled},
		{Key: "updated_at", Value: time.Now().UTC()}, {Key: "updated_by", Value: by}})
}

// SetRoles replaces a user's roles.
func (s *Users) SetRoles(ctx context.Context, username string, roles []string, by string) error {
	return s.update(ctx, username, bson.D{{Key: "roles", Value: roles},
		{Key: "updated_at", Value: time.Now().UTC()}, {Key: "updated_by", Value: by}})
}

func (s *Users) update(ctx context.Context, username string, set bson.D) error {
	res, err := s.c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: username}}, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return fmt.Errorf("store: update user %q: %w", username, err)
	}
	if res.MatchedCount == 0 {
		return store.ErrNotFound
	}
	return nil
}

// Count returns how many users exist; the demo seed runs only on an empty database.
func (s *Users) Count(ctx context.Context) (int64, error) {
	return s.c.R.EstimatedDocumentCount(ctx)
}
