package handlers

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/pharmacy"
	"hms/store/worklist"
	"hms/views"
	"hms/views/components"
)

// renderDispense builds the dispense page of an item; st carries a refused submission.
func (a *App) renderDispense(c *fiber.Ctx, itemID string, st *formState, closeErr string, status int) error {
	if !itemIDRE.MatchString(itemID) {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	view, err := a.Pharmacy.ForDispensing(ctx, itemID)
	it, orders, onList, others := view.Item, view.Orders, view.OnList, view.Others
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	p, err := a.Patients.ByID(ctx, it.PatientID)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, p.ID, "pharmacy:dispense:"+itemID); err != nil {
		return err
	}
	banner, err := a.banner(c, p)
	if err != nil {
		return err
	}
	vm := views.DispenseVM{Nav: a.pharmacyNavFor(c, "queue"), CSRF: a.csrfToken(c), ItemID: itemID, Banner: banner,
		OnList: onList, CloseError: closeErr, Title: "OPD prescription · " + it.Where}
	if it.Kind == worklist.KindIPDMed {
		vm.Title = "Ward medication order · " + it.Where
	}
	if !onList {
		vm.Title += " · off the queue"
	}
	drugs, err := a.Catalog.Drugs(ctx)
	if err != nil {
		return err
	}
	// The checks run against the patient's other medications: the item's other orders,
	// drugs dispensed whose course runs on, and the ward's active orders.
	for _, m := range others {
		vm.OtherMeds = append(vm.OtherMeds, m.Generic+" "+m.Strength+" ("+m.Source+")")
	}
	for _, o := range orders {
		ov, err := a.dispenseOrderVM(c, o, orders, others, drugs, p)
		if err != nil {
			return err
		}
		if st != nil && st.form.Order == o.Ref {
			ov.Errors, ov.Focused = st.errs, true
			ov.Qty = cmp.Or(st.form.Qty, ov.Qty)
			if st.form.Batch != "" {
				ov.Batch = st.form.Batch
			}
			ov.Brand = st.form.Brand
			if st.outOf != "" {
				ov.OutOfStockNote = st.outOf
			}
		}
		vm.Orders = append(vm.Orders, ov)
	}
	lines, err := a.Pharmacy.DispensedLines(ctx, orders)
	if err != nil {
		return err
	}
	for _, l := range lines {
		lv := a.dispenseLineVM(l)
		if st != nil && st.returnLine == l.ID {
			lv.ReturnError = st.returnErr
		}
		vm.Lines = append(vm.Lines, lv)
	}
	c.Status(status)
	return a.page(c, "Dispense · "+p.Name(), views.PharmacyDispense(vm))
}

// dispenseOrderVM is one order's form: pending quantity proposed, FEFO batch picked.
func (a *App) dispenseOrderVM(c *fiber.Ctx, o pharmacy.Order, all []pharmacy.Order, others []pharmacy.OtherMed,
	drugs []catalog.Drug, p patients.Patient) (views.DispenseOrderVM, error) {
	ctx := c.UserContext()
	i := slices.IndexFunc(drugs, func(d catalog.Drug) bool { return d.Code == o.DrugCode })
	if i < 0 {
		return views.DispenseOrderVM{}, fmt.Errorf("handlers: drug %s of %s is not in the formulary", o.DrugCode, o.Ref)
	}
	drug := drugs[i]
	ov := views.DispenseOrderVM{Ref: o.Ref, Drug: drug.Generic + " " + drug.Strength + " " + drug.Form,
		Directions: pharmacy.Directions(o), Unit: drug.Unit, Ordered: strconv.FormatInt(o.Limit, 10),
		Dispensed: strconv.FormatInt(o.Dispensed, 10), Pending: strconv.FormatInt(o.Pending(), 10),
		Done: o.Active && o.Pending() == 0, Stopped: !o.Active}
	if o.Kind == worklist.KindIPDMed {
		ov.Ordered += " (dose × frequency, " + strconv.Itoa(pharmacy.SupplyHours) + "-hour supplies to date)"
	}
	for _, ac := range opd.AllergyConflicts(p.Allergies.Items, drug) {
		ov.Warnings = append(ov.Warnings, views.Warning{Severity: "allergy", Text: ac.String()})
	}
	var names []string
	for _, x := range all {
		if x.Ref != o.Ref {
			if j := slices.IndexFunc(drugs, func(d catalog.Drug) bool { return d.Code == x.DrugCode }); j >= 0 {
				names = append(names, drugs[j].Generic)
			}
		}
	}
	for _, m := range others {
		names = append(names, m.Generic)
	}
	found, err := a.Catalog.InteractionsWith(ctx, drug.Generic, names)
	if err != nil {
		return ov, err
	}
	for _, f := range found {
		ov.Warnings = append(ov.Warnings, views.Warning{Severity: f.Severity,
			Text: fmt.Sprintf("%s interaction: %s with %s — %s", capitalise(f.Severity), f.Drug, f.Other, f.Note)})
	}
	// Batches of the drug and of its equivalents (same generic, strength and form).
	today := a.Pharmacy.Today()
	type pick struct {
		b    pharmacy.StockBatch
		drug catalog.Drug
	}
	var picks []pick
	ov.Brands = []components.Option{{Value: "", Label: "As on the batch"}}
	for _, d := range drugs {
		if d.Code != drug.Code && (patients.Fold(d.Generic) != patients.Fold(drug.Generic) || d.Strength != drug.Strength || d.Form != drug.Form) {
			continue
		}
		for _, b := range d.Brands {
			ov.Brands = append(ov.Brands, components.Option{Value: b, Label: b})
		}
		st, err := a.Pharmacy.Stock(ctx, d.Code)
		if err != nil {
			return ov, err
		}
		for _, b := range st.FEFO(today) {
			picks = append(picks, pick{b, d})
		}
	}
	slices.SortFunc(picks, func(x, y pick) int { return cmp.Or(cmp.Compare(x.b.Expiry, y.b.Expiry), cmp.Compare(x.b.ID, y.b.ID)) })
	for _, pk := range picks {
		label := fmt.Sprintf("%s · exp %s · %d left · %s", pk.b.BatchNo, pk.b.Expiry, pk.b.Qty, views.Money(pk.b.Price))
		if pk.b.Brand != "" {
			label += " · " + pk.b.Brand
		}
		if pk.drug.Code != drug.Code {
			label += " · equivalent " + pk.drug.Code
		}
		ov.Batches = append(ov.Batches, components.Option{Value: pk.b.ID, Label: label})
	}
	ov.NoStock = len(picks) == 0 && !ov.Done && !ov.Stopped
	if len(picks) > 0 {
		ov.Batch = picks[0].b.ID
		ov.Qty = strconv.FormatInt(min(o.Pending(), picks[0].b.Qty), 10)
	}
	return ov, nil
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// dispenseLineVM is one dispensed line as the page lists it.
func (a *App) dispenseLineVM(l pharmacy.Line) views.DispenseLineVM {
	v := views.DispenseLineVM{ID: l.ID, Drug: l.Generic + " " + l.Strength + " " + l.Form, Brand: l.Brand,
		Batch: l.BatchNo, Expiry: l.Expiry, Qty: strconv.FormatInt(l.Qty, 10), Returned: strconv.FormatInt(l.Returned, 10),
		Amount: views.Money((l.Qty - l.Returned) * l.UnitPrice), At: views.DateTime(l.DispensedAt, a.cfg.Location),
		By: l.DispensedBy, Status: l.Status, CanReturn: l.Returned < l.Qty}
	if l.SubstitutedFor != "" {
		v.Substituted = "Substituted: " + l.DrugCode + " given for prescribed " + l.SubstitutedFor
	}
	for _, r := range l.Returns {
		s := fmt.Sprintf("Returned %d on %s by %s: %s", r.Qty, views.DateTime(r.At, a.cfg.Location), r.By, r.Reason)
		if r.Note != "" {
			s += " (" + r.Note + ")"
		}
		v.Returns = append(v.Returns, s)
	}
	return v
}
