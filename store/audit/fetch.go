package audit

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// fetch reads the events with the given sequence numbers in one query of explicit _ids
// (index-backed on MongoDB); missing ones are absent from the map. The embedded engine
// answers the same query with a scan of the whole collection, so walks there stream
// instead (see each).
func (l *Log) fetch(ctx context.Context, seqs []int64) (map[int64]Event, error) {
	out := make(map[int64]Event, len(seqs))
	if len(seqs) == 0 {
		return out, nil
	}
	ids := make([]string, len(seqs))
	for i, s := range seqs {
		ids[i] = key(s)
	}
	cur, err := l.chain.R.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, fmt.Errorf("audit: read events: %w", err)
	}
	var docs []eventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("audit: read events: %w", err)
	}
	for _, d := range docs {
		e, err := d.event()
		if err != nil {
			return nil, err
		}
		out[e.Seq] = e
	}
	return out, nil
}

// span returns the sequence numbers from..to, ascending.
func span(from, to int64) []int64 {
	out := make([]int64, 0, max(0, to-from+1))
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}
