package seed

import (
	"context"

	"hms/store/catalog"
)

// demoDepartments are the departments of the demo hospital.
var demoDepartments = []catalog.Department{
	{Code: "MED", Name: "General Medicine", Clinical: true},
	{Code: "SURG", Name: "General Surgery", Clinical: true},
	{Code: "PAED", Name: "Paediatrics", Clinical: true},
	{Code: "OBG", Name: "Obstetrics & Gynaecology", Clinical: true},
	{Code: "ORTHO", Name: "Orthopaedics", Clinical: true},
	{Code: "CARD", Name: "Cardiology", Clinical: true},
	{Code: "ER", Name: "Emergency", Clinical: true},
	{Code: "RAD", Name: "Radiology", Clinical: true},
	{Code: "LAB", Name: "Laboratory", Clinical: false},
	{Code: "PHARM", Name: "Pharmacy", Clinical: false},
	{Code: "ACCT", Name: "Billing & Accounts", Clinical: false},
	{Code: "ADMIN", Name: "Administration", Clinical: false},
}

func departments(ctx context.Context, cat *catalog.Catalog) (int, error) {
	for _, d := range demoDepartments {
		d.Stamp = catalog.NewStamp(by)
		if err := put("department", d.Code, cat.AddDepartment(ctx, d)); err != nil {
			return 0, err
		}
	}
	return len(demoDepartments), nil
}
