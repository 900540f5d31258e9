package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/store/patients"
	"hms/views"
)

// bookInput is the booking form: the slot button sends start, the rest rides along.
type bookInput struct {
	Doctor string `form:"doctor" validate:"required,max=60"`
	Date   string `form:"date" validate:"max=10"`
	Start  string `form:"start" validate:"max=40"`
	Reason string `form:"reason" validate:"max=200,printable"`
}

// bookForm shows the booking page; for htmx (doctor or date changed) only the slots.
func (a *App) bookForm(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	date := c.Query("date", a.OPD.Today())
	vm, err := a.bookVM(c, p, c.Query("doctor"), date, "", map[string]string{})
	if err != nil {
		return err
	}
	if isPartial(c) {
		return render(c, views.SlotPanel(vm.Panel))
	}
	return a.page(c, "Book appointment · "+p.Name(), views.BookPage(vm))
}

func (a *App) bookVM(c *fiber.Ctx, p patients.Patient, doctor, date, reason string, errs map[string]string) (views.BookVM, error) {
	vm := views.BookVM{CSRF: a.csrfToken(c), Action: "/patients/" + p.ID + "/book", Doctor: doctor, Date: date,
		Dates: a.deskDates(), Errors: errs}
	var err error
	if vm.Banner, err = a.banner(c, p); err != nil {
		return vm, err
	}
	if vm.Doctors, err = a.deskDoctorChoices(c); err != nil {
		return vm, err
	}
	if doctor != "" && !deskHasOption(vm.Doctors, doctor) && errs["doctor"] == "" {
		errs["doctor"] = "Choose a doctor from the list."
	}
	if !deskHasOption(vm.Dates, date) && errs["date"] == "" {
		errs["date"] = "Choose a date from the list: today or one of the next 14 days."
	}
	vm.Panel, err = a.deskSlotPanel(c, "/patients/"+p.ID+"/appointments", doctor, date, errs)
	vm.Panel.ShowReason, vm.Panel.Reason = true, reason
	return vm, err
}

// book books the chosen slot. A slot taken meanwhile (the store's key decides) comes
// back as "slot just taken" beside the refreshed slots, the choices kept.
func (a *App) book(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in bookInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	doc, ok, err := a.deskDoctor(c, in.Doctor)
	if err != nil {
		return err
	}
	if !ok && errs["doctor"] == "" {
		errs["doctor"] = "Choose a doctor from the list."
	}
	start, perr := time.Parse(time.RFC3339, in.Start)
	if perr != nil && errs["start"] == "" {
		errs["start"] = "Choose one of the free slots."
	}
	if len(errs) == 0 {
		ap, err := a.OPD.Book(c.UserContext(), opd.Booking{PatientID: p.ID, Doctor: doc.Username, Start: start, Reason: in.Reason}, currentUser(c).Username)
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Booked "+ap.Name+" with "+ap.DoctorName+" on "+a.deskDayLabel(ap.Date)+" at "+a.deskClock(ap.Start)+
				deskRoom(ap.Room)+" — appointment "+ap.ID+".")
			return redirect(c, "/appointments?date="+ap.Date+"&dept="+ap.Department)
		case errors.Is(err, opd.ErrSlotTaken):
			if mine, err := a.ownBooking(c, p.ID, doc.Username, start); err != nil || mine != "" {
				if err != nil {
					return err
				}
				a.setFlash(c, "info", "This slot is already booked for "+p.Name()+" (appointment "+mine+").")
				return redirect(c, "/appointments?date="+a.OPD.DateOf(start)+"&dept="+doc.Department)
			}
			errs["start"] = "Slot just taken: " + a.deskClock(start) + " was booked by someone else a moment ago. Choose another slot."
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
			errs["start"] = deskMessage(err)
		default:
			return err
		}
	}
	if perr == nil && !deskHasOption(a.deskDates(), in.Date) {
		in.Date = a.OPD.DateOf(start)
	}
	vm, err := a.bookVM(c, p, in.Doctor, in.Date, in.Reason, errs)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	if isPartial(c) {
		return render(c, views.BookBody(vm))
	}
	return a.page(c, "Book appointment · "+p.Name(), views.BookPage(vm))
}

// ownBooking finds the patient's own booked appointment at start (a double-clicked slot).
func (a *App) ownBooking(c *fiber.Ctx, patientID, doctor string, start time.Time) (string, error) {
	day, err := a.OPD.Day(c.UserContext(), a.OPD.DateOf(start), doctor)
	if err != nil {
		return "", err
	}
	for _, ap := range day.Appointments {
		if ap.Start.Equal(start) && ap.PatientID == patientID && ap.Status == opd.ApptBooked {
			return ap.ID, nil
		}
	}
	return "", nil
}

func deskRoom(room string) string {
	if room == "" {
		return ""
	}
	return " (room " + room + ")"
}
