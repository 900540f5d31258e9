package catalog

import (
	"cmp"
	"context"
	"slices"
)

// Plan is one insurance plan of a payer: how much of a bill it covers.
type Plan struct {
	Code        string `bson:"code"`
	Name        string `bson:"name"`
	CoveragePct int    `bson:"coverage_pct"` // share of covered charges the payer pays
	CopayPct    int    `bson:"copay_pct"`    // share the patient pays on covered charges
}

// Payer is an insurer, TPA, government scheme or corporate that pays for care.
type Payer struct {
	Code   string `bson:"_id"`
	Name   string `bson:"name"`
	Kind   string `bson:"kind"` // insurer, government, corporate
	Plans  []Plan `bson:"plans"`
	Active bool   `bson:"active"`
	Stamp  `bson:",inline"`
}

// Plan returns the payer's plan with code, and whether it exists.
func (p Payer) Plan(code string) (Plan, bool) {
	i := slices.IndexFunc(p.Plans, func(pl Plan) bool { return pl.Code == code })
	if i < 0 {
		return Plan{}, false
	}
	return p.Plans[i], true
}

// Payers lists the payer list by name.
func (c *Catalog) Payers(ctx context.Context) ([]Payer, error) {
	out, err := all[Payer](ctx, c.payers, "payers")
	slices.SortFunc(out, func(a, b Payer) int { return cmp.Compare(a.Name, b.Name) })
	return out, err
}

// Payer returns one payer by code.
func (c *Catalog) Payer(ctx context.Context, code string) (Payer, error) {
	return one[Payer](ctx, c.payers, code, "payer")
}

// AddPayer stores a new payer.
func (c *Catalog) AddPayer(ctx context.Context, p Payer) error {
	return insert(ctx, c.payers, p, "payer")
}
