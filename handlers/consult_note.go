package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
)

type consultNoteInput struct {
	Subjective string `form:"subjective" validate:"max=4000,printable"`
	Objective  string `form:"objective" validate:"max=4000,printable"`
	Assessment string `form:"assessment" validate:"max=4000,printable"`
	Plan       string `form:"plan" validate:"max=4000,printable"`
	Action     string `form:"action" validate:"omitempty,oneof=save sign"`
}

// consultNote saves the SOAP note as a draft, or saves and signs it (read-only afterwards).
func (a *App) consultNote(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	var in consultNoteInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	soap := opd.SOAP{Subjective: in.Subjective, Objective: in.Objective, Assessment: in.Assessment, Plan: in.Plan}
	if len(errs) == 0 && in.Action == "sign" && soap.Empty() {
		errs["_form"] = "The note is empty: write it before signing."
	}
	if len(errs) == 0 {
		ctx, by := c.UserContext(), currentUser(c).Username
		if _, err = a.OPD.SaveNote(ctx, v.ID, soap, by); err == nil && in.Action == "sign" {
			_, err = a.OPD.SignNote(ctx, v.ID, signerOf(c))
		}
		switch {
		case err == nil:
			msg := "Note saved as a draft."
			if in.Action == "sign" {
				msg = "Note signed. It can no longer be changed; add an addendum for corrections."
			}
			a.setFlash(c, "ok", msg)
			return redirect(c, consultHref(v.ID, "note"))
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			errs["_form"] = consultStoreMessage(err)
		default:
			return err
		}
	}
	if v, err = a.OPD.Visit(c.UserContext(), v.ID); err != nil {
		return err
	}
	return a.renderConsult(c, v, "note", values(in), errs)
}

type consultAddendumInput struct {
	Addendum string `form:"addendum" validate:"required,max=2000,printable"`
}

// consultAddendum adds a correction to a signed note.
func (a *App) consultAddendum(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	var in consultAddendumInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 && cxBlank(in.Addendum) {
		errs["addendum"] = "Required."
	}
	if len(errs) == 0 {
		_, err = a.OPD.AddAddendum(c.UserContext(), v.ID, in.Addendum, signerOf(c))
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Addendum signed and added.")
			return redirect(c, consultHref(v.ID, "note"))
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			errs["_form"] = consultStoreMessage(err)
		default:
			return err
		}
	}
	return a.renderConsult(c, v, "addendum", values(in), errs)
}
