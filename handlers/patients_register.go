package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store/audit"
	"hms/store/patients"
	"hms/views"
)

// patientNewForm is the registration form, with a one-time token so a double-clicked
// Save registers one patient.
func (a *App) patientNewForm(c *fiber.Ctx) error {
	vm, err := a.registerVM(c, map[string]string{"token": randomToken(), "allergy_status": patients.AllergiesUnknown,
		"rank": "primary"}, map[string]string{})
	if err != nil {
		return err
	}
	return a.page(c, "Register patient", views.PatientFormPage(vm))
}

func (a *App) registerVM(c *fiber.Ctx, vals, errs map[string]string) (views.PatientFormVM, error) {
	opts, err := a.formOptions(c)
	return views.PatientFormVM{CSRF: a.csrfToken(c), Action: "/patients", Title: "Register a new patient",
		Submit: "Register patient", Values: vals, Errors: errs, Options: opts}, err
}

// patientCreate registers a patient: validate, warn about possible duplicates (unless the
// clerk confirmed this is a new person), then store patient, account and keys.
func (a *App) patientCreate(c *fiber.Ctx) error {
	var in patientInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if !validToken(in.Token) {
		in.Token = randomToken()
	}
	errs := fieldErrors(a.validate.Struct(in))
	reg := patients.Registration{Demographics: a.demographics(in, errs), IDNumber: in.IDNumber,
		Allergies: allergiesOf(in, errs), Token: in.Token}
	pol, err := a.policy(c, in.policyInput, false, errs)
	if err != nil {
		return err
	}
	reg.Policy = pol
	vm, err := a.registerVM(c, values(in), errs)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return a.page(c, "Register patient", views.PatientFormPage(vm))
	}
	used, err := a.Patients.TokenUsed(c.UserContext(), in.Token)
	if err != nil {
		return err
	}
	if in.ConfirmNew != "1" && !used {
		cands, err := a.Patients.Candidates(c.UserContext(), reg.Demographics, in.IDNumber)
		if err != nil {
			return err
		}
		if len(cands) > 0 {
			for _, cd := range cands {
				vm.Candidates = append(vm.Candidates, views.CandidateRow{PatientRow: a.hitRow(cd.Hit), Reasons: strings.Join(cd.Reasons, ", ")})
			}
			return a.page(c, "Register patient", views.PatientFormPage(vm))
		}
	}
	p, err := a.Patients.Register(c.UserContext(), reg, currentUser(c).Username)
	var taken *patients.TakenError
	switch {
	case err == nil:
		if err := a.auditChange(c, audit.ActionPatientCreate, p.ID, "registration"); err != nil {
			return err
		}
		a.setFlash(c, "ok", "Registered "+p.Name()+" — MRN "+p.MRN+". Print the ID card and wristband from this page.")
		return redirect(c, "/patients/"+p.ID)
	case errors.Is(err, patients.ErrResubmitted):
		a.setFlash(c, "info", "This registration was already saved: MRN "+p.MRN+".")
		return redirect(c, "/patients/"+p.ID)
	case errors.As(err, &taken):
		errs["id_number"] = "This ID number is already registered to MRN " + taken.MRN + ". Open that record instead."
	case errors.Is(err, patients.ErrInFlight):
		errs["given"] = "This form is still being saved from another click. Wait a moment and search for the patient."
	default:
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Register patient", views.PatientFormPage(vm))
}
