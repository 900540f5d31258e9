package handlers

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/views"
	"hms/views/components"
)

// admitInput is the admission form.
type admitInput struct {
	MRN          string `form:"mrn" query:"mrn" validate:"required,max=20,printable"`
	Source       string `form:"source" query:"source" validate:"required,oneof=opd emergency direct"`
	Visit        string `form:"visit" query:"visit" validate:"max=20,printable"`
	Doctor       string `form:"doctor" validate:"required,max=64,printable"`
	Department   string `form:"department" validate:"required,max=20,printable"`
	Diagnosis    string `form:"diagnosis" validate:"required,max=300,printable"`
	Reason       string `form:"reason" validate:"required,max=300,printable"`
	ExpectedDays string `form:"expected_days" validate:"required,max=3"`
	Bed          string `form:"bed" validate:"required,max=40"`
}

var mrnRE = regexp.MustCompile(`^[0-9]{1,12}$`)

// admitForm shows the admission form; ?mrn= and ?visit= fill it from the chart or the
// OPD visit the doctor decided to admit from.
func (a *App) admitForm(c *fiber.Ctx) error {
	in := admitInput{MRN: c.Query("mrn"), Visit: c.Query("visit"), Source: ipd.SourceDirect, ExpectedDays: "3"}
	ctx := c.UserContext()
	if visitIDRE.MatchString(in.Visit) {
		v, err := a.OPD.Visit(ctx, in.Visit)
		if err != nil {
			return notFound(err)
		}
		if err := a.auditRead(c, v.PatientID, "opd:"+v.ID); err != nil {
			return err
		}
		in.MRN, in.Source, in.Doctor, in.Department = v.MRN, ipd.SourceOPD, v.Doctor, v.Department
		var dx []string
		for _, d := range v.Diagnoses {
			dx = append(dx, strings.TrimSpace(strings.TrimSpace(d.Code+" "+d.Title)+" "+d.Text))
		}
		in.Diagnosis = strings.Join(dx, "; ")
	}
	return a.renderAdmit(c, in, map[string]string{}, "")
}

func (a *App) renderAdmit(c *fiber.Ctx, in admitInput, errs map[string]string, formErr string) error {
	ctx := c.UserContext()
	doctors, err := a.OPD.Doctors(ctx, "")
	if err != nil {
		return err
	}
	depts, err := a.Catalog.Departments(ctx)
	if err != nil {
		return err
	}
	patientID, sex := "", ""
	if id, err := a.Patients.IDByMRN(ctx, strings.TrimSpace(in.MRN)); err == nil {
		patientID = id
		if p, err := a.Patients.ByID(ctx, id); err == nil {
			sex = p.Sex
		}
	}
	beds, err := a.IPD.AllFreeBeds(ctx, patientID)
	if err != nil {
		return err
	}
	if w := c.Query("ward"); w != "" {
		// From a ward board: that ward's beds first.
		var first, rest []ipd.Bed
		for _, b := range beds {
			if b.Ward == w {
				first = append(first, b)
			} else {
				rest = append(rest, b)
			}
		}
		beds = append(first, rest...)
	}
	wards, err := a.wardMap(c)
	if err != nil {
		return err
	}
	cat := make([]catalog.Bed, len(beds))
	for i, b := range beds {
		cat[i] = b.Bed
	}
	names, err := a.bedTypeNames(c, cat)
	if err != nil {
		return err
	}
	f := wardForm{errs: errs, vals: values(in)}
	docOpts := []components.Option{{Value: "", Label: "Choose the admitting doctor"}}
	for _, d := range doctors {
		docOpts = append(docOpts, components.Option{Value: d.Username, Label: d.FullName + " (" + d.Department + ")"})
	}
	deptOpts := []components.Option{{Value: "", Label: "Choose the department"}}
	for _, d := range depts {
		if d.Clinical {
			deptOpts = append(deptOpts, components.Option{Value: d.Code, Label: d.Name})
		}
	}
	vm := views.AdmitVM{CSRF: a.csrfToken(c), FormError: formErr, Fields: []components.Field{
		field(f, "mrn", "Patient MRN", "text"),
		field(f, "source", "Admitted from", "select", options("direct", "Direct admission", "opd", "OPD visit", "emergency", "Emergency visit")...),
		field(f, "visit", "Visit number (OPD or emergency)", "text"),
		field(f, "doctor", "Admitting doctor", "select", docOpts...),
		field(f, "department", "Department", "select", deptOpts...),
		field(f, "expected_days", "Expected stay (days)", "text"),
		field(f, "diagnosis", "Diagnosis", "textarea"),
		field(f, "reason", "Reason for admission", "textarea"),
		field(f, "bed", "Bed (free beds that suit the patient)", "select", bedOptions(beds, names, wards, sex)...),
	}}
	vm.Fields[0].Inputmode, vm.Fields[5].Inputmode = "numeric", "numeric"
	if len(errs) > 0 || formErr != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return a.page(c, "Admit a patient", views.WardAdmit(vm))
}

// admit admits the patient into the chosen bed. A bed lost to another admission comes
// back with the next free bed of the same ward and type offered.
func (a *App) admit(c *fiber.Ctx) error {
	var in admitInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	ctx := c.UserContext()
	days, perr := strconv.Atoi(strings.TrimSpace(in.ExpectedDays))
	if errs["expected_days"] == "" && (perr != nil || days < 1 || days > 365) {
		errs["expected_days"] = "Enter 1–365 days."
	}
	patientID := ""
	if errs["mrn"] == "" {
		id, err := a.Patients.IDByMRN(ctx, strings.TrimSpace(in.MRN))
		if err != nil || !mrnRE.MatchString(strings.TrimSpace(in.MRN)) {
			errs["mrn"] = "No patient has this MRN."
		}
		patientID = id
	}
	if in.Source != ipd.SourceDirect && strings.TrimSpace(in.Visit) == "" && errs["visit"] == "" {
		errs["visit"] = "Enter the visit the admission comes from."
	}
	docName := ""
	if errs["doctor"] == "" {
		p, err := a.OPD.Profile(ctx, in.Doctor)
		if err != nil || !p.IsDoctor() {
			errs["doctor"] = "Choose a doctor from the list."
		}
		docName = p.FullName
	}
	if len(errs) > 0 {
		return a.renderAdmit(c, in, errs, "")
	}
	u := currentUser(c)
	adm, err := a.IPD.Admit(ctx, ipd.AdmitInput{PatientID: patientID, Source: in.Source, SourceRef: in.Visit, Doctor: in.Doctor,
		DoctorName: docName, Department: in.Department, Diagnosis: in.Diagnosis, Reason: in.Reason, ExpectedDays: days, Bed: in.Bed}, u.Username)
	var taken *ipd.BedTakenError
	switch {
	case err == nil:
		if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":admit"); err != nil {
			return err
		}
		a.setFlash(c, "ok", adm.Name+" admitted to bed "+adm.Bed+" ("+adm.ID+").")
		return redirect(c, "/ward/adm/"+adm.ID)
	case errors.As(err, &taken):
		errs["bed"] = "This bed was just taken by another admission."
		if taken.Next != "" {
			errs["bed"] += " Bed " + taken.Next + " of the same ward and type is free: it is chosen below."
			in.Bed = taken.Next
		}
	case errors.Is(err, ipd.ErrAlreadyAdmitted):
		errs["mrn"] = strings.TrimPrefix(err.Error(), "store: already exists: ") + "."
	case errors.Is(err, ipd.ErrBedUnsuitable):
		errs["bed"] = strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ") + "."
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
		return a.renderAdmit(c, in, errs, "Not admitted: "+strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ")+".")
	default:
		return err
	}
	return a.renderAdmit(c, in, errs, "")
}
