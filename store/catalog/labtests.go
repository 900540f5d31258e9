package catalog

import (
	"cmp"
	"context"
	"slices"
)

// RefRange is a reference range for one sex ("" = any) and age band in years [AgeFrom, AgeTo).
type RefRange struct {
	Sex     string  `bson:"sex,omitempty"`
	AgeFrom int     `bson:"age_from"`
	AgeTo   int     `bson:"age_to"`
	Low     float64 `bson:"low"`
	High    float64 `bson:"high"`
}

// LabTest is a test or a panel of the lab catalogue; its price comes from ServiceCode.
type LabTest struct {
	Code         string     `bson:"_id"` // "GLU-F"
	LOINC        string     `bson:"loinc,omitempty"`
	Name         string     `bson:"name"`
	Specimen     string     `bson:"specimen"`  // blood, serum, urine …
	Container    string     `bson:"container"` // "EDTA (lavender)"
	Unit         string     `bson:"unit,omitempty"`
	ServiceCode  string     `bson:"service_code,omitempty"` // panels and orderable tests
	TATHours     int        `bson:"tat_hours"`
	Ranges       []RefRange `bson:"ranges,omitempty"`
	CriticalLow  *float64   `bson:"critical_low,omitempty"`
	CriticalHigh *float64   `bson:"critical_high,omitempty"`
	Components   []string   `bson:"components,omitempty"` // a panel's member test codes
	Stamp        `bson:",inline"`
}

// IsPanel reports whether the test groups other tests.
func (t LabTest) IsPanel() bool { return len(t.Components) > 0 }

// LabTests lists the catalogue by name.
func (c *Catalog) LabTests(ctx context.Context) ([]LabTest, error) {
	return c.labList.get(ctx, func(ctx context.Context) ([]LabTest, error) {
		out, err := all[LabTest](ctx, c.labTests, "lab tests")
		slices.SortFunc(out, func(a, b LabTest) int { return cmp.Compare(a.Name, b.Name) })
		return out, err
	})
}

// AddLabTest stores a new test or panel.
func (c *Catalog) AddLabTest(ctx context.Context, t LabTest) error {
	defer c.labList.forget()
	return insert(ctx, c.labTests, t, "lab test")
}
