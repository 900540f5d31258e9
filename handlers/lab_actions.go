package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/lab"
	"hms/store/opd"
)

// actionInput is what every order action form carries: the version the user saw.
type actionInput struct {
	Version string `form:"version"`
	Where   string `form:"where"`
	Reason  string `form:"reason"`
}

func (in actionInput) version() int64 {
	v, _ := strconv.ParseInt(in.Version, 10, 64)
	return v
}

// labAct runs one state change of an order and answers with the order page: the new
// state, or the old one with why it was refused.
func (a *App) labAct(c *fiber.Ctx, what string, do func(o lab.Order, in actionInput, u *sessionUser) (lab.Order, error)) error {
	o, err := a.labOrder(c)
	if err != nil {
		return err
	}
	var in actionInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	next, err := do(o, in, u)
	if err == nil {
		if err := a.auditChange(c, "lab."+what, o.PatientID, "lab_order:"+o.ID); err != nil {
			return err
		}
		return redirect(c, "/lab/orders/"+o.ID)
	}
	msg, ok := labMessage(err)
	if !ok {
		return err
	}
	if next.ID == "" {
		next = o
	}
	errs := map[string]string{}
	if what == "reject" {
		errs["reject"] = msg
		msg = ""
	}
	return a.renderLabOrder(c, next, "", map[string]string{"reason": in.Reason}, errs, msg)
}

// labMessage is what the user reads for an expected refusal; false for anything else.
func labMessage(err error) (string, bool) {
	switch {
	case errors.Is(err, lab.ErrSamePerson):
		return "You entered these results: a second person must verify them.", true
	case errors.Is(err, store.ErrConflict):
		return "Not saved: " + storeReason(err) + ". The page now shows what is stored.", true
	case errors.Is(err, store.ErrInvalid):
		return deskMessage(err), true
	}
	return "", false
}

func (a *App) labCollect(c *fiber.Ctx) error {
	return a.labAct(c, "collect", func(o lab.Order, in actionInput, u *sessionUser) (lab.Order, error) {
		return a.Lab.Collect(c.UserContext(), o.ID, in.Where, u.Username)
	})
}

func (a *App) labReceive(c *fiber.Ctx) error {
	return a.labAct(c, "receive", func(o lab.Order, _ actionInput, u *sessionUser) (lab.Order, error) {
		return a.Lab.Receive(c.UserContext(), o.ID, u.Username)
	})
}

func (a *App) labReject(c *fiber.Ctx) error {
	return a.labAct(c, "reject", func(o lab.Order, in actionInput, u *sessionUser) (lab.Order, error) {
		return a.Lab.Reject(c.UserContext(), o.ID, in.Reason, u.Username)
	})
}

func (a *App) labVerify(c *fiber.Ctx) error {
	return a.labAct(c, "verify", func(o lab.Order, in actionInput, u *sessionUser) (lab.Order, error) {
		return a.Lab.Verify(c.UserContext(), o.ID, in.version(), u.Username, u.FullName, roleNames(u.Roles))
	})
}

func (a *App) labPreliminary(c *fiber.Ctx) error {
	return a.labAct(c, "release", func(o lab.Order, in actionInput, u *sessionUser) (lab.Order, error) {
		return a.Lab.ReleasePreliminary(c.UserContext(), o.ID, in.version(), u.Username)
	})
}

type cancelInput struct {
	Reason string `form:"cancel_reason" validate:"required,max=200,printable"`
}

// labCancel cancels an order until it is resulted; the lab charge is reversed.
func (a *App) labCancel(c *fiber.Ctx) error {
	o, err := a.labOrder(c)
	if err != nil {
		return err
	}
	var in cancelInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		_, err := a.Lab.Cancel(c.UserContext(), o.ID, in.Reason, currentUser(c).Username)
		if err == nil || errors.Is(err, opd.ErrAlreadyDone) {
			if err := a.auditChange(c, "lab.cancel", o.PatientID, "lab_order:"+o.ID); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Order cancelled.")
			return redirect(c, "/lab/orders/"+o.ID)
		}
		msg, ok := labMessage(err)
		if !ok {
			return err
		}
		errs["cancel_reason"] = msg
	}
	return a.renderLabOrder(c, o, "", map[string]string{"cancel_reason": in.Reason}, errs, "")
}

// resultValues reads the r_<code> fields of a result form, for the order's tests only.
func (a *App) resultValues(c *fiber.Ctx, o lab.Order) (map[string]string, error) {
	tests, err := a.Lab.Tests(c.UserContext(), o)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(tests))
	for _, t := range tests {
		v := c.FormValue("r_" + t.Code)
		if len(v) > 500 {
			v = v[:500]
		}
		out[t.Code] = v
	}
	return out, nil
}

// labResults stores the technician's results; refused values come back next to their field.
func (a *App) labResults(c *fiber.Ctx) error {
	return a.labSaveResults(c, false)
}

// labAmend corrects released results with a reason (pathologist).
func (a *App) labAmend(c *fiber.Ctx) error {
	return a.labSaveResults(c, true)
}

func (a *App) labSaveResults(c *fiber.Ctx, amend bool) error {
	o, err := a.labOrder(c)
	if err != nil {
		return err
	}
	if err := parseForm(c, &struct{}{}); err != nil {
		return err
	}
	values, err := a.resultValues(c, o)
	if err != nil {
		return err
	}
	u := currentUser(c)
	version, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	reason := strings.TrimSpace(c.FormValue("reason"))
	if amend {
		_, err = a.Lab.Amend(c.UserContext(), o.ID, version, values, reason, u.Username, u.FullName, roleNames(u.Roles))
	} else {
		_, err = a.Lab.EnterResults(c.UserContext(), o.ID, version, values, u.Username, u.FullName)
	}
	if err == nil {
		action := "lab.result"
		if amend {
			action = "lab.amend"
		}
		if err := a.auditChange(c, action, o.PatientID, "lab_order:"+o.ID); err != nil {
			return err
		}
		a.setFlash(c, "ok", "Results saved.")
		return redirect(c, "/lab/orders/"+o.ID)
	}
	form := "edit"
	if amend {
		form = "amend"
	}
	var fe lab.FieldErrors
	if errors.As(err, &fe) {
		values["reason"] = reason
		return a.renderLabOrder(c, o, form, values, fe, "Nothing was saved: correct the marked results.")
	}
	msg, ok := labMessage(err)
	if !ok {
		return err
	}
	// Someone else saved first: show what is stored now, with the message.
	cur, err := a.Lab.Order(c.UserContext(), o.ID)
	if err != nil {
		return err
	}
	return a.renderLabOrder(c, cur, "", nil, nil, msg)
}
