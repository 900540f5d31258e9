package handlers

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/portal"
	"hms/views"
)

// portalAccess lists which kinds of staff opened or changed the patient's record.
func (a *App) portalAccess(c *fiber.Ctx) error {
	pid := portalPatient(c)
	if pid == "" {
		return store.ErrNotFound
	}
	list, unlisted, err := a.Portal.AccessLog(c.UserContext(), pid)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, pid, "portal:access"); err != nil {
		return err
	}
	since := time.Now().AddDate(0, -portal.AccessMonths+1, 0)
	vm := views.PortalAccessVM{Since: since.In(a.cfg.Location).Format("January 2006"), Rows: portalAccessRows(list, a.cfg.Location), Unlisted: unlisted}
	return a.page(c, "Who has looked at my record", views.PortalAccessPage(vm))
}

// portalExport reads everything of the patient's and records the export.
func (a *App) portalExport(c *fiber.Ctx, object string) (portal.Export, error) {
	pid := portalPatient(c)
	if pid == "" {
		return portal.Export{}, store.ErrNotFound
	}
	x, err := a.Portal.Export(c.UserContext(), pid)
	if err != nil {
		return x, err
	}
	return x, a.audit(c, audit.ActionPatientExport, pid, object, audit.OK)
}

// portalExportJSON downloads all of the patient's data as one JSON file.
func (a *App) portalExportJSON(c *fiber.Ctx) error {
	x, err := a.portalExport(c, "portal:export:json")
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="my-health-record-`+x.Patient.MRN+`.json"`)
	c.Type("json", "utf-8")
	return c.Send(body)
}

// portalExportPage is the printable copy of the same data.
func (a *App) portalExportPage(c *fiber.Ctx) error {
	x, err := a.portalExport(c, "portal:export:html")
	if err != nil {
		return err
	}
	loc := a.cfg.Location
	p := x.Patient
	dept, err := a.departmentNames(c)
	if err != nil {
		return err
	}
	vm := views.PortalExportVM{Hospital: a.cfg.Hospital, Generated: views.DateTime(x.Generated, loc), Balance: views.Money(x.BalancePaise),
		Details: [][2]string{{"Name", p.Name}, {"Hospital number", p.MRN}, {"Date of birth", p.DOB}, {"Sex", p.Sex},
			{"Phone", phoneText(p.Phone)}, {"Address", strings.Trim(p.Address+", "+p.City+" "+p.PIN, ", ")},
			{"Blood group", p.BloodGroup}, {"Allergies", allergyText(p.Allergies)}}}
	for _, ap := range x.Appointments {
		vm.Appointments = append(vm.Appointments, views.PortalAppt{When: ap.Start.In(loc).Format("2 Jan 2006 15:04"), Doctor: ap.Doctor,
			Department: dept(ap.Department), Status: apptLabels[ap.Status][0]})
	}
	for _, v := range x.Visits {
		v.Department = dept(v.Department)
		vm.Visits = append(vm.Visits, portalVisitVM(v, loc))
	}
	for _, r := range x.Results {
		vm.Results = append(vm.Results, views.PortalResult{Test: r.Test, Value: strings.TrimSpace(r.Value + " " + r.Unit), Range: r.Range,
			Flag: flagWords[r.Flag], Released: views.Date(r.Released, loc)})
	}
	for _, inv := range x.Invoices {
		vm.Invoices = append(vm.Invoices, views.PortalInvoiceRow{ID: inv.Number, Date: views.Date(inv.Date, loc),
			Total: views.Money(inv.TotalPaise), Yours: views.Money(inv.YoursPaise), Status: invoiceWords[inv.Status]})
	}
	for _, py := range x.Payments {
		kind := "Paid"
		if py.Kind == "refund" {
			kind = "Refunded"
		}
		vm.Payments = append(vm.Payments, views.PortalPaymentRow{Kind: kind, When: views.DateTime(py.At, loc), Amount: views.Money(py.AmountPaise), Receipt: py.Reference})
	}
	vm.Access = portalAccessRows(x.AccessLog, loc)
	return a.page(c, "My health record", views.PortalExportPage(vm))
}

func allergyText(list []string) string {
	if len(list) == 0 {
		return "None recorded"
	}
	return strings.Join(list, ", ")
}
