package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
)

type consultLabInput struct {
	Code     string `form:"lab_code" validate:"required,max=40,printable"`
	Priority string `form:"lab_priority" validate:"required,oneof=routine urgent stat"`
	Notes    string `form:"lab_notes" validate:"max=200,printable"`
}

type consultRadInput struct {
	Code     string `form:"rad_code" validate:"required,max=40,printable"`
	Priority string `form:"rad_priority" validate:"required,oneof=routine urgent stat"`
	Notes    string `form:"rad_notes" validate:"max=200,printable"`
}

// consultLabOrder orders a test from the lab catalogue; it reaches the lab worklist.
func (a *App) consultLabOrder(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	var in consultLabInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		_, err = a.OPD.AddLabOrder(c.UserContext(), v.ID, opd.OrderInput{Code: in.Code, Priority: in.Priority, Notes: in.Notes}, currentUser(c).Username)
		if done, err := a.orderOutcome(c, v, err, "lab_code", "Lab test ordered.", errs); done || err != nil {
			return err
		}
	}
	return a.renderConsult(c, v, "lab", values(in), errs)
}

// consultRadOrder orders a radiology exam; it reaches the radiology worklist.
func (a *App) consultRadOrder(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	var in consultRadInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		_, err = a.OPD.AddRadiologyOrder(c.UserContext(), v.ID, opd.OrderInput{Code: in.Code, Priority: in.Priority, Notes: in.Notes}, currentUser(c).Username)
		if done, err := a.orderOutcome(c, v, err, "rad_code", "Exam ordered.", errs); done || err != nil {
			return err
		}
	}
	return a.renderConsult(c, v, "rad", values(in), errs)
}

// orderOutcome redirects after a stored order (done) or turns an expected refusal into a field error.
func (a *App) orderOutcome(c *fiber.Ctx, v opd.Visit, err error, field, ok string, errs map[string]string) (bool, error) {
	switch {
	case err == nil:
		a.setFlash(c, "ok", ok)
		return true, redirect(c, consultHref(v.ID, "orders"))
	case errors.Is(err, store.ErrNotFound):
		errs[field] = "Choose one of the listed options."
	case errors.Is(err, store.ErrDuplicate):
		errs[field] = "Already ordered on this visit."
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
		errs[field] = consultStoreMessage(err)
	default:
		return false, err
	}
	return false, nil
}

// consultOrderCancel cancels an order the lab or radiology has not started on, with a reason.
func (a *App) consultOrderCancel(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	line, err := consultLine(c)
	if err != nil {
		return err
	}
	var in reasonInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		err = a.cancelLabOrder(c, v, line, in.Reason)
		if err == nil {
			_, err = a.OPD.CancelOrder(c.UserContext(), v.ID, line, in.Reason, currentUser(c).Username)
		}
		switch {
		case err == nil, errors.Is(err, opd.ErrAlreadyDone):
			a.setFlash(c, "ok", "Order cancelled.")
			return redirect(c, consultHref(v.ID, "orders"))
		case errors.Is(err, store.ErrNotFound):
			return fiber.ErrNotFound
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			errs["_form"] = consultStoreMessage(err)
		default:
			return err
		}
	} else {
		errs["_form"] = "Give a reason to cancel an order."
	}
	return a.renderConsult(c, v, "cancel", values(in), errs)
}
