package pharmacy

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// errNoChange tells change that fn left the document as it was.
var errNoChange = errors.New("no change")

// change is an optimistic read-modify-write of the small document id of coll: it reads
// the document (or starts from fresh() when there is none), lets fn edit it, and writes
// it back only if its version is still the one read; on a conflict it reads again. fn
// returns errNoChange to leave the document alone. It returns the document as written.
func change[T any](ctx context.Context, db *store.DB, coll, id string, fresh func() T, fn func(*T) error) (T, error) {
	c := db.Coll(coll)
	for attempt := 0; attempt < 200; attempt++ {
		var doc T
		var version int64
		raw, err := c.W.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
		switch {
		case store.NoDocs(err):
			doc = fresh()
		case err != nil:
			return doc, fmt.Errorf("store: %s %s: %w", coll, id, err)
		default:
			if err := bson.Unmarshal(raw, &doc); err != nil {
				return doc, fmt.Errorf("store: %s %s: %w", coll, id, err)
			}
			v, _ := raw.Lookup("version").AsInt64OK()
			version = v
		}
		if err := fn(&doc); err != nil {
			if errors.Is(err, errNoChange) {
				return doc, nil
			}
			return doc, err
		}
		set, err := fields(doc)
		if err != nil {
			return doc, err
		}
		set = append(set, bson.E{Key: "version", Value: version + 1})
		if version == 0 {
			full := append(bson.D{{Key: "_id", Value: id}}, set...)
			_, err := c.W.InsertOne(ctx, full)
			if err == nil {
				return doc, nil
			}
			if !store.IsDuplicate(err) {
				return doc, fmt.Errorf("store: %s %s: %w", coll, id, err)
			}
			continue
		}
		ok, err := guard.Update(ctx, db, coll, id, []guard.Cond{guard.Eq("version", version)},
			bson.D{{Key: "$set", Value: set}}, nil)
		if err != nil {
			return doc, fmt.Errorf("store: %s %s: %w", coll, id, err)
		}
		if ok {
			return doc, nil
		}
		if err := ctx.Err(); err != nil {
			return doc, err
		}
	}
	return *new(T), fmt.Errorf("%w: %s %s: too many concurrent changes", store.ErrConflict, coll, id)
}

// fields is doc marshalled, without its _id and version (change sets those).
func fields(doc any) (bson.D, error) {
	b, err := bson.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("store: marshal: %w", err)
	}
	var d bson.D
	if err := bson.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("store: marshal: %w", err)
	}
	out := d[:0]
	for _, e := range d {
		if e.Key != "_id" && e.Key != "version" {
			out = append(out, e)
		}
	}
	return out, nil
}
