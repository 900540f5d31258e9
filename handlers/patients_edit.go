package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/patients"
	"hms/views"
)

// patientEditForm shows a patient's demographics for correction.
func (a *App) patientEditForm(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, p.ID, "edit-form"); err != nil {
		return err
	}
	vals := map[string]string{"version": strconv.FormatInt(p.Version, 10), "given": p.Given, "middle": p.Middle,
		"family": p.Family, "sex": p.Sex, "phone": p.Phone, "address": p.Address, "city": p.City, "pin": p.PIN,
		"id_kind": p.IDKind, "emerg_name": p.EmergName, "emerg_relation": p.EmergRel, "emerg_phone": p.EmergPhone,
		"blood_group": p.BloodGroup, "language": p.Language}
	if !p.DOB.IsZero() {
		vals["dob"] = p.DOB.Format("2006-01-02")
	}
	vm, err := a.editVM(c, p, vals, map[string]string{})
	if err != nil {
		return err
	}
	return a.page(c, "Edit "+p.Name(), views.PatientFormPage(vm))
}

func (a *App) editVM(c *fiber.Ctx, p patients.Patient, vals, errs map[string]string) (views.PatientFormVM, error) {
	b, err := a.banner(c, p)
	if err != nil {
		return views.PatientFormVM{}, err
	}
	opts, err := a.formOptions(c)
	vm := views.PatientFormVM{CSRF: a.csrfToken(c), Action: "/patients/" + p.ID, Title: "Edit details", Submit: "Save changes",
		Edit: true, Banner: &b, Values: vals, Errors: errs, Options: opts}
	if p.IDLast4 != "" {
		vm.IDOnFile = p.IDKind + " ending " + p.IDLast4
	}
	return vm, err
}

// patientUpdate saves corrected demographics; every change goes into the history.
func (a *App) patientUpdate(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in patientInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	d := a.demographics(in, errs)
	version, verr := strconv.ParseInt(in.Version, 10, 64)
	if verr != nil {
		return fiber.NewError(fiber.StatusBadRequest, "The form is missing its version; reload the page.")
	}
	if len(errs) == 0 {
		_, err = a.Patients.UpdateDemographics(c.UserContext(), p.ID, version, patients.Edit{Demographics: d, IDNumber: in.IDNumber}, currentUser(c).Username)
		var taken *patients.TakenError
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, p.ID, "demographics"); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Saved. The change is recorded in the record's history.")
			return redirect(c, "/patients/"+p.ID)
		case errors.Is(err, store.ErrConflict):
			errs["given"] = "Someone else changed this record while you were editing. Your entries are below; check the record and save again."
			if p, err = a.Patients.ByID(c.UserContext(), p.ID); err != nil {
				return err
			}
			in.Version = strconv.FormatInt(p.Version, 10)
		case errors.As(err, &taken):
			errs["id_number"] = "This ID number is already registered to MRN " + taken.MRN + "."
		default:
			return err
		}
	}
	vm, err := a.editVM(c, p, values(in), errs)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Edit "+p.Name(), views.PatientFormPage(vm))
}

// newbornInput is the newborn form: a name, sex and date of birth are enough.
type newbornInput struct {
	Token string `form:"token" validate:"max=64"`
	Given string `form:"given" validate:"required,max=80,printable"`
	Sex   string `form:"sex" validate:"required,oneof=F M O U"`
	DOB   string `form:"dob" validate:"required,max=10"`
}

// newbornName is how a baby is registered before being named.
func newbornName(mother patients.Patient) string {
	return patients.CleanName("Baby of " + mother.Given)
}

// patientNewbornForm registers a newborn of this mother in seconds.
func (a *App) patientNewbornForm(c *fiber.Ctx) error {
	mother, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	vals := map[string]string{"token": randomToken(), "given": newbornName(mother), "dob": today(a.cfg.Location).Format("2006-01-02")}
	vm, err := a.newbornVM(c, mother, vals, map[string]string{})
	if err != nil {
		return err
	}
	return a.page(c, "Register newborn", views.PatientFormPage(vm))
}

func (a *App) newbornVM(c *fiber.Ctx, mother patients.Patient, vals, errs map[string]string) (views.PatientFormVM, error) {
	b, err := a.banner(c, mother)
	if err != nil {
		return views.PatientFormVM{}, err
	}
	opts, err := a.formOptions(c)
	return views.PatientFormVM{CSRF: a.csrfToken(c), Action: "/patients/" + mother.ID + "/newborn", Title: "Register a newborn",
		Submit: "Register newborn", Newborn: true, MotherName: mother.Name(), MotherMRN: mother.MRN, Banner: &b,
		Values: vals, Errors: errs, Options: opts}, err
}

// patientNewbornCreate registers the baby, linked to the mother, with her family name.
func (a *App) patientNewbornCreate(c *fiber.Ctx) error {
	mother, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in newbornInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if !validToken(in.Token) {
		in.Token = randomToken()
	}
	errs := fieldErrors(a.validate.Struct(in))
	dob, _ := a.dateOfBirth(in.DOB, "", errs)
	if len(errs) == 0 {
		reg := patients.Registration{Demographics: patients.Demographics{Given: in.Given, Family: mother.Family, Sex: in.Sex, DOB: dob,
			Phone: mother.Phone, Address: mother.Address, City: mother.City, PIN: mother.PIN, Language: mother.Language,
			EmergName: mother.Name(), EmergRel: "Mother", EmergPhone: mother.Phone}, MotherID: mother.ID, Token: in.Token}
		p, err := a.Patients.Register(c.UserContext(), reg, currentUser(c).Username)
		switch {
		case err == nil, errors.Is(err, patients.ErrResubmitted):
			if err := a.auditChange(c, audit.ActionPatientCreate, p.ID, "newborn-of:"+mother.ID); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Registered "+p.Name()+" — MRN "+p.MRN+", linked to the mother (MRN "+mother.MRN+").")
			return redirect(c, "/patients/"+p.ID)
		default:
			return err
		}
	}
	vm, err := a.newbornVM(c, mother, values(in), errs)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Register newborn", views.PatientFormPage(vm))
}
