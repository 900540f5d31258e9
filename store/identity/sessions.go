package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// Session is the server-side record of one sign-in. Its _id is the SHA-256 of the
// token in the cookie, so a database dump holds no usable session.
type Session struct {
	ID         string    `bson:"_id"`
	UserID     string    `bson:"user_id"`
	FullName   string    `bson:"full_name"`
	Roles      []string  `bson:"roles"`
	PatientID  string    `bson:"patient_id,omitempty"`
	CreatedAt  time.Time `bson:"created_at"`
	LastSeen   time.Time `bson:"last_seen"`
	ExpiresAt  time.Time `bson:"expires_at"` // absolute timeout
	RevokedAt  time.Time `bson:"revoked_at,omitempty"`
	RevokedBy  string    `bson:"revoked_by,omitempty"`
	IP         string    `bson:"ip"`
	UserAgent  string    `bson:"user_agent"`
	MustChange bool      `bson:"must_change_password"`
}

// Active reports whether the session may still be used at now with the given idle timeout.
func (s Session) Active(now time.Time, idle time.Duration) bool {
	return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt) && now.Sub(s.LastSeen) < idle
}

// Sessions reads and writes the sessions collection.
type Sessions struct{ c store.Coll }

// NewSessions returns the sessions repository.
func NewSessions(db *store.DB) *Sessions { return &Sessions{c: db.Coll(store.CollSessions)} }

// NewToken returns a fresh 256-bit session token for the cookie.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenID is the record id for a cookie token.
func TokenID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Create stores a new session for u and returns its cookie token.
func (s *Sessions) Create(ctx context.Context, u User, absolute time.Duration, ip, ua string) (string, Session, error) {
	token := NewToken()
	now := time.Now().UTC()
	sess := Session{ID: TokenID(token), UserID: u.Username, FullName: u.FullName, Roles: u.Roles,
		PatientID: u.PatientID, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(absolute),
		IP: ip, UserAgent: truncate(ua, 200), MustChange: u.MustChangePassword}
	if _, err := s.c.W.InsertOne(ctx, sess); err != nil {
		return "", Session{}, fmt.Errorf("store: create session: %w", err)
	}
	return token, sess, nil
}

// ByToken returns the session for a cookie token, or store.ErrNotFound.
func (s *Sessions) ByToken(ctx context.Context, token string) (Session, error) {
	var sess Session
	err := s.c.R.FindOne(ctx, bson.D{{Key: "_id", Value: TokenID(token)}}).Decode(&sess)
	if store.NoDocs(err) {
		return Session{}, store.ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	return sess, nil
}

// Touch records activity; callers write it at most once a minute per session.
func (s *Sessions) Touch(ctx context.Context, id string, at time.Time) error {
	_, err := s.c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "last_seen", Value: at.UTC()}}}})
	return err
}

// ClearMustChange marks that the user has chosen a new password in this session.
func (s *Sessions) ClearMustChange(ctx context.Context, id string) error {
	_, err := s.c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "must_change_password", Value: false}}}})
	return err
}

// Revoke ends one session.
func (s *Sessions) Revoke(ctx context.Context, id, by string) error {
	_, err := s.c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "revoked_at", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: time.Now().UTC()}, {Key: "revoked_by", Value: by}}}})
	return err
}

// RevokeUser ends every session of a user except keepID (password change, disable, role change).
func (s *Sessions) RevokeUser(ctx context.Context, userID, keepID, by string) (int64, error) {
	filter := bson.D{{Key: "user_id", Value: userID}, {Key: "expires_at", Value: bson.D{{Key: "$gt", Value: time.Now().UTC()}}},
		{Key: "revoked_at", Value: bson.D{{Key: "$exists", Value: false}}}}
	if keepID != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$ne", Value: keepID}}})
	}
	res, err := s.c.W.UpdateMany(ctx, filter,
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: time.Now().UTC()}, {Key: "revoked_by", Value: by}}}})
	if err != nil {
		return 0, fmt.Errorf("store: revoke sessions: %w", err)
	}
	return res.ModifiedCount, nil
}

// Active lists sessions that are neither revoked nor past their absolute or idle limit.
func (s *Sessions) Active(ctx context.Context, idle time.Duration) ([]Session, error) {
	now := time.Now().UTC()
	cur, err := s.c.R.Find(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$gt", Value: now}}}},
		options.Find().SetLimit(2000))
	if err != nil {
		return nil, fmt.Errorf("store: active sessions: %w", err)
	}
	var all []Session
	if err := cur.All(ctx, &all); err != nil {
		return nil, fmt.Errorf("store: active sessions: %w", err)
	}
	out := all[:0]
	for _, x := range all {
		if x.Active(now, idle) {
			out = append(out, x)
		}
	}
	return out, nil
}

// Purge deletes session records that expired more than keep ago.
func (s *Sessions) Purge(ctx context.Context, keep time.Duration) (int64, error) {
	res, err := s.c.W.DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: time.Now().UTC().Add(-keep)}}}})
	if err != nil {
		return 0, fmt.Errorf("store: purge sessions: %w", err)
	}
	return res.DeletedCount, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
