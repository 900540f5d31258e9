package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

type rescheduleInput struct {
	Date  string `form:"date" validate:"max=10"`
	Start string `form:"start" validate:"max=40"`
}

// rescheduleForm shows the doctor's slots on a date to move the appointment to.
func (a *App) rescheduleForm(c *fiber.Ctx) error {
	ap, err := a.apptByParam(c)
	if err != nil {
		return err
	}
	if ap.Status != opd.ApptBooked {
		a.setFlash(c, "info", "Appointment "+ap.ID+" is "+deskApptStatus[ap.Status][0]+": it cannot be moved.")
		return redirect(c, deskDayURL(ap))
	}
	date := c.Query("date", ap.Date)
	if !deskHasOption(a.deskDates(), date) && c.Query("date") == "" {
		date = a.OPD.Today()
	}
	vm, err := a.rescheduleVM(c, ap, date, map[string]string{})
	if err != nil {
		return err
	}
	if isPartial(c) {
		return render(c, views.SlotPanel(vm.Panel))
	}
	return a.page(c, "Reschedule appointment", views.ReschedulePage(vm))
}

func (a *App) rescheduleVM(c *fiber.Ctx, ap opd.Appointment, date string, errs map[string]string) (views.RescheduleVM, error) {
	action := "/appointments/" + ap.ID + "/reschedule"
	vm := views.RescheduleVM{CSRF: a.csrfToken(c), Appt: a.apptSummary(ap), Action: action, Date: date, Dates: a.deskDates()}
	var err error
	vm.Panel, err = a.deskSlotPanel(c, action, ap.Doctor, date, errs)
	return vm, err
}

// reschedule moves the appointment to the chosen slot of the same doctor.
func (a *App) reschedule(c *fiber.Ctx) error {
	ap, err := a.apptByParam(c)
	if err != nil {
		return err
	}
	var in rescheduleInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	start, perr := time.Parse(time.RFC3339, in.Start)
	if perr != nil && errs["start"] == "" {
		errs["start"] = "Choose one of the free slots."
	}
	if len(errs) == 0 {
		moved, err := a.OPD.Reschedule(c.UserContext(), ap.ID, start, currentUser(c).Username)
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Moved "+moved.Name+"'s appointment with "+moved.DoctorName+" to "+a.deskDayLabel(moved.Date)+" at "+a.deskClock(moved.Start)+".")
			return redirect(c, deskDayURL(moved))
		case errors.Is(err, opd.ErrSlotTaken):
			errs["start"] = "Slot just taken: " + a.deskClock(start) + " was booked by someone else a moment ago. Choose another slot."
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			errs["start"] = deskMessage(err)
		default:
			return err
		}
	}
	if !deskHasOption(a.deskDates(), in.Date) {
		in.Date = ap.Date
	}
	vm, err := a.rescheduleVM(c, ap, in.Date, errs)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	if isPartial(c) {
		return render(c, views.RescheduleBody(vm))
	}
	return a.page(c, "Reschedule appointment", views.ReschedulePage(vm))
}
