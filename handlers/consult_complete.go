package handlers

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/opd"
	"hms/views"
)

type consultCompleteInput struct {
	FollowUpDate  string `form:"follow_up_date" validate:"max=10"`
	FollowUpNote  string `form:"follow_up_note" validate:"max=200,printable"`
	SignNote      string `form:"sign_note" validate:"omitempty,oneof=1"`
	FollowUpVisit string `form:"follow_up_visit" validate:"omitempty,oneof=1"`
}

// consultFollowUpService is the price-list code of a follow-up consultation.
const consultFollowUpService = "CONS-FU"

// consultComplete ends the consultation: once, however often it is sent (double click,
// two tabs); the second answer is a message, not an error. Then back to the queue.
func (a *App) consultComplete(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	var in consultCompleteInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if in.FollowUpDate != "" && errs["follow_up_date"] == "" {
		d, err := time.Parse(opd.DateLayout, in.FollowUpDate)
		switch {
		case err != nil:
			errs["follow_up_date"] = "Not a real date: use the calendar or type YYYY-MM-DD."
		case in.FollowUpDate <= a.OPD.Today():
			errs["follow_up_date"] = "The follow-up date must be after today."
		case d.After(time.Now().AddDate(2, 0, 0)):
			errs["follow_up_date"] = "That is more than two years ahead: check the year."
		}
	}
	if v.Status == opd.StateCompleted {
		a.setFlash(c, "info", "This visit was already completed (token "+strconv.FormatInt(v.Token, 10)+", "+v.Name+"). Nothing was changed.")
		return redirect(c, "/opd")
	}
	if len(errs) == 0 {
		comp := opd.Completion{FollowUpDate: in.FollowUpDate, FollowUpNote: in.FollowUpNote, SignNote: in.SignNote == "1", Signer: signerOf(c)}
		if in.FollowUpVisit == "1" {
			comp.ServiceCode = consultFollowUpService
		}
		_, err = a.OPD.Complete(c.UserContext(), v.ID, comp, currentUser(c).Username)
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, v.PatientID, "opd:"+v.ID+":complete"); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Visit completed: token "+strconv.FormatInt(v.Token, 10)+", "+v.Name+".")
			return redirect(c, "/opd")
		case errors.Is(err, opd.ErrAlreadyDone):
			a.setFlash(c, "info", "This visit was already completed (token "+strconv.FormatInt(v.Token, 10)+", "+v.Name+"). Nothing was changed.")
			return redirect(c, "/opd")
		case errors.Is(err, opd.ErrNoPrice):
			errs["_form"] = "No consultation price is in force for this visit, so it cannot be charged. Ask billing to check the price list."
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
			errs["_form"] = consultStoreMessage(err)
		default:
			return err
		}
	}
	return a.renderConsult(c, v, "complete", values(in), errs)
}

// consultPrescription is the printable prescription of a visit.
func (a *App) consultPrescription(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := a.Patients.ByID(ctx, v.PatientID)
	if err != nil {
		return err
	}
	vm := views.PrescriptionPrintVM{Hospital: a.cfg.Hospital, VisitID: v.ID, VisitNumber: v.ID, Date: views.Date(v.CheckedInAt, a.cfg.Location),
		Printed: views.DateTime(time.Now(), a.cfg.Location), Name: p.Name(), MRN: p.MRN, AgeSex: v.AgeSex,
		DoctorName: v.DoctorName, Department: v.Department, Room: v.Room, FollowUp: v.FollowUpDate, FollowUpNote: v.FollowUpNote}
	switch prof, err := a.OPD.Profile(ctx, v.Doctor); {
	case err == nil:
		vm.Licence = prof.Licence
		if prof.Specialty != "" {
			vm.Department = prof.Specialty
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	switch {
	case len(p.Allergies.Items) > 0:
		vm.AllergyAlert = true
		vm.Allergies = "ALLERGIES: "
		for i, al := range p.Allergies.Items {
			if i > 0 {
				vm.Allergies += ", "
			}
			vm.Allergies += al.Substance
		}
	case p.Allergies.Status == "nka":
		vm.Allergies = "No known allergies"
	default:
		vm.Allergies = "Allergies not recorded"
	}
	for _, d := range v.Diagnoses {
		text := d.Title
		if d.Code != "" {
			text = d.Code + " " + d.Title
		}
		if d.Text != "" {
			text = (text + " " + d.Text)
		}
		vm.Diagnoses = append(vm.Diagnoses, text)
	}
	for _, rx := range v.ActivePrescriptions() {
		vm.Lines = append(vm.Lines, consultRx(rx))
	}
	for _, o := range v.Orders {
		if o.Status != opd.OrderOrdered {
			continue
		}
		if o.Kind == opd.OrderLab {
			vm.LabOrders = append(vm.LabOrders, o.Name)
		} else {
			vm.RadiologyOrders = append(vm.RadiologyOrders, o.Name)
		}
	}
	return a.page(c, "Prescription "+v.ID, views.PrescriptionPrint(vm))
}
