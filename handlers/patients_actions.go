package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/patients"
)

type allergyInput struct {
	Substance string `form:"substance" validate:"required,max=80,printable"`
	Reaction  string `form:"reaction" validate:"max=80,printable"`
	Severity  string `form:"severity" validate:"required,oneof=mild moderate severe life-threatening"`
}

type reasonInput struct {
	Reason string `form:"reason" validate:"required,max=200,printable"`
}

// allergyAdd lists an allergy (doctors, nurses, pharmacists); it is kept in the history.
func (a *App) allergyAdd(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in allergyInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		_, err = a.Patients.AddAllergy(c.UserContext(), p.ID, patients.Allergy{Substance: in.Substance, Reaction: in.Reaction, Severity: in.Severity}, currentUser(c).Username)
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, p.ID, "allergies"); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Allergy to "+strings.TrimSpace(in.Substance)+" recorded.")
			return redirect(c, "/patients/"+p.ID+"?tab=allergies")
		case errors.Is(err, store.ErrDuplicate):
			errs["substance"] = "This substance is already listed."
		default:
			return err
		}
	}
	return a.renderChart(c, p, "allergies", errs, map[string]string{"substance": in.Substance, "reaction": in.Reaction, "severity": in.Severity})
}

// allergyNone records "no known allergies", with who and when.
func (a *App) allergyNone(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	_, err = a.Patients.SetNoKnownAllergies(c.UserContext(), p.ID, currentUser(c).Username)
	switch {
	case err == nil:
		if err := a.auditChange(c, audit.ActionPatientUpdate, p.ID, "allergies"); err != nil {
			return err
		}
		a.setFlash(c, "ok", "Recorded: no known allergies.")
	case errors.Is(err, patients.ErrHasAllergies), errors.Is(err, store.ErrConflict):
		a.setFlash(c, "error", "Allergies are listed for this patient: remove them first if they were recorded in error.")
	default:
		return err
	}
	return redirect(c, "/patients/"+p.ID+"?tab=allergies")
}

// allergyRemove takes an allergy recorded in error off the list, with a reason.
func (a *App) allergyRemove(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in reasonInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if errs := fieldErrors(a.validate.Struct(in)); len(errs) > 0 {
		a.setFlash(c, "error", "Give a reason to remove an allergy (for example: recorded in error).")
		return redirect(c, "/patients/"+p.ID+"?tab=allergies")
	}
	_, err = a.Patients.RemoveAllergy(c.UserContext(), p.ID, c.Params("allergy"), in.Reason, currentUser(c).Username)
	switch {
	case err == nil:
		if err := a.auditChange(c, audit.ActionPatientUpdate, p.ID, "allergies"); err != nil {
			return err
		}
		a.setFlash(c, "ok", "Allergy removed; the removal and its reason are in the history.")
	case errors.Is(err, store.ErrConflict):
		a.setFlash(c, "error", "The allergy list changed while you were looking at it. Check it and try again.")
	default:
		return err
	}
	return redirect(c, "/patients/"+p.ID+"?tab=allergies")
}

// policyAdd adds an insurance policy from the chart.
func (a *App) policyAdd(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in policyInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	pol, err := a.policy(c, in, true, errs)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		if _, err := a.Patients.AddPolicy(c.UserContext(), p.ID, *pol, currentUser(c).Username); err != nil {
			return err
		}
		if err := a.auditChange(c, audit.ActionPatientUpdate, p.ID, "insurance"); err != nil {
			return err
		}
		a.setFlash(c, "ok", "Policy added: "+pol.PayerName+".")
		return redirect(c, "/patients/"+p.ID+"?tab=insurance")
	}
	return a.renderChart(c, p, "insurance", errs, values(in))
}

// policyEnd stops using a policy (it stays on record, marked ended with the reason).
func (a *App) policyEnd(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in reasonInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if errs := fieldErrors(a.validate.Struct(in)); len(errs) > 0 {
		a.setFlash(c, "error", "Give a reason to stop using a policy.")
		return redirect(c, "/patients/"+p.ID+"?tab=insurance")
	}
	_, err = a.Patients.EndPolicy(c.UserContext(), p.ID, c.Params("policy"), in.Reason, currentUser(c).Username)
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	if err := a.auditChange(c, audit.ActionPatientUpdate, p.ID, "insurance"); err != nil {
		return err
	}
	a.setFlash(c, "ok", "Policy marked as no longer used.")
	return redirect(c, "/patients/"+p.ID+"?tab=insurance")
}

type duplicateInput struct {
	SurvivorMRN string `form:"survivor_mrn" validate:"required,numeric,max=12"`
	Reason      string `form:"reason" validate:"required,max=200,printable"`
}

// patientMarkDuplicate records that this record duplicates another (the survivor).
func (a *App) patientMarkDuplicate(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in duplicateInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		_, err = a.Patients.MarkDuplicate(c.UserContext(), p.ID, in.SurvivorMRN, in.Reason, currentUser(c).Username)
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, p.ID, "duplicate-of"); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Marked as a duplicate of MRN "+in.SurvivorMRN+".")
			return redirect(c, "/patients/"+p.ID)
		case errors.Is(err, store.ErrNotFound):
			errs["survivor_mrn"] = "No patient has this MRN."
		case errors.Is(err, patients.ErrNotASurvivor):
			errs["survivor_mrn"] = "That record is this one, or is itself a duplicate: name the surviving record."
		case errors.Is(err, store.ErrConflict):
			errs["survivor_mrn"] = "This record is already marked as a duplicate."
		default:
			return err
		}
	}
	return a.renderChart(c, p, "overview", errs, map[string]string{"survivor_mrn": in.SurvivorMRN, "reason": in.Reason})
}
