package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Ward types.
const (
	WardGeneral    = "general"
	WardICU        = "icu"
	WardMaternity  = "maternity"
	WardPaediatric = "paediatric"
	WardIsolation  = "isolation"
)

// Bed states.
const (
	BedAvailable = "available"
	BedReserved  = "reserved"
	BedOccupied  = "occupied"
	BedCleaning  = "cleaning"
	BedBlocked   = "blocked"
)

// Ward is a nursing unit with beds.
type Ward struct {
	Code         string `bson:"_id"` // "W3"
	Name         string `bson:"name"`
	Type         string `bson:"type"`
	Department   string `bson:"department"`
	Floor        string `bson:"floor"`
	Sex          string `bson:"sex,omitempty"` // "F", "M" or "" for mixed
	NurseStation string `bson:"nurse_station"`
	Stamp        `bson:",inline"`
}

// Bed is one bed. Its bed type is a price-list service code for the daily bed charge.
type Bed struct {
	ID           string   `bson:"_id"` // ward code + "-" + bed code: "W3-12"
	Ward         string   `bson:"ward_id"`
	Code         string   `bson:"code"`
	BedType      string   `bson:"bed_type"` // price list code, e.g. "BED-GEN"
	Features     []string `bson:"features,omitempty"`
	Status       string   `bson:"status"`
	StatusReason string   `bson:"status_reason,omitempty"`
	Stamp        `bson:",inline"`
}

// Wards lists wards by code.
func (c *Catalog) Wards(ctx context.Context) ([]Ward, error) {
	out, err := all[Ward](ctx, c.wards, "wards")
	slices.SortFunc(out, func(a, b Ward) int { return cmp.Compare(a.Code, b.Code) })
	return out, err
}

// Ward returns one ward.
func (c *Catalog) Ward(ctx context.Context, code string) (Ward, error) {
	return one[Ward](ctx, c.wards, code, "ward")
}

// AddWard stores a new ward.
func (c *Catalog) AddWard(ctx context.Context, w Ward) error { return insert(ctx, c.wards, w, "ward") }

// AddBed stores a new bed; the ward must exist.
func (c *Catalog) AddBed(ctx context.Context, b Bed) error {
	if _, err := c.Ward(ctx, b.Ward); err != nil {
		return fmt.Errorf("store: bed %s: ward %s: %w", b.Code, b.Ward, err)
	}
	b.ID = b.Ward + "-" + b.Code
	if b.Status == "" {
		b.Status = BedAvailable
	}
	return insert(ctx, c.beds, b, "bed")
}

// BedsOfWard lists the beds of one ward in bed-code order.
func (c *Catalog) BedsOfWard(ctx context.Context, ward string) ([]Bed, error) {
	cur, err := c.beds.R.Find(ctx, bson.D{{Key: "ward_id", Value: ward}}, options.Find().SetLimit(500))
	if err != nil {
		return nil, fmt.Errorf("store: beds of %s: %w", ward, err)
	}
	var out []Bed
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: beds of %s: %w", ward, err)
	}
	slices.SortFunc(out, func(a, b Bed) int { return cmp.Or(cmp.Compare(len(a.Code), len(b.Code)), cmp.Compare(a.Code, b.Code)) })
	return out, nil
}

// AllBeds lists every bed (the ward board census); hospitals have hundreds, not more.
func (c *Catalog) AllBeds(ctx context.Context) ([]Bed, error) { return all[Bed](ctx, c.beds, "beds") }
