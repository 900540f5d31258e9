package handlers

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/views"
)

// exceptionInput is leave, or an extra session, on one date.
type exceptionInput struct {
	Date   string `form:"ex_date" validate:"required,max=10"`
	Kind   string `form:"ex_kind" validate:"required,oneof=leave extra"`
	Reason string `form:"ex_reason" validate:"max=200,printable"`
	Start  string `form:"ex_start" validate:"max=5"`
	End    string `form:"ex_end" validate:"max=5"`
	Slot   string `form:"ex_slot" validate:"max=3"`
	Room   string `form:"ex_room" validate:"max=20,printable"`
}

// staffExceptionAdd records leave or an extra session on a date (added to what the date has).
func (a *App) staffExceptionAdd(c *fiber.Ctx) error {
	u, p, exists, err := a.staffUser(c)
	if err != nil {
		return err
	}
	if !exists || !p.IsDoctor() {
		return fiber.ErrNotFound
	}
	var in exceptionInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if errs["ex_date"] == "" && !validDate(in.Date) {
		errs["ex_date"] = "Not a real date: use the calendar or type YYYY-MM-DD."
	} else if errs["ex_date"] == "" && in.Date < a.OPD.Today() {
		errs["ex_date"] = "This date has passed."
	}
	ex := p.Exceptions[in.Date]
	ex.Date = in.Date
	switch in.Kind {
	case "leave":
		if strings.TrimSpace(in.Reason) == "" && errs["ex_reason"] == "" {
			errs["ex_reason"] = "Say why (for example: annual leave, conference)."
		}
		ex.Leave = true
		ex.Reason = strings.TrimSpace(in.Reason)
	case "extra":
		rowErrs := map[string]string{}
		s := sessionRow(rowErrs, "", in.Start, in.End, in.Slot, in.Room, "0")
		for k, v := range rowErrs {
			errs["ex_"+k] = v
		}
		ex.Extra = append(slices.Clone(ex.Extra), s)
		if r := strings.TrimSpace(in.Reason); r != "" {
			ex.Reason = r
		}
	}
	if len(errs) == 0 {
		_, err := a.OPD.SetException(c.UserContext(), u.Username, ex, currentUser(c).Username)
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Schedule of "+a.deskDayLabel(in.Date)+" changed.")
			return redirect(c, "/admin/staff/"+u.Username)
		case errors.Is(err, store.ErrInvalid):
			errs["ex_start"] = deskMessage(err)
		default:
			return err
		}
	}
	vm, err := a.staffVM(c, u, p, exists, profileValues(p), map[string]string{})
	if err != nil {
		return err
	}
	vm.ExValues, vm.ExErrors = values(in), errs
	c.Status(fiber.StatusUnprocessableEntity)
	return a.widePage(c, "Staff · "+u.FullName, views.StaffPage(vm))
}

// staffExceptionClear removes the exception of a date.
func (a *App) staffExceptionClear(c *fiber.Ctx) error {
	u, p, exists, err := a.staffUser(c)
	if err != nil {
		return err
	}
	date := c.Params("date")
	if !exists || !validDate(date) {
		return fiber.ErrNotFound
	}
	if _, ok := p.Exceptions[date]; ok {
		if _, err := a.OPD.ClearException(c.UserContext(), u.Username, date, currentUser(c).Username); err != nil {
			return err
		}
	}
	a.setFlash(c, "ok", "The weekly schedule applies again on "+a.deskDayLabel(date)+".")
	return redirect(c, "/admin/staff/"+u.Username)
}
