package handlers

import (
	"errors"
	"slices"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/patients"
	"hms/store/portal"
	"hms/views"
)

// portalIDKinds are the photo documents a clerk may accept: the hospital's own card
// carries the MRN and proves nothing about who holds it.
var portalIDKinds = slices.DeleteFunc(slices.Clone(patients.IDKinds), func(k string) bool { return k == "Hospital ID" })

type portalCodeInput struct {
	IDKind  string `form:"id_kind" validate:"max=30"`
	Confirm string `form:"confirm" validate:"max=3"`
}

// portalCodeVM is the front desk's portal page of a patient.
func (a *App) portalCodeVM(c *fiber.Ctx, p patients.Patient, chosen string, errs map[string]string) (views.PortalCodeVM, error) {
	account, err := a.Portal.Account(c.UserContext(), p.ID)
	vm := views.PortalCodeVM{CSRF: a.csrfToken(c), PatientID: p.ID, Name: p.Name(), MRN: p.MRN, DOB: a.dob(p.DOB, p.DOBEstimated),
		Account: account, Errors: errs, Hospital: a.cfg.Hospital}
	vm.IDKinds = plainOptions(append([]string{""}, portalIDKinds...), "Choose…")
	for i := range vm.IDKinds {
		vm.IDKinds[i].Selected = vm.IDKinds[i].Value == chosen && chosen != ""
	}
	return vm, err
}

// portalCodeForm asks the clerk which identity document they checked.
func (a *App) portalCodeForm(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, p.ID, "portal:code"); err != nil {
		return err
	}
	vm, err := a.portalCodeVM(c, p, "", map[string]string{})
	if err != nil {
		return err
	}
	return a.page(c, "Portal access · MRN "+p.MRN, views.PortalCodePage(vm))
}

// portalCodeIssue prints a new activation code once the clerk confirmed the document.
func (a *App) portalCodeIssue(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in portalCodeInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if !slices.Contains(portalIDKinds, in.IDKind) {
		errs["id_kind"] = "Choose the photo identity document you checked."
	}
	if in.Confirm != "yes" {
		errs["confirm"] = "Confirm that you checked the document against the patient."
	}
	var issued portal.Issued
	if len(errs) == 0 {
		issued, err = a.Portal.IssueCode(c.UserContext(), p.ID, in.IDKind, currentUser(c).Username)
		switch {
		case errors.Is(err, portal.ErrHasAccount):
			errs["id_kind"] = "This patient already has a portal account."
		case errors.Is(err, store.ErrInvalid):
			errs["id_kind"] = deskMessage(err)
		case err != nil:
			return err
		}
	}
	vm, verr := a.portalCodeVM(c, p, in.IDKind, errs)
	if verr != nil {
		return verr
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return a.page(c, "Portal access · MRN "+p.MRN, views.PortalCodePage(vm))
	}
	if err := a.auditChange(c, "portal.code", p.ID, "portal:code:"+in.IDKind); err != nil {
		return err
	}
	vm.Code, vm.Expires = issued.Code, views.DateTime(issued.ExpiresAt, a.cfg.Location)
	return a.page(c, "Portal activation code · MRN "+p.MRN, views.PortalCodePage(vm))
}
