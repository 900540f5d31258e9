package seed

import (
	"context"

	"hms/store/catalog"
)

// demoPayers are insurers, government schemes and a corporate the demo hospital bills.
var demoPayers = []catalog.Payer{
	{Code: "STAR", Name: "Star Health and Allied Insurance", Kind: "insurer", Plans: []catalog.Plan{
		{Code: "FHO", Name: "Family Health Optima", CoveragePct: 100, CopayPct: 0},
		{Code: "SRC", Name: "Senior Citizens Red Carpet", CoveragePct: 100, CopayPct: 30}}},
	{Code: "HDFCE", Name: "HDFC ERGO General Insurance", Kind: "insurer", Plans: []catalog.Plan{
		{Code: "OPT", Name: "Optima Secure", CoveragePct: 100, CopayPct: 0},
		{Code: "MYH", Name: "my:health Suraksha", CoveragePct: 100, CopayPct: 10}}},
	{Code: "ICICIL", Name: "ICICI Lombard General Insurance", Kind: "insurer", Plans: []catalog.Plan{
		{Code: "CHI", Name: "Complete Health Insurance", CoveragePct: 100, CopayPct: 0}}},
	{Code: "NIACL", Name: "The New India Assurance", Kind: "insurer", Plans: []catalog.Plan{
		{Code: "MED", Name: "New India Mediclaim", CoveragePct: 90, CopayPct: 10}}},
	{Code: "PMJAY", Name: "Ayushman Bharat PM-JAY", Kind: "government", Plans: []catalog.Plan{
		{Code: "HBP", Name: "Health Benefit Package", CoveragePct: 100, CopayPct: 0}}},
	{Code: "CGHS", Name: "Central Government Health Scheme", Kind: "government", Plans: []catalog.Plan{
		{Code: "SER", Name: "Serving employees", CoveragePct: 100, CopayPct: 0},
		{Code: "PEN", Name: "Pensioners", CoveragePct: 100, CopayPct: 0}}},
	{Code: "ECHS", Name: "Ex-Servicemen Contributory Health Scheme", Kind: "government", Plans: []catalog.Plan{
		{Code: "STD", Name: "ECHS", CoveragePct: 100, CopayPct: 0}}},
	{Code: "INFY", Name: "Infosys employees (corporate)", Kind: "corporate", Plans: []catalog.Plan{
		{Code: "GMC", Name: "Group mediclaim", CoveragePct: 80, CopayPct: 20}}},
}

func payers(ctx context.Context, cat *catalog.Catalog) (int, error) {
	for _, p := range demoPayers {
		p.Active, p.Stamp = true, catalog.NewStamp(by)
		if err := put("payer", p.Code, cat.AddPayer(ctx, p)); err != nil {
			return 0, err
		}
	}
	return len(demoPayers), nil
}
