package handlers

import (
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/lab"
	"hms/views"
)

// alertIDRE is the shape of a critical alert id (crit:<order>:<n>).
var alertIDRE = regexp.MustCompile(`^crit:[A-Za-z0-9]{1,24}-L[0-9]{1,4}:[0-9]{1,3}$`)

// resultAlerts is the clinician's list of critical results to acknowledge (their own
// orders and those escalated to them). It polls; opening it records that each was seen.
func (a *App) resultAlerts(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	if _, err := a.Lab.Escalate(ctx); err != nil { // the timer sweeps too; a reader need not wait for it
		return err
	}
	items, version, err := a.Lab.AlertsFor(ctx, u.Username)
	if err != nil {
		return err
	}
	vm := views.LabAlertsVM{CSRF: a.csrfToken(c), PollHeaders: pollHeaders(), Version: fingerprint(version, len(items))}
	if isPartial(c) && c.Query("v") == vm.Version {
		return c.SendStatus(fiber.StatusNoContent)
	}
	for _, it := range items {
		vm.Rows = append(vm.Rows, views.LabAlertRow{ID: it.ID, OrderID: it.Ref, PatientID: it.PatientID, Name: it.Name, MRN: it.MRN,
			Summary: it.Summary, Raised: views.DateTime(it.At, a.cfg.Location), Doctor: it.Where, Escalated: it.Status == "escalated"})
		if err := a.Lab.MarkSeen(ctx, it.ID, u.Username); err != nil {
			return err
		}
	}
	return a.page(c, "Critical results", views.LabAlerts(vm))
}

// resultAlertAck acknowledges a critical result on screen.
func (a *App) resultAlertAck(c *fiber.Ctx) error {
	id := c.Params("id")
	if !alertIDRE.MatchString(id) {
		return fiber.ErrNotFound
	}
	al, err := a.Lab.Acknowledge(c.UserContext(), id, currentUser(c).Username, nil)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, store.ErrInvalid):
		a.setFlash(c, "error", strings.TrimPrefix(err.Error(), store.ErrInvalid.Error()+": "))
		return redirect(c, "/results/alerts")
	case err != nil:
		return err
	}
	if err := a.auditChange(c, "lab.critical.ack", al.PatientID, "lab_alert:"+id); err != nil {
		return err
	}
	a.setFlash(c, "ok", "Critical result acknowledged: "+al.Values+".")
	return redirect(c, "/results/alerts")
}

type readBackInput struct {
	ReceivedBy string `form:"received_by" validate:"max=100,printable"`
	ReadBack   string `form:"read_back"`
}

// labReadBack records a critical result telephoned by the lab and read back by the receiver.
func (a *App) labReadBack(c *fiber.Ctx) error {
	id := c.Params("id")
	if !alertIDRE.MatchString(id) {
		return fiber.ErrNotFound
	}
	var in readBackInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	al, err := a.Lab.Alert(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		_, err = a.Lab.Acknowledge(c.UserContext(), id, currentUser(c).Username,
			&lab.ReadBack{ReceivedBy: in.ReceivedBy, ReadBack: in.ReadBack == "yes"})
		if err == nil {
			if err := a.auditChange(c, "lab.critical.readback", al.PatientID, "lab_alert:"+id); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Telephoned result recorded.")
			return redirect(c, "/lab/orders/"+al.OrderID)
		}
		msg, ok := labMessage(err)
		if !ok {
			return err
		}
		errs["received_by"] = msg
	}
	o, err := a.Lab.Order(c.UserContext(), al.OrderID)
	if err != nil {
		return err
	}
	return a.renderLabOrder(c, o, "", map[string]string{"received_by": in.ReceivedBy}, errs, "")
}

// alertBox shows an order's critical alert and its steps.
func alertBox(al lab.Alert, loc *time.Location) *views.LabOpenAlert {
	box := &views.LabOpenAlert{ID: al.ID, Values: al.Values, Doctor: al.DoctorName, Raised: views.DateTime(al.RaisedAt, loc), State: al.Status}
	for _, s := range al.Steps {
		what := s.What
		if s.Note != "" {
			what += " (" + s.Note + ")"
		}
		box.Steps = append(box.Steps, views.LabStep{At: views.DateTime(s.At, loc), By: s.By, What: what})
	}
	return box
}
