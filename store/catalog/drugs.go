package catalog

import (
	"cmp"
	"context"
	"slices"
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
