package catalog

import (
	"cmp"
	"context"
	"slices"
)

// Department is a clinical or support department, keyed by a short code ("MED", "PAED").
type Department struct {
	Code     string `bson:"_id"`
	Name     string `bson:"name"`
	Clinical bool   `bson:"clinical"` // sees patients (has an OPD or wards)
	Stamp    `bson:",inline"`
}

// Departments lists departments by name.
func (c *Catalog) Departments(ctx context.Context) ([]Department, error) {
	out, err := all[Department](ctx, c.departments, "departments")
	slices.SortFunc(out, func(a, b Department) int { return cmp.Compare(a.Name, b.Name) })
	return out, err
}

// AddDepartment stores a new department.
func (c *Catalog) AddDepartment(ctx context.Context, d Department) error {
	return insert(ctx, c.departments, d, "department")
}
