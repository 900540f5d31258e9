package handlers

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/audit"
	"hms/store/portal"
	"hms/views"
)

type activateInput struct {
	Code     string `form:"code" validate:"required,max=20"`
	MRN      string `form:"mrn" validate:"required,max=20"`
	DOB      string `form:"dob" validate:"required,max=10"`
	Username string `form:"username" validate:"required,max=32"`
	Password string `form:"password" validate:"required,max=256"`
	Confirm  string `form:"confirm" validate:"required,max=256"`
}

// activationMessages are what the patient reads for each refusal of their code.
var activationMessages = map[error]string{
	portal.ErrNoMatch:     "The activation code, hospital number and date of birth do not match our records. Check them against your printed slip and your hospital card.",
	portal.ErrCodeUsed:    "This activation code has already been used. If you did not use it, ask the front desk for a new code.",
	portal.ErrCodeExpired: "This activation code has expired (codes last 24 hours). Ask the front desk for a new one; bring photo identification.",
	portal.ErrHasAccount:  "Your record already has a portal account. Sign in with it, or ask the front desk for help.",
	portal.ErrLocked:      "Too many wrong attempts. Try again in 15 minutes, or ask the front desk for help.",
}

func (a *App) portalActivateForm(c *fiber.Ctx) error {
	return a.page(c, "Activate your portal account", views.PortalActivatePage(views.PortalActivateVM{CSRF: a.csrfToken(c), Errors: map[string]string{}}))
}

// portalActivate turns a printed code into the patient's account, then sends them to sign in.
func (a *App) portalActivate(c *fiber.Ctx) error {
	var in activateInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	vm := views.PortalActivateVM{Code: in.Code, MRN: in.MRN, DOB: in.DOB, Username: in.Username, Errors: fieldErrors(a.validate.Struct(in))}
	refuse := func(status int) error {
		vm.CSRF = a.csrfToken(c)
		c.Status(status)
		return a.page(c, "Activate your portal account", views.PortalActivatePage(vm))
	}
	dob, err := time.Parse(time.DateOnly, strings.TrimSpace(in.DOB))
	if err != nil && vm.Errors["dob"] == "" {
		vm.Errors["dob"] = "Enter your date of birth."
	}
	if in.Password != in.Confirm && vm.Errors["confirm"] == "" {
		vm.Errors["confirm"] = "The two passwords differ."
	}
	if len(vm.Errors) > 0 {
		return refuse(fiber.StatusUnprocessableEntity)
	}
	u, err := a.Portal.Activate(c.UserContext(), portal.Activation{Code: in.Code, MRN: in.MRN, DOB: dob,
		Username: in.Username, Password: in.Password, IP: c.IP()})
	var fe *portal.FieldError
	switch {
	case errors.As(err, &fe):
		vm.Errors[fe.Field] = fe.Msg
		return refuse(fiber.StatusUnprocessableEntity)
	case errors.Is(err, portal.ErrLocked):
		a.log.Warn("portal activation locked out", "ip", c.IP())
		vm.Error = activationMessages[portal.ErrLocked]
		return refuse(fiber.StatusTooManyRequests)
	case err != nil:
		for sentinel, msg := range activationMessages {
			if errors.Is(err, sentinel) {
				a.log.Info("portal activation refused", "ip", c.IP(), "why", sentinel.Error())
				_ = a.record(c, audit.Entry{User: "portal-activation", Action: "portal.activate", Object: "refused",
					Outcome: audit.Failed, RequestID: requestID(c), IP: c.IP()})
				vm.Error = msg
				return refuse(fiber.StatusUnprocessableEntity)
			}
		}
		return err
	}
	if err := a.record(c, audit.Entry{User: u.Username, Role: string(RolePatient), Action: "portal.activate", PatientID: u.PatientID,
		Object: "account", Outcome: audit.OK, RequestID: requestID(c), IP: c.IP()}); err != nil {
		return err
	}
	a.setFlash(c, "ok", "Your account is ready. Sign in with the username and password you chose.")
	return redirect(c, "/login")
}
