package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// Drug is a formulary entry. Drugs are priced per batch (pharmacy), not on the price list.
type Drug struct {
	Code         string   `bson:"_id"` // "PARA500T"
	Generic      string   `bson:"generic"`
	Brands       []string `bson:"brands,omitempty"`
	Form         string   `bson:"form"`     // tablet, capsule, syrup, injection …
	Strength     string   `bson:"strength"` // "500 mg"
	Route        string   `bson:"route"`    // oral, IV, IM, topical …
	ATC          string   `bson:"atc,omitempty"`
	Controlled   bool     `bson:"controlled"`
	PackSize     int      `bson:"pack_size"`
	Unit         string   `bson:"unit"` // dispensing unit: tablet, ml, vial
	ReorderLevel int      `bson:"reorder_level"`
	Stamp        `bson:",inline"`
}

// Drugs lists the formulary by generic name.
func (c *Catalog) Drugs(ctx context.Context) ([]Drug, error) {
	return c.drugList.get(ctx, func(ctx context.Context) ([]Drug, error) {
		out, err := all[Drug](ctx, c.drugs, "drugs")
		slices.SortFunc(out, func(a, b Drug) int {
			return cmp.Or(cmp.Compare(a.Generic, b.Generic), cmp.Compare(a.Strength, b.Strength))
		})
		return out, err
	})
}

// AddDrug stores a new formulary entry.
func (c *Catalog) AddDrug(ctx context.Context, d Drug) error {
	defer c.drugList.forget()
	return insert(ctx, c.drugs, d, "drug")
}

// Drug returns one formulary entry from the cached list, or store.ErrNotFound.
func (c *Catalog) Drug(ctx context.Context, code string) (Drug, error) {
	list, err := c.Drugs(ctx)
	if err != nil {
		return Drug{}, err
	}
	if i := slices.IndexFunc(list, func(d Drug) bool { return d.Code == code }); i >= 0 {
		return list[i], nil
	}
	return Drug{}, fmt.Errorf("%w: drug %s", store.ErrNotFound, code)
}

// UpdateDrug changes a formulary entry's editable fields (everything but its code and
// creation stamp); a missing drug gives store.ErrNotFound.
func (c *Catalog) UpdateDrug(ctx context.Context, d Drug, who string) error {
	defer c.drugList.forget()
	now := time.Now().UTC()
	res, err := c.drugs.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.Code}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "generic", Value: d.Generic}, {Key: "brands", Value: d.Brands}, {Key: "form", Value: d.Form},
		{Key: "strength", Value: d.Strength}, {Key: "route", Value: d.Route}, {Key: "atc", Value: d.ATC},
		{Key: "controlled", Value: d.Controlled}, {Key: "pack_size", Value: d.PackSize}, {Key: "unit", Value: d.Unit},
		{Key: "reorder_level", Value: d.ReorderLevel}, {Key: "updated_at", Value: now}, {Key: "updated_by", Value: who}}}})
	if err != nil {
		return fmt.Errorf("store: update drug %s: %w", d.Code, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: drug %s", store.ErrNotFound, d.Code)
	}
	return nil
}
