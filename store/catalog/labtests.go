package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
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
	Codes        []string   `bson:"codes,omitempty"`      // a coded result's allowed answers ("Nil", "Trace", "1+")
	Version      int64      `bson:"version"`
	Stamp        `bson:",inline"`
}

// Result kinds of a test: a number (with a unit or a range), one of a list of codes, or free text.
const (
	ResultNumeric = "numeric"
	ResultCoded   = "coded"
	ResultText    = "text"
)

// ResultKind says how the test's result is written.
func (t LabTest) ResultKind() string {
	switch {
	case len(t.Codes) > 0:
		return ResultCoded
	case t.Unit != "" || len(t.Ranges) > 0 || t.CriticalLow != nil || t.CriticalHigh != nil:
		return ResultNumeric
	}
	return ResultText
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

// LabTest returns one test or panel by code (from the cached list).
func (c *Catalog) LabTest(ctx context.Context, code string) (LabTest, error) {
	list, err := c.LabTests(ctx)
	if err != nil {
		return LabTest{}, err
	}
	if i := slices.IndexFunc(list, func(t LabTest) bool { return t.Code == code }); i >= 0 {
		return list[i], nil
	}
	return LabTest{}, fmt.Errorf("%w: lab test %q", store.ErrNotFound, code)
}

// UpdateLabTest replaces the editable fields of a test (name, specimen, unit, TAT, ranges,
// critical limits, codes, panel members) if nobody changed it since version was read.
func (c *Catalog) UpdateLabTest(ctx context.Context, t LabTest, version int64, who string) (LabTest, error) {
	defer c.labList.forget()
	for _, r := range t.Ranges {
		if r.AgeFrom < 0 || r.AgeTo <= r.AgeFrom || r.Low > r.High || (r.Sex != "" && r.Sex != "M" && r.Sex != "F") {
			return t, fmt.Errorf("%w: reference range %s %d–%d y %v–%v", store.ErrInvalid, r.Sex, r.AgeFrom, r.AgeTo, r.Low, r.High)
		}
	}
	if t.CriticalLow != nil && t.CriticalHigh != nil && *t.CriticalLow >= *t.CriticalHigh {
		return t, fmt.Errorf("%w: the critical low limit must be below the high one", store.ErrInvalid)
	}
	now := time.Now().UTC()
	set := bson.D{{Key: "name", Value: t.Name}, {Key: "loinc", Value: t.LOINC}, {Key: "specimen", Value: t.Specimen},
		{Key: "container", Value: t.Container}, {Key: "unit", Value: t.Unit}, {Key: "tat_hours", Value: t.TATHours},
		{Key: "ranges", Value: t.Ranges}, {Key: "critical_low", Value: t.CriticalLow}, {Key: "critical_high", Value: t.CriticalHigh},
		{Key: "codes", Value: t.Codes}, {Key: "components", Value: t.Components}, {Key: "version", Value: version + 1},
		{Key: "updated_at", Value: now}, {Key: "updated_by", Value: who}}
	var out LabTest
	ok, err := guard.Update(ctx, c.db, store.CollLabTests, t.Code, []guard.Cond{versionCond(version)},
		bson.D{{Key: "$set", Value: set}}, &out)
	if err != nil {
		return t, err
	}
	if !ok {
		return t, fmt.Errorf("%w: lab test %s was changed by someone else; reload it", store.ErrConflict, t.Code)
	}
	return out, nil
}

// versionCond matches a document at version v; documents stored before versions existed are at 0.
func versionCond(v int64) guard.Cond {
	if v == 0 {
		return guard.Below("version", 1)
	}
	return guard.Eq("version", v)
}

// AddLabTest stores a new test or panel.
func (c *Catalog) AddLabTest(ctx context.Context, t LabTest) error {
	defer c.labList.forget()
	return insert(ctx, c.labTests, t, "lab test")
}
