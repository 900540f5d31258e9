package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

// deskDayURL is the appointments page of an appointment's date and department.
func deskDayURL(ap opd.Appointment) string {
	return "/appointments?date=" + ap.Date + "&dept=" + ap.Department
}

// apptCheckIn checks in a booked appointment of today: a visit with the next token.
func (a *App) apptCheckIn(c *fiber.Ctx) error {
	ap, err := a.apptByParam(c)
	if err != nil {
		return err
	}
	v, err := a.OPD.CheckIn(c.UserContext(), opd.CheckIn{AppointmentID: ap.ID}, currentUser(c).Username)
	switch {
	case err == nil:
		return a.checkedIn(c, v, false)
	case errors.Is(err, opd.ErrAlreadyCheckedIn):
		return a.checkedIn(c, v, true)
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
		a.setFlash(c, "error", "Not checked in: "+deskMessage(err))
		return redirect(c, deskDayURL(ap))
	}
	return err
}

// apptCancelForm asks for the reason to cancel.
func (a *App) apptCancelForm(c *fiber.Ctx) error {
	ap, err := a.apptByParam(c)
	if err != nil {
		return err
	}
	if ap.Status != opd.ApptBooked {
		a.setFlash(c, "info", "Appointment "+ap.ID+" is "+deskApptStatus[ap.Status][0]+": nothing to cancel.")
		return redirect(c, deskDayURL(ap))
	}
	return a.page(c, "Cancel appointment", views.CancelPage(views.CancelVM{CSRF: a.csrfToken(c), Appt: a.apptSummary(ap), Errors: map[string]string{}}))
}

// apptCancel cancels with a reason (required) and frees the slot.
func (a *App) apptCancel(c *fiber.Ctx) error {
	ap, err := a.apptByParam(c)
	if err != nil {
		return err
	}
	var in reasonInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	errs := fieldErrors(a.validate.Struct(in))
	if errs["reason"] == "Required." {
		errs["reason"] = "Say why the appointment is cancelled."
	}
	if len(errs) == 0 {
		_, err := a.OPD.CancelAppointment(c.UserContext(), ap.ID, in.Reason, currentUser(c).Username)
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Cancelled "+ap.Name+"'s appointment with "+ap.DoctorName+" at "+a.deskClock(ap.Start)+"; the slot is free again.")
			return redirect(c, deskDayURL(ap))
		case errors.Is(err, opd.ErrAlreadyDone):
			a.setFlash(c, "info", "This appointment was already cancelled.")
			return redirect(c, deskDayURL(ap))
		case errors.Is(err, store.ErrInvalid): // checked in or marked no-show meanwhile
			a.setFlash(c, "error", "Not cancelled: "+deskMessage(err))
			return redirect(c, deskDayURL(ap))
		default:
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Cancel appointment", views.CancelPage(views.CancelVM{CSRF: a.csrfToken(c), Appt: a.apptSummary(ap), Reason: in.Reason, Errors: errs}))
}

// apptNoShow marks that the patient did not come (only once the slot has started).
func (a *App) apptNoShow(c *fiber.Ctx) error {
	ap, err := a.apptByParam(c)
	if err != nil {
		return err
	}
	_, err = a.OPD.MarkNoShow(c.UserContext(), ap.ID, currentUser(c).Username)
	switch {
	case err == nil:
		a.setFlash(c, "ok", ap.Name+" marked as no-show ("+a.deskClock(ap.Start)+", "+ap.DoctorName+").")
	case errors.Is(err, opd.ErrAlreadyDone):
		a.setFlash(c, "info", ap.Name+" was already marked as no-show.")
	case errors.Is(err, store.ErrInvalid):
		a.setFlash(c, "error", "Not marked: "+deskMessage(err))
	default:
		return err
	}
	return redirect(c, deskDayURL(ap))
}

type noShowsInput struct {
	Doctor string `form:"doctor" validate:"required,max=60"`
	Date   string `form:"date" validate:"required,len=10"`
}

// apptNoShows marks every appointment of a doctor's date still booked after its start.
func (a *App) apptNoShows(c *fiber.Ctx) error {
	var in noShowsInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if errs := fieldErrors(a.validate.Struct(in)); len(errs) > 0 {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "Choose the doctor and date from the appointments page.")
	}
	doc, ok, err := a.deskDoctor(c, in.Doctor)
	if err != nil {
		return err
	}
	if !ok {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "Choose the doctor from the appointments page.")
	}
	n, err := a.OPD.MarkNoShows(c.UserContext(), in.Date, doc.Username, currentUser(c).Username)
	switch {
	case errors.Is(err, store.ErrInvalid):
		return fiber.NewError(fiber.StatusUnprocessableEntity, deskMessage(err))
	case err != nil:
		return err
	}
	a.setFlash(c, "ok", deskPlural(n, "appointment")+" of "+doc.FullName+" marked as no-show.")
	return redirect(c, "/appointments?date="+in.Date+"&dept="+doc.Department)
}

// apptSummary is the appointment at the top of its reschedule and cancel pages.
func (a *App) apptSummary(ap opd.Appointment) views.ApptSummaryVM {
	return views.ApptSummaryVM{ID: ap.ID, Name: ap.Name, MRN: ap.MRN, PatientID: ap.PatientID, DoctorName: ap.DoctorName,
		When: a.deskDayLabel(ap.Date) + " at " + a.deskClock(ap.Start), Room: ap.Room, Reason: ap.Reason, Back: deskDayURL(ap)}
}
