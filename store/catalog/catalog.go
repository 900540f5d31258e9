// Package catalog holds the hospital's slowly-changing reference data: departments,
// wards and beds, the price list, the drug formulary and the lab test catalogue.
package catalog

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// Stamp records who created and last changed a document, and when.
type Stamp struct {
	CreatedAt time.Time `bson:"created_at"`
	CreatedBy string    `bson:"created_by"`
	UpdatedAt time.Time `bson:"updated_at"`
	UpdatedBy string    `bson:"updated_by"`
}

// NewStamp returns a Stamp for a document created now by who.
func NewStamp(who string) Stamp {
	now := time.Now().UTC()
	return Stamp{CreatedAt: now, CreatedBy: who, UpdatedAt: now, UpdatedBy: who}
}

// Catalog gives access to every reference collection.
type Catalog struct {
	db                                                        *store.DB // guarded catalogue edits
	departments, wards, beds, prices, drugs, labTests, payers store.Coll
	drugList                                                  listCache[Drug]
	labList                                                   listCache[LabTest]
}

// New returns the catalogue over db.
func New(db *store.DB) *Catalog {
	return &Catalog{db: db,
		departments: db.Coll(store.CollDepartments), wards: db.Coll(store.CollWards),
		beds: db.Coll(store.CollBeds), prices: db.Coll(store.CollPrices),
		drugs: db.Coll(store.CollDrugs), labTests: db.Coll(store.CollLabTests),
		payers: db.Coll(store.CollPayers),
	}
}

// all reads a small reference collection in full (catalogues hold hundreds of documents, not more).
func all[T any](ctx context.Context, c store.Coll, what string) ([]T, error) {
	cur, err := c.R.Find(ctx, bson.D{}, options.Find().SetLimit(10000))
	if err != nil {
		return nil, fmt.Errorf("store: list %s: %w", what, err)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: list %s: %w", what, err)
	}
	return out, nil
}

// one reads one document by _id.
func one[T any](ctx context.Context, c store.Coll, id, what string) (T, error) {
	var v T
	err := c.R.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&v)
	if store.NoDocs(err) {
		return v, store.ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("store: %s %q: %w", what, id, err)
	}
	return v, nil
}

// insert stores a new document; an existing _id gives store.ErrDuplicate.
func insert(ctx context.Context, c store.Coll, doc any, what string) error {
	_, err := c.W.InsertOne(ctx, doc)
	if store.IsDuplicate(err) {
		return store.ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: insert %s: %w", what, err)
	}
	return nil
}
