package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/patients"
	"hms/views"
)

// ActionPatientPseudonymise is the audit action of a pseudonymisation; the event names
// the patient id only, never what was removed.
const ActionPatientPseudonymise = "patient.pseudonymise"

type pseudonymiseInput struct {
	Version string `form:"version"`
	Reason  string `form:"reason"`
	Confirm string `form:"confirm"`
}

func (a *App) pseudonymiseVM(c *fiber.Ctx, p patients.Patient, in pseudonymiseInput, errs map[string]string) views.PseudonymiseVM {
	vm := views.PseudonymiseVM{CSRF: a.csrfToken(c), ID: p.ID, MRN: p.MRN, Name: p.Name(), Version: strconv.FormatInt(p.Version, 10),
		Reason: in.Reason, Confirm: in.Confirm, Errors: errs}
	if p.Pseudonym != nil {
		vm.Done = p.Pseudonym.Code
	}
	return vm
}

// pseudonymiseForm shows what pseudonymisation removes and keeps, and asks for a reason
// and the MRN typed again.
func (a *App) pseudonymiseForm(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, p.ID, "pseudonymise-form"); err != nil {
		return err
	}
	return a.page(c, "Pseudonymise patient", views.PseudonymisePage(a.pseudonymiseVM(c, p, pseudonymiseInput{}, nil)))
}

// pseudonymise removes the patient's identifiers for good (store/patients/pseudonymise.go).
func (a *App) pseudonymise(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in pseudonymiseInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := map[string]string{}
	reason := patients.CleanName(in.Reason)
	switch {
	case len([]rune(reason)) < 10:
		errs["reason"] = "Give the reason, at least 10 characters."
	case len([]rune(reason)) > 300:
		errs["reason"] = "At most 300 characters."
	}
	if strings.TrimSpace(in.Confirm) != p.MRN {
		errs["confirm"] = "Type the MRN " + p.MRN + " exactly to confirm."
	}
	version, verr := strconv.ParseInt(in.Version, 10, 64)
	if verr != nil {
		return fiber.ErrBadRequest
	}
	if len(errs) == 0 {
		by := currentUser(c).Username
		_, err = a.Patients.Pseudonymise(c.UserContext(), p.ID, patients.PseudonymiseRequest{Version: version, Confirm: in.Confirm, Reason: reason}, by)
		switch {
		case err == nil:
			if err := a.auditChange(c, ActionPatientPseudonymise, p.ID, "pseudonymise"); err != nil {
				return err
			}
			a.setFlash(c, "ok", "The patient was pseudonymised.")
			return redirect(c, "/patients/"+p.ID)
		case errors.Is(err, store.ErrConflict):
			errs["form"] = "The record changed while you were looking at it, or is already pseudonymised. Check it and try again."
			if fresh, ferr := a.Patients.ByID(c.UserContext(), p.ID); ferr == nil {
				p = fresh
			}
		case errors.Is(err, store.ErrInvalid):
			errs["form"] = deskMessage(err)
		default:
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Pseudonymise patient", views.PseudonymisePage(a.pseudonymiseVM(c, p, in, errs)))
}
