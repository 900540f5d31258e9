package ipd

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// The small lists of the wards, each one document read by _id:
//   - "active": ids of the admissions not yet discharged (bed-day sweep, repair);
//   - "census:<ward>:<date>": admissions and discharges of a ward on a day;
//   - "rev:<ward>": a number that moves on every change a ward board shows, so an
//     unchanged board is answered from one read.
const activeList = "active"

func censusID(ward, date string) string { return "census:" + ward + ":" + date }
func revID(ward string) string          { return "rev:" + ward }

type idList struct {
	IDs []string `bson:"ids"`
}

// bump moves a ward board's revision on. A failure only delays the board's refresh by
// its time bucket, so it is logged rather than failing the change already made.
func (s *Store) bump(ctx context.Context, wards ...string) {
	for _, w := range wards {
		if w == "" {
			continue
		}
		if err := upsert(ctx, s.ilists, revID(w), bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}}); err != nil {
			s.log.Warn("ward board revision", "ward", w, "err", err)
		}
	}
}

// Rev is a ward board's revision.
func (s *Store) Rev(ctx context.Context, ward string) (int64, error) {
	var d struct {
		N int64 `bson:"n"`
	}
	err := s.ilists.R.FindOne(ctx, bson.D{{Key: "_id", Value: revID(ward)}}).Decode(&d)
	if err != nil && !noDocs(err) {
		return 0, fmt.Errorf("store: ward revision %s: %w", ward, err)
	}
	return d.N, nil
}

func (s *Store) addTo(ctx context.Context, id, field, value string) error {
	return upsert(ctx, s.ilists, id, bson.D{{Key: "$addToSet", Value: bson.D{{Key: field, Value: value}}}})
}

func (s *Store) pullFrom(ctx context.Context, id, field, value string) error {
	_, err := s.ilists.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$pull", Value: bson.D{{Key: field, Value: value}}}})
	if err != nil {
		return fmt.Errorf("store: list %s: %w", id, err)
	}
	return nil
}

// ActiveIDs lists the admissions not yet discharged.
func (s *Store) ActiveIDs(ctx context.Context) ([]string, error) {
	var d idList
	err := s.ilists.R.FindOne(ctx, bson.D{{Key: "_id", Value: activeList}}).Decode(&d)
	if err != nil && !noDocs(err) {
		return nil, fmt.Errorf("store: active admissions: %w", err)
	}
	return d.IDs, nil
}

// Census is a ward's admissions and discharges on one day.
type Census struct {
	Admitted   []string `bson:"admitted"`
	Discharged []string `bson:"discharged"`
}

// CensusOf returns a ward's census of a date.
func (s *Store) CensusOf(ctx context.Context, ward, date string) (Census, error) {
	var c Census
	err := s.ilists.R.FindOne(ctx, bson.D{{Key: "_id", Value: censusID(ward, date)}}).Decode(&c)
	if err != nil && !noDocs(err) {
		return c, fmt.Errorf("store: census %s %s: %w", ward, date, err)
	}
	return c, nil
}
