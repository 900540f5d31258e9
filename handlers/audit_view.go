package handlers

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/identity"
	"hms/views"
	"hms/views/components"
)

// Actions the audit pages record about their own use, beside the store's.
const (
	actionAuditSearch = "audit.search" // the viewer listed events (with the patient, when filtered by one)
	actionAuditVerify = "audit.verify" // someone checked the chain
)

// auditPageRows is how many events the viewer shows. Each row may cost two _id lookups
// (its patient's name, once per patient, and for a patient search the event itself for
// its request id), so a page reads at most 2×100 small documents beside the search.
const auditPageRows = 100

// auditActions are the choices of the viewer's Action filter; a value ending in "."
// matches every action under it.
var auditActions = []components.Option{
	{Value: "", Label: "Any action"},
	{Value: "patient.", Label: "Any patient record action"},
	{Value: audit.ActionPatientRead, Label: "Opened a record (patient.read)"},
	{Value: audit.ActionPatientCreate, Label: "Registered (patient.create)"},
	{Value: audit.ActionPatientUpdate, Label: "Changed a record (patient.update)"},
	{Value: audit.ActionPatientPrint, Label: "Printed (patient.print)"},
	{Value: audit.ActionPatientExport, Label: "Exported a record (patient.export)"},
	{Value: "login.", Label: "Any sign-in attempt"},
	{Value: audit.ActionLoginOK, Label: "Signed in (login.ok)"},
	{Value: audit.ActionLoginFail, Label: "Failed sign-in (login.fail)"},
	{Value: audit.ActionLogout, Label: "Signed out (logout)"},
	{Value: audit.ActionAccessDenied, Label: "Refused by permissions (access.denied)"},
	{Value: audit.ActionAdminUserCreate, Label: "Created a user (admin.user.create)"},
	{Value: "audit.", Label: "Any use of the audit trail"},
	{Value: actionAuditSearch, Label: "Searched the audit trail (audit.search)"},
	{Value: audit.ActionAuditExport, Label: "Exported the audit trail (audit.export)"},
	{Value: actionAuditVerify, Label: "Checked the chain (audit.verify)"},
}

var auditOutcomes = []components.Option{{Value: "", Label: "Any outcome"}, {Value: audit.OK, Label: "OK"},
	{Value: audit.Denied, Label: "Denied"}, {Value: audit.Failed, Label: "Failed"}}

// auditQuery is the viewer's filter form (a GET form: the URL can be shared and bookmarked).
type auditQuery struct {
	MRN     string `query:"mrn" form:"mrn" validate:"omitempty,numeric,max=12"`
	User    string `query:"user" form:"user" validate:"omitempty,max=64,printable"`
	Action  string `query:"action" form:"action" validate:"max=64"`
	Outcome string `query:"outcome" form:"outcome" validate:"omitempty,oneof=ok denied failed"`
	From    string `query:"from" form:"from" validate:"max=10"`
	To      string `query:"to" form:"to" validate:"max=10"`
}

func (q auditQuery) form() map[string]string {
	return map[string]string{"mrn": q.MRN, "user": q.User, "action": q.Action, "outcome": q.Outcome, "from": q.From, "to": q.To}
}

// auditFilter reads the filters; errs holds a message per refused field.
func (a *App) auditFilter(c *fiber.Ctx) (audit.Filter, auditQuery, map[string]string, error) {
	var q auditQuery
	if err := c.QueryParser(&q); err != nil {
		return audit.Filter{}, q, nil, fiber.NewError(fiber.StatusBadRequest, "The filters could not be read.")
	}
	q.MRN, q.From, q.To = strings.TrimSpace(q.MRN), strings.TrimSpace(q.From), strings.TrimSpace(q.To)
	q.User = identity.NormalizeUsername(q.User) // sign-ins record the username as normalised
	errs := fieldErrors(a.validate.Struct(q))
	f := audit.Filter{User: q.User, Outcome: q.Outcome}
	if _, bad := errs["action"]; !bad && q.Action != "" {
		known := false
		for _, o := range auditActions {
			known = known || o.Value == q.Action
		}
		if !known {
			errs["action"] = "Choose one of the listed actions."
		}
	}
	f.Action = q.Action
	day := func(name, v string) time.Time {
		if v == "" || errs[name] != "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, a.cfg.Location)
		if err != nil {
			errs[name] = "Not a date: use the date picker, or YYYY-MM-DD."
		}
		return t
	}
	from, to := day("from", q.From), day("to", q.To)
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		errs["to"] = "The To date is before the From date."
	}
	f.From = from
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // inclusive: up to the end of that day
	}
	if q.MRN != "" && errs["mrn"] == "" {
		id, err := a.Patients.IDByMRN(c.UserContext(), q.MRN)
		switch {
		case errors.Is(err, store.ErrNotFound):
			errs["mrn"] = "No patient has MRN " + q.MRN + "."
		case err != nil:
			return f, q, nil, err
		}
		f.PatientID = id
	}
	return f, q, errs, nil
}

func (a *App) auditVM(q auditQuery, errs map[string]string) views.AuditVM {
	return views.AuditVM{Form: q.form(), Errors: errs, Actions: auditActions, Outcomes: auditOutcomes, Limit: auditPageRows}
}

// auditRefused shows the filter form again with what was typed and why it was refused.
func (a *App) auditRefused(c *fiber.Ctx, q auditQuery, errs map[string]string) error {
	c.Status(fiber.StatusUnprocessableEntity)
	return a.widePage(c, "Audit trail", views.AuditPage(a.auditVM(q, errs)))
}

// auditViewer lists the newest events matching the filters.
func (a *App) auditViewer(c *fiber.Ctx) error {
	f, q, errs, err := a.auditFilter(c)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return a.auditRefused(c, q, errs)
	}
	ctx := c.UserContext()
	res, err := a.Audit.Search(ctx, f, auditPageRows)
	if err != nil {
		return err
	}
	events, err := a.wholeEvents(ctx, f, res.Events)
	if err != nil {
		return err
	}
	// The page shows who touched which patient: its viewing is itself recorded.
	if err := a.audit(c, actionAuditSearch, f.PatientID, "audit:viewer", audit.OK); err != nil {
		return err
	}
	vm := a.auditVM(q, errs)
	vm.Searched, vm.More, vm.Scanned, vm.ByMonth = true, res.More, res.Scanned, f.PatientID != ""
	if vm.Rows, err = a.auditRows(ctx, events); err != nil {
		return err
	}
	return a.widePage(c, "Audit trail", views.AuditPage(vm))
}

// auditExport sends the events matching the filters as CSV (up to audit.MaxLimit); the
// export is recorded before anything is sent.
func (a *App) auditExport(c *fiber.Ctx) error {
	f, q, errs, err := a.auditFilter(c)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return a.auditRefused(c, q, errs)
	}
	ctx := c.UserContext()
	res, err := a.Audit.Search(ctx, f, audit.MaxLimit)
	if err != nil {
		return err
	}
	events, err := a.wholeEvents(ctx, f, res.Events)
	if err != nil {
		return err
	}
	if err := a.audit(c, audit.ActionAuditExport, f.PatientID, "audit:csv", audit.OK); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := audit.CSV(&buf, events); err != nil { // escapes cells a spreadsheet would run
		return err
	}
	name := "audit-" + time.Now().In(a.cfg.Location).Format("20060102-1504") + ".csv"
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	if res.More {
		c.Set("X-HMS-Audit-More", "true") // more matches exist than the file holds
	}
	return c.Send(buf.Bytes())
}

// wholeEvents fills in what a patient search leaves out (request id, hashes) with one
// _id lookup per event, at most the search's limit. An event the month list names but
// the chain no longer holds stays as listed: the chain check reports the gap.
func (a *App) wholeEvents(ctx context.Context, f audit.Filter, events []audit.Event) ([]audit.Event, error) {
	if f.PatientID == "" {
		return events, nil
	}
	out := make([]audit.Event, 0, len(events))
	for _, e := range events {
		whole, err := a.Audit.Get(ctx, e.Seq)
		switch {
		case err == nil:
			e = whole
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// auditRows formats events for the viewer, naming each patient once (one _id lookup per
// distinct patient on the page, at most auditPageRows).
func (a *App) auditRows(ctx context.Context, events []audit.Event) ([]views.AuditRow, error) {
	type ref struct{ label, href string }
	named := map[string]ref{}
	rows := make([]views.AuditRow, 0, len(events))
	for _, e := range events {
		r := views.AuditRow{Seq: strconv.FormatInt(e.Seq, 10), At: auditTime(e.At, a.cfg.Location), User: e.User, Action: e.Action,
			Object: e.Object, Outcome: e.Outcome, IP: e.IP, RequestID: e.RequestID}
		if e.Role != "" {
			r.Role = roleNames([]string{e.Role})
		}
		if id := e.PatientID; id != "" {
			p, ok := named[id]
			if !ok {
				pat, err := a.Patients.ByID(ctx, id)
				switch {
				case err == nil:
					p = ref{"MRN " + pat.MRN + " · " + pat.Name(), "/patients/" + pat.ID + "?tab=access"}
				case errors.Is(err, store.ErrNotFound):
					p = ref{label: "record " + id + " (not found)"}
				default:
					return nil, err
				}
				named[id] = p
			}
			r.Patient, r.PatientHref = p.label, p.href
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// auditTime shows an event's time to the second in the hospital's zone.
func auditTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2 Jan 2006 15:04:05")
}
