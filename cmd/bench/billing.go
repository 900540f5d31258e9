package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"hms/store/billing"
)

// billingSuite measures the billing desk's account page (issue 8) for a patient with
// `mine` charges, with `total` charges in the database across 2,000 patients, loaded
// through the billing store's own bulk path.
func billingSuite(total, mine, requests int) ([]result, error) {
	b, err := openBench()
	if err != nil {
		return nil, err
	}
	defer b.close()
	people, err := b.importPatients(2000)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	r := rand.New(rand.NewPCG(8, 8))
	depts := []string{"MED", "LAB", "PHARM", "RAD", "SURG"}
	started := time.Now()
	// Charges go in patient by patient: BulkPost builds each patient's pages in one go.
	others := (total - mine) / (len(people) - 1)
	batch := make([]billing.Charge, 0, 25000)
	n := 0
	for pi, p := range people {
		count, admissions := others, 7
		if pi == 0 {
			count, admissions = mine, 3
		}
		for j := 0; j < count; j++ {
			batch = append(batch, billing.Charge{ID: fmt.Sprintf("bench:%d", n), PatientID: p.ID, MRN: p.MRN, Name: p.Name(),
				Encounter: fmt.Sprintf("A%05d", j%admissions), EncounterKind: "ipd", Department: depts[r.IntN(len(depts))],
				ServiceCode: "PROC-INJ", Description: "Injection administration (IM/IV)", Qty: 1,
				UnitPrice: int64(r.IntN(200000) + 100), TaxBP: []int64{0, 500, 1200, 1800}[r.IntN(4)], PostedBy: "bench"})
			n++
		}
		if len(batch) >= 20000 || pi == len(people)-1 {
			if err := billing.BulkPost(ctx, b.db, batch); err != nil {
				return nil, err
			}
			batch = batch[:0]
			fmt.Fprintf(os.Stderr, "\rstored %d of %d charges", n, total)
		}
	}
	fmt.Fprintf(os.Stderr, "\nbulk load: %s\n", time.Since(started).Round(time.Second))
	if _, err := b.serve(); err != nil {
		return nil, err
	}
	clerk, _, err := b.signIn("billing")
	if err != nil {
		return nil, err
	}
	setup := fmt.Sprintf("%d charges mine, %dk in the DB", mine, total/1000)
	// The invoice draft lists one admission's ~670 charges line by line (it reads every
	// ledger page holding some): a page drawn once per bill, so it gets fewer requests.
	pages := []struct {
		name, path string
		share      int
	}{
		{"account page", "/billing/accounts/" + people[0].ID, 1},
		{"desk home", "/billing", 1},
		{"invoice draft (1 admission)", "/billing/accounts/" + people[0].ID + "/invoice?enc=A00000", 10},
	}
	var out []result
	for _, conc := range []int{1, 10} {
		base := b.measure(clerk, requests, conc, get(b.base, "/account"))
		base.Setup, base.Page = setup, "baseline /account"
		out = append(out, base)
		for _, p := range pages {
			res := b.measure(clerk, max(requests/p.share, conc), conc, get(b.base, p.path))
			res.Setup, res.Page, res.VsBaseline = setup, p.name, res.P50MS/base.P50MS
			out = append(out, res)
		}
	}
	return out, nil
}
