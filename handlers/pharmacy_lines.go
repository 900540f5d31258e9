package handlers

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/pharmacy"
	"hms/views"
)

// lineIDRE is what a dispense line id (the label's barcode) looks like.
var lineIDRE = regexp.MustCompile(`^D[0-9]{8}$`)

// lineLabel prints the label of one dispensed line.
func (a *App) lineLabel(c *fiber.Ctx) error {
	id := c.Params("line")
	if !lineIDRE.MatchString(id) {
		return fiber.ErrNotFound
	}
	l, err := a.Pharmacy.Line(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := a.audit(c, audit.ActionPatientPrint, l.PatientID, "pharmacy:label:"+l.ID, audit.OK); err != nil {
		return err
	}
	return a.page(c, "Label "+l.ID, views.PharmacyLabels([]views.LabelVM{a.labelVM(l)}))
}

// dispenseLabels prints a label for every line dispensed against an item.
func (a *App) dispenseLabels(c *fiber.Ctx) error {
	itemID := c.Params("item")
	if !itemIDRE.MatchString(itemID) {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	it, orders, _, err := a.Pharmacy.OrdersAnyState(ctx, itemID)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	lines, err := a.Pharmacy.DispensedLines(ctx, orders)
	if err != nil {
		return err
	}
	if err := a.audit(c, audit.ActionPatientPrint, it.PatientID, "pharmacy:labels:"+itemID, audit.OK); err != nil {
		return err
	}
	labels := make([]views.LabelVM, 0, len(lines))
	for _, l := range lines {
		if l.Returned < l.Qty {
			labels = append(labels, a.labelVM(l))
		}
	}
	return a.page(c, "Labels", views.PharmacyLabels(labels))
}

func (a *App) labelVM(l pharmacy.Line) views.LabelVM {
	where := "OPD"
	if l.EncounterKind == "ipd" {
		where = "Ward supply"
	}
	return views.LabelVM{Hospital: a.cfg.Hospital, LineID: l.ID, Name: l.Name, MRN: l.MRN,
		Drug: l.Generic + " " + l.Strength + " " + l.Form, Brand: l.Brand, Directions: l.Directions,
		Qty: fmt.Sprintf("%d %s", l.Qty-l.Returned, l.Unit), Batch: l.BatchNo, Expiry: l.Expiry,
		Dispensed: views.DateTime(l.DispensedAt, a.cfg.Location), By: l.DispensedBy, Where: where,
		Back: "/pharmacy/dispense/" + l.ItemID}
}

// lineReturn takes unopened units of a line back into its batch, reversing the charge.
func (a *App) lineReturn(c *fiber.Ctx) error {
	id := c.Params("line")
	if !lineIDRE.MatchString(id) {
		return fiber.ErrNotFound
	}
	var f struct{} // the fields are named after the line: return_qty_<line>
	if err := parseForm(c, &f); err != nil {
		return err
	}
	qtyText, reason := c.FormValue("return_qty_"+id), c.FormValue("return_reason_"+id)
	l, err := a.Pharmacy.Line(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	refuse := func(msg string) error {
		return a.renderDispense(c, l.ItemID, &formState{returnLine: l.ID, returnErr: msg}, "", fiber.StatusUnprocessableEntity)
	}
	qty, ok := wholeUnits(qtyText)
	if !ok {
		return refuse("Enter the number of unopened units returned: a whole number, 1 or more.")
	}
	after, err := a.Pharmacy.ReturnLine(c.UserContext(), l.ID, qty, reason, currentUser(c).Username)
	switch {
	case errors.Is(err, store.ErrInvalid):
		return refuse(storeReason(err) + ".")
	case err != nil:
		return err
	}
	if err := a.auditChange(c, audit.ActionPatientUpdate, l.PatientID, "pharmacy:return:"+l.ID); err != nil {
		return err
	}
	a.setFlash(c, "ok", fmt.Sprintf("%d returned into batch %s; the charge was adjusted.", qty, after.BatchNo))
	return redirect(c, "/pharmacy/dispense/"+l.ItemID)
}
