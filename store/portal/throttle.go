package portal

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/identity"
)

// Activation throttling follows sign-in (store/identity): identity.MaxFailures wrong
// attempts within identity.LockFor lock the key for LockFor. Keys are the MRN typed (a
// guessed code for one patient) and the address (codes sprayed over many MRNs).

type attempt struct {
	Failures    int64 `bson:"failures"`
	LastAt      int64 `bson:"last_at"` // unix seconds
	LockedUntil int64 `bson:"locked_until"`
}

func (s *Store) locked(ctx context.Context, keys []string) (bool, error) {
	now := s.o.Now().Unix()
	for _, k := range keys {
		var at attempt
		err := s.attempts.R.FindOne(ctx, bson.D{{Key: "_id", Value: k}}).Decode(&at)
		if store.NoDocs(err) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("store: portal attempts: %w", err)
		}
		if now < at.LockedUntil {
			return true, nil
		}
		if at.Failures > 0 && (now-at.LastAt > int64(identity.LockFor.Seconds()) || at.LockedUntil != 0) {
			// an old streak, or a lock that has run out: start afresh
			if _, err := s.attempts.W.DeleteOne(ctx, bson.D{{Key: "_id", Value: k}}); err != nil {
				return false, fmt.Errorf("store: portal attempts: %w", err)
			}
		}
	}
	return false, nil
}

// fail counts one failure on every key with an atomic $inc and locks a key at the threshold.
func (s *Store) fail(ctx context.Context, keys []string) error {
	now := s.o.Now().Unix()
	for _, k := range keys {
		var at attempt
		err := s.attempts.W.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: k}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "failures", Value: int64(1)}}},
				{Key: "$set", Value: bson.D{{Key: "last_at", Value: now}}}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&at)
		if err != nil {
			return fmt.Errorf("store: portal attempts: %w", err)
		}
		if at.Failures >= identity.MaxFailures {
			_, err := s.attempts.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: k}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "locked_until", Value: now + int64(identity.LockFor.Seconds())}}}})
			if err != nil {
				return fmt.Errorf("store: portal attempts: %w", err)
			}
		}
	}
	return nil
}
