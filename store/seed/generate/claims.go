package generate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/patients"
)

// insure gives about a third of the people a primary policy with one of the payers, drawn
// from its own random stream (the rest of the hospital stays the same for a seed). The
// member numbers are typed in clear here; the patient import seals them.
func insure(r *rand.Rand, people []patients.Patient, payers []catalog.Payer, yearStart time.Time) {
	payers = slices.DeleteFunc(slices.Clone(payers), func(p catalog.Payer) bool { return !p.Active || len(p.Plans) == 0 })
	if len(payers) == 0 {
		return
	}
	for i := range people {
		if r.IntN(3) != 0 {
			continue
		}
		py := payers[r.IntN(len(payers))]
		pl := py.Plans[r.IntN(len(py.Plans))]
		from := yearStart.AddDate(0, -r.IntN(24), 0)
		people[i].Policies = []patients.Policy{{ID: fmt.Sprintf("g%011x", r.Uint64()>>20), PayerCode: py.Code, PayerName: py.Name,
			PlanCode: pl.Code, PlanName: pl.Name, MemberNumber: fmt.Sprintf("%s-%d-%07d", py.Code, 2020+r.IntN(7), r.IntN(10_000_000)),
			ValidFrom: from, ValidTo: yearStart.AddDate(1, 1, 0), Rank: "primary", Active: true, AddedBy: "import", AddedAt: from}}
	}
}

// claim invoices up to n of the chunk's insured OPD visits through the billing store (the
// invoice splits the charges with the patient's plan, marks them billed and moves the
// account's ledger) and drafts each invoice's claim for the payer's share; most are
// submitted, and the payer has decided half of those. Invoices and claims are dated when
// generated: the store stamps them now.
func (g *gen) claim(visits []any, byID map[string]patients.Patient, charges []billing.Charge, n int) error {
	byEnc := map[string][]string{}
	for _, ch := range charges {
		byEnc[ch.Encounter] = append(byEnc[ch.Encounter], ch.ID)
	}
	payers := map[string]catalog.Payer{}
	for _, py := range g.ref.payers {
		payers[py.Code] = py
	}
	made := 0
	for _, x := range visits {
		if made >= n {
			break
		}
		v := x.(opd.Visit)
		p := byID[v.PatientID]
		if len(p.Policies) == 0 || len(byEnc[v.ID]) == 0 || len(v.Diagnoses) == 0 {
			continue
		}
		var dx []string
		for _, d := range v.Diagnoses {
			if d.Code != "" {
				dx = append(dx, d.Code)
			}
		}
		pol := p.Policies[0]
		plan, ok := payers[pol.PayerCode].Plan(pol.PlanCode)
		if !ok || len(dx) == 0 {
			continue
		}
		inv, err := g.bill.Invoices.Create(g.ctx, billing.Draft{PatientID: p.ID, ChargeIDs: byEnc[v.ID], By: "billing",
			Policy: &billing.Policy{PayerCode: pol.PayerCode, PayerName: pol.PayerName, PlanName: pol.PlanName, MemberSealed: pol.MemberSealed,
				MemberLast4: pol.MemberLast4, CoveragePct: int64(plan.CoveragePct), CopayPct: int64(plan.CopayPct)}})
		if err != nil {
			return fmt.Errorf("generate: invoice visit %s: %w", v.ID, err)
		}
		if inv.Policy == nil { // nothing on it for the payer
			continue
		}
		c, err := g.bill.Claims.Create(g.ctx, inv.ID, dx, "billing")
		if err != nil {
			return fmt.Errorf("generate: claim of %s: %w", inv.ID, err)
		}
		made++
		g.c.Claims++
		g.pr.add("claims", 40)
		if g.r.IntN(5) == 0 {
			continue // still a draft
		}
		if _, err := g.bill.Claims.Act(g.ctx, billing.ClaimAction{ID: c.ID, Action: billing.ActSubmit, By: "billing"}); err != nil {
			return fmt.Errorf("generate: submit %s: %w", c.ID, err)
		}
		if g.r.IntN(2) == 0 {
			if _, err := g.bill.Claims.Act(g.ctx, billing.ClaimAction{ID: c.ID, Action: billing.ActDecide, By: "billing",
				Amount: c.Claimed * int64(80+g.r.IntN(21)) / 100}); err != nil {
				return fmt.Errorf("generate: decide %s: %w", c.ID, err)
			}
		}
	}
	return nil
}
