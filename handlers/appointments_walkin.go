package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

// walkInInput is the walk-in check-in form; token makes a double click check in once.
type walkInInput struct {
	Token          string `form:"token" validate:"max=64"`
	Doctor         string `form:"doctor" validate:"required,max=60"`
	Complaint      string `form:"complaint" validate:"max=300,printable"`
	Priority       string `form:"priority" validate:"omitempty,oneof=elderly emergency other"`
	PriorityReason string `form:"priority_reason" validate:"max=200,printable"`
}

// walkInForm asks for the doctor, complaint and priority of a patient without an appointment.
func (a *App) walkInForm(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	vm := views.WalkInVM{CSRF: a.csrfToken(c), Token: randomToken(), Values: map[string]string{}, Errors: map[string]string{}}
	if vm.Banner, err = a.banner(c, p); err != nil {
		return err
	}
	if vm.Doctors, err = a.deskDoctorChoices(c); err != nil {
		return err
	}
	return a.page(c, "Check in · "+p.Name(), views.WalkInPage(vm))
}

// walkIn checks the patient in: a visit with the doctor's next token of the day.
func (a *App) walkIn(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	var in walkInInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if !validToken(in.Token) {
		in.Token = randomToken()
	}
	errs := fieldErrors(a.validate.Struct(in))
	if _, ok, err := a.deskDoctor(c, in.Doctor); err != nil {
		return err
	} else if !ok && errs["doctor"] == "" {
		errs["doctor"] = "Choose a doctor from the list."
	}
	if in.Priority == opd.PriorityOther && strings.TrimSpace(in.PriorityReason) == "" && errs["priority_reason"] == "" {
		errs["priority_reason"] = "Say why this patient has priority."
	}
	if len(errs) == 0 {
		v, err := a.OPD.CheckIn(c.UserContext(), opd.CheckIn{PatientID: p.ID, Doctor: in.Doctor, Complaint: in.Complaint,
			Priority: in.Priority, PriorityReason: in.PriorityReason, Token: in.Token}, currentUser(c).Username)
		switch {
		case err == nil:
			return a.checkedIn(c, v, false)
		case errors.Is(err, opd.ErrAlreadyCheckedIn):
			return a.checkedIn(c, v, true)
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			errs["doctor"] = deskMessage(err)
		default:
			return err
		}
	}
	vm := views.WalkInVM{CSRF: a.csrfToken(c), Token: in.Token, Values: values(in), Errors: errs}
	if vm.Banner, err = a.banner(c, p); err != nil {
		return err
	}
	if vm.Doctors, err = a.deskDoctorChoices(c); err != nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Check in · "+p.Name(), views.WalkInPage(vm))
}

// checkedIn confirms a check-in with its token, on today's appointments page where the
// token is shown large.
func (a *App) checkedIn(c *fiber.Ctx, v opd.Visit, again bool) error {
	text := "Token " + strconv.FormatInt(v.Token, 10) + " — " + v.Name + " checked in for " + v.DoctorName + deskRoom(v.Room) + ", visit " + v.ID + "."
	kind := "ok"
	if again {
		kind, text = "info", "Already checked in: "+text
	}
	a.setFlash(c, kind, text)
	return redirect(c, "/appointments?date="+v.Date+"&dept="+v.Department+"&visit="+v.ID)
}
