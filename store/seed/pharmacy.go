package seed

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"hms/store"
	"hms/store/catalog"
	"hms/store/pharmacy"
)

// demoInteractions are well-known interaction pairs of the demo formulary's generics.
var demoInteractions = []catalog.Interaction{
	{A: "Warfarin", B: "Aspirin", Severity: catalog.SeverityMajor, Note: "Bleeding risk rises sharply; avoid unless intended, then monitor INR closely."},
	{A: "Warfarin", B: "Ibuprofen", Severity: catalog.SeverityMajor, Note: "NSAIDs add gastrointestinal bleeding risk and may raise the INR; prefer paracetamol."},
	{A: "Warfarin", B: "Metronidazole", Severity: catalog.SeverityMajor, Note: "Metronidazole inhibits warfarin metabolism: INR rises; reduce the dose or avoid."},
	{A: "Warfarin", B: "Ciprofloxacin", Severity: catalog.SeverityModerate, Note: "INR may rise; check it within a few days."},
	{A: "Sildenafil", B: "Glyceryl trinitrate (nitroglycerin)", Severity: catalog.SeverityMajor, Note: "Profound hypotension: contraindicated together."},
	{A: "Sildenafil", B: "Isosorbide dinitrate", Severity: catalog.SeverityMajor, Note: "Profound hypotension: contraindicated together."},
	{A: "Aspirin", B: "Clopidogrel", Severity: catalog.SeverityModerate, Note: "Additive bleeding risk; intended after ACS or stenting, otherwise review."},
	{A: "Enalapril", B: "Losartan", Severity: catalog.SeverityModerate, Note: "Dual RAS blockade: hyperkalaemia and renal impairment; avoid."},
	{A: "Tramadol", B: "Ondansetron", Severity: catalog.SeverityModerate, Note: "Serotonin syndrome risk; tramadol's analgesia may be reduced."},
	{A: "Morphine sulfate", B: "Diazepam", Severity: catalog.SeverityMajor, Note: "Opioid with benzodiazepine: respiratory depression; lowest doses, monitor."},
	{A: "Ibuprofen", B: "Aspirin", Severity: catalog.SeverityMinor, Note: "Ibuprofen may blunt aspirin's antiplatelet effect; give aspirin first."},
}

// unitPrice is a plausible selling price per dispensing unit, by form (paise), varied per drug.
func unitPrice(d catalog.Drug) int64 {
	base := map[string]int64{"tablet": 300, "capsule": 500, "dispersible tablet": 200, "syrup": 4500, "injection": 3500,
		"infusion": 6000, "powder": 2000, "metered-dose inhaler": 18000, "nebuliser solution": 1500, "nebuliser suspension": 2500}[d.Form]
	if base == 0 {
		base = 1000
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(d.Code))
	return base * int64(50+h.Sum32()%150) / 100
}

// pharmacyStock loads opening stock for every formulary drug — two batches each, first
// expiring sooner — and, to show the alerts, one batch near expiry (Paracetamol 500),
// one expired (Amoxicillin 500) and one drug below its reorder level (Warfarin 5).
// It also loads the interaction pairs.
func pharmacyStock(ctx context.Context, db *store.DB, cat *catalog.Catalog) (int, error) {
	for _, in := range demoInteractions {
		if err := cat.SaveInteraction(ctx, in, by); err != nil {
			return 0, fmt.Errorf("seed: interaction %s–%s: %w", in.A, in.B, err)
		}
	}
	ph := pharmacy.New(db, cat, pharmacy.Options{})
	drugs, err := cat.Drugs(ctx)
	if err != nil {
		return 0, err
	}
	today := time.Now()
	date := func(days int) string { return today.AddDate(0, 0, days).Format(pharmacy.DateLayout) }
	var lines []pharmacy.GRNLine
	for i, d := range drugs {
		price := unitPrice(d)
		qty := int64(max(d.ReorderLevel, 10)) * 2
		first := pharmacy.GRNLine{DrugCode: d.Code, BatchNo: d.Code + "-A1", Expiry: date(120 + i%5*30),
			Qty: qty / 2, Cost: price * 7 / 10, Price: price}
		second := pharmacy.GRNLine{DrugCode: d.Code, BatchNo: d.Code + "-B1", Expiry: date(400 + i%7*30),
			Qty: qty, Cost: price * 7 / 10, Price: price}
		if len(d.Brands) > 0 {
			first.Brand, second.Brand = d.Brands[0], d.Brands[len(d.Brands)-1]
		}
		switch d.Code {
		case "PARA500T":
			first.Expiry = date(20) // near expiry: dispensed first, on the 30-day alert
		case "AMOX500C":
			first.Expiry, first.Qty = date(-10), 30 // expired on the shelf: blocked
		case "WARF5T":
			first.Qty, second.Qty = 20, 30 // 50 < reorder level 100
		}
		lines = append(lines, first, second)
	}
	if _, err := ph.Batch(ctx, lines[0].BatchNo); err == nil {
		return 0, nil // loaded by a run that stopped later: receiving again would double it
	}
	n := 0
	for start := 0; start < len(lines); start += 50 {
		end := min(start+50, len(lines))
		if _, err := ph.OpeningStock(ctx, pharmacy.GRN{Supplier: "Opening stock (demo)", Lines: lines[start:end]}, by); err != nil {
			return n, fmt.Errorf("seed: opening stock: %w", err)
		}
		n += end - start
	}
	return n, nil
}
