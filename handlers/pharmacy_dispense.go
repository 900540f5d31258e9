package handlers

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/pharmacy"
)

// itemIDRE is what a pharmacy worklist item id looks like (rx:<visit>, med:<order>).
var itemIDRE = regexp.MustCompile(`^(rx|med):[A-Za-z0-9_.-]{1,40}$`)

// dispenseForm is one order's dispense form. Each order's fields carry its number on the
// page (batch_2 …) so that every input has its own id and label.
type dispenseForm struct {
	Order string `form:"order"`
	N     string `form:"n"`
	Batch string `form:"-"`
	Qty   string `form:"-"`
	Brand string `form:"-"`
}

var formIndexRE = regexp.MustCompile(`^[0-9]{1,3}$`)

// dispensePage shows one prescription or ward order to dispense, with the checks.
func (a *App) dispensePage(c *fiber.Ctx) error {
	return a.renderDispense(c, c.Params("item"), nil, "", fiber.StatusOK)
}

// formState is what a refused submission puts back on the page.
type formState struct {
	form  dispenseForm
	errs  map[string]string
	outOf string // the batch ran out or expired: offer another
	// a refused return: which line and why
	returnLine, returnErr string
	status                int
}

// wholeUnits parses a quantity of whole units: digits only, no sign, no decimals.
func wholeUnits(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 7 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// dispense dispenses one order line of the item from the chosen batch.
func (a *App) dispense(c *fiber.Ctx) error {
	itemID := c.Params("item")
	if !itemIDRE.MatchString(itemID) {
		return fiber.ErrNotFound
	}
	var f dispenseForm
	if err := parseForm(c, &f); err != nil {
		return err
	}
	if !formIndexRE.MatchString(f.N) {
		return fiber.ErrBadRequest
	}
	f.Batch, f.Qty, f.Brand = c.FormValue("batch_"+f.N), c.FormValue("qty_"+f.N), c.FormValue("brand_"+f.N)
	st := &formState{form: f, errs: map[string]string{}, status: fiber.StatusUnprocessableEntity}
	qty, ok := wholeUnits(f.Qty)
	if !ok {
		st.errs["qty"] = "Enter a whole number of units, 1 or more (no decimals, no minus sign)."
		return a.renderDispense(c, itemID, st, "", st.status)
	}
	line, err := a.Pharmacy.Dispense(c.UserContext(), pharmacy.DispenseInput{ItemID: itemID, OrderRef: f.Order,
		BatchID: f.Batch, Qty: qty, Brand: f.Brand}, currentUser(c).Username)
	switch {
	case err == nil:
		if err := a.auditChange(c, audit.ActionPatientUpdate, line.PatientID, "pharmacy:dispense:"+line.ID); err != nil {
			return err
		}
		a.setFlash(c, "ok", fmt.Sprintf("Dispensed %d %s of %s %s from batch %s (line %s).", line.Qty, line.Unit,
			line.Generic, line.Strength, line.BatchNo, line.ID))
		return redirect(c, "/pharmacy/dispense/"+itemID)
	case errors.Is(err, pharmacy.ErrOutOfStock), errors.Is(err, pharmacy.ErrExpired):
		st.outOf = "Batch " + f.Batch + " cannot give that many: " + storeReason(err) +
			". Someone may have just dispensed its last units. Choose another batch below."
		st.form.Batch, st.status = "", fiber.StatusConflict
	case errors.Is(err, pharmacy.ErrOverDispense):
		st.errs["qty"] = "More than was ordered: " + storeReason(err) + "."
	case errors.Is(err, pharmacy.ErrOrderStopped):
		st.errs["batch"] = "The ward has stopped this order; nothing more can be supplied."
	case errors.Is(err, store.ErrNotFound):
		st.errs["batch"] = "Choose a batch from the list."
	case errors.Is(err, store.ErrInvalid):
		st.errs["batch"] = storeReason(err) + "."
	default:
		return err
	}
	return a.renderDispense(c, itemID, st, "", st.status)
}

// dispenseClose takes the item off the queue with a reason.
func (a *App) dispenseClose(c *fiber.Ctx) error {
	itemID := c.Params("item")
	if !itemIDRE.MatchString(itemID) {
		return fiber.ErrNotFound
	}
	var f struct {
		Reason string `form:"reason"`
	}
	if err := parseForm(c, &f); err != nil {
		return err
	}
	it, _, _, err := a.Pharmacy.OrdersAnyState(c.UserContext(), itemID)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	err = a.Pharmacy.Close(c.UserContext(), itemID, f.Reason, currentUser(c).Username)
	switch {
	case err == nil:
		if err := a.auditChange(c, audit.ActionPatientUpdate, it.PatientID, "pharmacy:close:"+itemID); err != nil {
			return err
		}
		a.setFlash(c, "ok", "Taken off the dispense queue.")
		return redirect(c, "/pharmacy")
	case errors.Is(err, store.ErrInvalid):
		return a.renderDispense(c, itemID, nil, storeReason(err)+".", fiber.StatusUnprocessableEntity)
	case errors.Is(err, store.ErrNotFound):
		return redirect(c, "/pharmacy")
	}
	return err
}
