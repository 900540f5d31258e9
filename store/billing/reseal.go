package billing

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/guard"
	"hms/store/secret"
)

// memberFields names where a collection keeps its copy of the member number.
type memberFields struct{ coll, sealed, last4, clear string }

var memberCopies = []memberFields{
	{store.CollInvoices, "policy.member_sealed", "policy.member_last4", "policy.member_number"},
	{store.CollClaims, "member_sealed", "member_last4", "member"},
}

// ResealMembers moves the member numbers copied onto invoices and claims to box's current
// key, and seals the clear copies made before member numbers were sealed, so that after a
// key rotation the old key can go and a dump shows no member number. It reads in batches
// by _id (resumable) and each write holds only if the copy is still the one read. It
// returns how many copies it moved.
func (d *Desk) ResealMembers(ctx context.Context, box *secret.Box, batch int) (int, error) {
	moved := 0
	for _, f := range memberCopies {
		n, err := resealIn(ctx, d.db, box, f, batch)
		moved += n
		if err != nil {
			return moved, fmt.Errorf("store: reseal member numbers in %s: %w", f.coll, err)
		}
	}
	return moved, nil
}

func resealIn(ctx context.Context, db *store.DB, box *secret.Box, f memberFields, batch int) (int, error) {
	moved, after := 0, ""
	for {
		cur, err := db.R.Collection(f.coll).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
			options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(batch)).
				SetProjection(bson.D{{Key: f.sealed, Value: 1}, {Key: f.clear, Value: 1}}))
		if err != nil {
			return moved, err
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			return moved, err
		}
		if len(docs) == 0 {
			return moved, nil
		}
		for _, d := range docs {
			after = d.Lookup("_id").StringValue()
			sealed, clear := lookupString(d, f.sealed), lookupString(d, f.clear)
			if clear == "" && box.Current(sealed) {
				continue
			}
			cond := guard.Eq(f.sealed, sealed)
			if sealed == "" {
				cond = guard.Eq(f.clear, clear)
			} else if clear, err = box.Open(sealed); err != nil {
				return moved, fmt.Errorf("%s: %w", after, err)
			}
			last := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(clear))
			if len(last) > 4 {
				last = last[len(last)-4:]
			}
			ok, err := guard.Update(ctx, db, f.coll, after, []guard.Cond{cond}, bson.D{
				{Key: "$set", Value: bson.D{{Key: f.sealed, Value: box.Seal(clear)}, {Key: f.last4, Value: last}}},
				{Key: "$unset", Value: bson.D{{Key: f.clear, Value: ""}}}}, nil)
			if err != nil {
				return moved, err
			}
			if ok {
				moved++
			}
		}
	}
}

// lookupString is the string at a dotted path of d, or "".
func lookupString(d bson.Raw, path string) string {
	v, err := d.LookupErr(strings.Split(path, ".")...)
	if err != nil {
		return ""
	}
	s, _ := v.StringValueOK()
	return s
}
