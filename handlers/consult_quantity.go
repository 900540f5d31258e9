package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
)

// drugUnit is the dispensing unit of a drug ("" when unknown).
func (a *App) drugUnit(c *fiber.Ctx, code string) string {
	d, err := a.OPD.Drug(c.UserContext(), code)
	if err != nil {
		return ""
	}
	return d.Unit
}

// consultQuantityText is the computed quantity as the form shows it, or why there is none yet.
func consultQuantityText(rx opd.RxInput, unit string) string {
	f, ok := opd.FrequencyOf(rx.Frequency)
	if !ok {
		return "—"
	}
	if f.AsNeeded {
		if rx.Quantity > 0 {
			return strings.TrimSpace(strconv.Itoa(rx.Quantity) + " " + unit)
		}
		return "Enter the quantity (SOS)"
	}
	q, err := opd.Quantity(f.Code, rx.DurationDays, rx.UnitsPerDose)
	if err != nil {
		return "—"
	}
	return strings.TrimSpace(strconv.Itoa(q) + " " + unit)
}

// consultQuantity answers the prescription form's live quantity as the doctor types.
func (a *App) consultQuantity(c *fiber.Ctx) error {
	if _, err := a.consultVisit(c); err != nil {
		return err
	}
	in := consultRxInput{Drug: c.Query("drug"), Dose: "x", UnitsPerDose: c.Query("units_per_dose"), Frequency: c.Query("frequency"),
		DurationDays: c.Query("duration_days"), Quantity: c.Query("quantity")}
	rx := consultRxLine(in, map[string]string{})
	c.Type("html", "utf-8")
	return c.SendString(consultEscape(consultQuantityText(rx, a.drugUnit(c, strings.TrimSpace(in.Drug)))))
}

// consultEscape makes plain text safe inside HTML.
func consultEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

type consultRemoveInput struct {
	Reason string `form:"reason" validate:"max=200,printable"`
}

// consultRxRemove withdraws a prescription line during the consultation (kept, marked removed).
func (a *App) consultRxRemove(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	line, err := consultLine(c)
	if err != nil {
		return err
	}
	var in consultRemoveInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if errs := fieldErrors(a.validate.Struct(in)); len(errs) > 0 {
		in.Reason = ""
	}
	_, err = a.OPD.RemovePrescription(c.UserContext(), v.ID, line, in.Reason, currentUser(c).Username)
	switch {
	case err == nil:
		a.setFlash(c, "ok", "Prescription line removed.")
	case errors.Is(err, store.ErrNotFound):
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
		a.setFlash(c, "error", consultStoreMessage(err))
	default:
		return err
	}
	return redirect(c, consultHref(v.ID, "rx"))
}
