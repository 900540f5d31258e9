package handlers

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

type consultRxInput struct {
	Drug         string `form:"drug" validate:"required,max=40,printable"`
	Dose         string `form:"dose" validate:"required,max=40,printable"`
	UnitsPerDose string `form:"units_per_dose" validate:"max=6"`
	Route        string `form:"route" validate:"max=20"`
	Frequency    string `form:"frequency" validate:"required,max=10"`
	DurationDays string `form:"duration_days" validate:"max=6"`
	Quantity     string `form:"quantity" validate:"max=6"`
	Instructions string `form:"instructions" validate:"max=200,printable"`
	AckAllergy   string `form:"ack_allergy" validate:"omitempty,oneof=1"`
	AckDuplicate string `form:"ack_duplicate" validate:"omitempty,oneof=1"`
}

// consultRxLine checks what validator tags cannot and builds the store's input, adding messages to errs.
func consultRxLine(in consultRxInput, errs map[string]string) opd.RxInput {
	out := opd.RxInput{DrugCode: strings.TrimSpace(in.Drug), Dose: strings.TrimSpace(in.Dose), Route: in.Route,
		Frequency: in.Frequency, Instructions: strings.TrimSpace(in.Instructions),
		AckAllergy: in.AckAllergy == "1", AckDuplicate: in.AckDuplicate == "1"}
	if errs["dose"] == "" && out.Dose == "" {
		errs["dose"] = "Required."
	}
	if in.Route != "" && !slices.Contains(consultRoutes, in.Route) {
		errs["route"] = "Choose one of the listed options."
	}
	f, ok := opd.FrequencyOf(in.Frequency)
	if !ok && errs["frequency"] == "" {
		errs["frequency"] = "Choose one of the listed options."
	}
	out.UnitsPerDose = 1
	if s := strings.TrimSpace(in.UnitsPerDose); s != "" {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || x <= 0 || x > 100 {
			errs["units_per_dose"] = "Enter a number more than 0 and at most 100 (for example 1 or 0.5)."
		}
		out.UnitsPerDose = x
	}
	switch {
	case !ok:
	case f.AsNeeded:
		n, err := strconv.Atoi(strings.TrimSpace(in.Quantity))
		if err != nil || n < 1 || n > 1000 {
			errs["quantity"] = "A when-needed (SOS) drug needs the quantity to dispense: 1 to 1000."
		}
		out.Quantity = n
		if d := strings.TrimSpace(in.DurationDays); d != "" {
			out.DurationDays, _ = strconv.Atoi(d)
		}
	case f.Once:
	default:
		n, err := strconv.Atoi(strings.TrimSpace(in.DurationDays))
		if err != nil || n < 1 || n > 365 {
			errs["duration_days"] = "Enter the number of days, 1 to 365."
		}
		out.DurationDays = n
	}
	return out
}

// consultPrescribe adds a prescription line. An allergy conflict or a duplicate drug
// comes back as a red warning with an acknowledgement box; sent again with the box
// ticked, the line is saved with the acknowledgement recorded on it.
func (a *App) consultPrescribe(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	var in consultRxInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	rx := consultRxLine(in, errs)
	ctx := c.UserContext()
	if errs["drug"] == "" {
		if _, err := a.OPD.Drug(ctx, rx.DrugCode); errors.Is(err, store.ErrNotFound) {
			errs["drug"] = "Choose a drug from the formulary."
		} else if err != nil {
			return err
		}
	}
	var warnings []views.ConsultRxWarning
	if len(errs) == 0 {
		_, err = a.OPD.AddPrescription(ctx, v.ID, rx, currentUser(c).Username)
		var conflict *opd.AllergyConflictError
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Prescribed.")
			return redirect(c, consultHref(v.ID, "rx"))
		case errors.As(err, &conflict):
			w := views.ConsultRxWarning{Kind: "allergy", Field: "ack_allergy",
				Label: "I have reviewed this warning and prescribe anyway"}
			for _, x := range conflict.Conflicts {
				w.Messages = append(w.Messages, x.String())
			}
			warnings = append(warnings, w)
		case errors.Is(err, opd.ErrDuplicateDrug):
			warnings = append(warnings, views.ConsultRxWarning{Kind: "duplicate", Field: "ack_duplicate",
				Label:    "I have reviewed the duplicate-drug warning and prescribe anyway",
				Messages: []string{strings.TrimPrefix(err.Error(), opd.ErrDuplicateDrug.Error()+": ")}})
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			errs["_form"] = consultStoreMessage(err)
		default:
			return err
		}
	}
	vals := values(in)
	for i := range warnings {
		warnings[i].Checked = vals[warnings[i].Field] == "1"
	}
	vals["_quantity"] = consultQuantityText(rx, a.drugUnit(c, rx.DrugCode))
	if v, err = a.OPD.Visit(ctx, v.ID); err != nil {
		return err
	}
	if len(errs) == 0 {
		errs = nil
	}
	return a.renderConsult(c, v, "rx", vals, errs, warnings...)
}
