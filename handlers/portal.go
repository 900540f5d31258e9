package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

// The portal's handlers take the patient id from the session record only (set at sign-in
// from the user record); ids in the URL name the patient's own visit, bill or appointment
// and store/portal refuses any that are not theirs with store.ErrNotFound (404).
func portalPatient(c *fiber.Ctx) string { return currentUser(c).PatientID }

var apptLabels = map[string][2]string{opd.ApptBooked: {"Booked", "green"}, opd.ApptCheckedIn: {"Checked in", "sky"},
	opd.ApptCancelled: {"Cancelled", "slate"}, opd.ApptNoShow: {"Missed", "amber"}}

// portalHome is the patient's home: appointments, results, visits and bills.
func (a *App) portalHome(c *fiber.Ctx) error {
	u, pid := currentUser(c), portalPatient(c)
	vm := views.PortalVM{Name: u.FullName, Linked: pid != "", CSRF: a.csrfToken(c)}
	if pid == "" {
		return a.page(c, "My records", views.PortalPage(vm))
	}
	ctx, loc, now := c.UserContext(), a.cfg.Location, time.Now()
	p, err := a.Portal.Patient(ctx, pid)
	if err != nil {
		return err
	}
	vm.Name, vm.MRN = p.Name(), p.MRN
	dept, err := a.departmentNames(c)
	if err != nil {
		return err
	}
	appts, err := a.Portal.Appointments(ctx, pid)
	if err != nil {
		return err
	}
	for _, ap := range appts {
		l := apptLabels[ap.Status]
		row := views.PortalAppt{ID: ap.ID, When: ap.Start.In(loc).Format("Mon 2 Jan 2006, 15:04"), Doctor: ap.DoctorName,
			Department: dept(ap.Department), Status: l[0], StatusColour: l[1], CanCancel: ap.Status == opd.ApptBooked && now.Before(ap.Start)}
		if ap.Start.After(now) || row.CanCancel {
			vm.Appointments = append(vm.Appointments, row)
		} else {
			vm.Past = append(vm.Past, row)
		}
	}
	results, err := a.Portal.Results(ctx, pid)
	if err != nil {
		return err
	}
	vm.Results = portalResults(results, loc)
	visits, err := a.Portal.Visits(ctx, pid)
	if err != nil {
		return err
	}
	for _, v := range visits {
		vm.Visits = append(vm.Visits, views.PortalVisitRow{ID: v.VisitID, Date: views.Date(v.CheckedInAt, loc),
			Doctor: v.DoctorName, Department: dept(v.Department), State: opd.StateLabels[v.State]})
	}
	bills, err := a.Portal.Bills(ctx, pid)
	if err != nil {
		return err
	}
	vm.Balance, vm.Owes = views.Money(bills.Balance), bills.Balance > 0
	vm.Invoices, vm.Payments = portalBills(bills.Invoices, bills.Payments, loc)
	if err := a.auditRead(c, pid, "portal:home"); err != nil {
		return err
	}
	return a.page(c, "My records", views.PortalPage(vm))
}

// portalVisit shows the summary of one of the patient's own visits.
func (a *App) portalVisit(c *fiber.Ctx) error {
	pid := portalPatient(c)
	v, err := a.Portal.Visit(c.UserContext(), pid, c.Params("id"))
	if err != nil {
		return err
	}
	if err := a.auditRead(c, pid, "portal:visit:"+v.ID); err != nil {
		return err
	}
	dept, err := a.departmentNames(c)
	if err != nil {
		return err
	}
	v.Department = dept(v.Department)
	return a.page(c, "Visit on "+views.Date(v.CheckedInAt, a.cfg.Location), views.PortalVisitPage(portalVisitVM(v, a.cfg.Location)))
}

// portalInvoice shows one of the patient's own bills.
func (a *App) portalInvoice(c *fiber.Ctx) error {
	pid := portalPatient(c)
	inv, err := a.Portal.Invoice(c.UserContext(), pid, c.Params("id"))
	if err != nil {
		return err
	}
	if err := a.auditRead(c, pid, "portal:invoice:"+inv.ID); err != nil {
		return err
	}
	return a.page(c, "Bill "+inv.ID, views.PortalInvoicePage(portalInvoiceVM(inv, a.cfg.Location)))
}

// portalCancel cancels one of the patient's own future appointments.
func (a *App) portalCancel(c *fiber.Ctx) error {
	u, pid := currentUser(c), portalPatient(c)
	ap, err := a.Portal.CancelAppointment(c.UserContext(), pid, c.Params("id"), u.Username)
	switch {
	case errors.Is(err, store.ErrInvalid):
		a.setFlash(c, "error", deskMessage(err))
		return redirect(c, "/portal")
	case err != nil:
		return err
	}
	if err := a.auditChange(c, "appointment.cancel", pid, "portal:appointment:"+ap.ID); err != nil {
		return err
	}
	a.setFlash(c, "ok", "Your appointment on "+ap.Start.In(a.cfg.Location).Format("Mon 2 Jan, 15:04")+" is cancelled.")
	return redirect(c, "/portal")
}

// departmentNames turns a department code into the name a patient knows it by.
func (a *App) departmentNames(c *fiber.Ctx) (func(string) string, error) {
	deps, err := a.Catalog.Departments(c.UserContext())
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(deps))
	for _, d := range deps {
		names[d.Code] = d.Name
	}
	return func(code string) string {
		if n := names[code]; n != "" {
			return n
		}
		return code
	}, nil
}
