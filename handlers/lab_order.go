package handlers

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/lab"
	"hms/views"
)

// labOrderIDRE is the shape of a lab order id (<visit or admission>-L<n>).
var labOrderIDRE = regexp.MustCompile(`^[A-Za-z0-9]{1,24}-L[0-9]{1,4}$`)

// labOrder loads the order named in the path; a malformed id never reaches the store.
func (a *App) labOrder(c *fiber.Ctx) (lab.Order, error) {
	id := c.Params("id")
	if !labOrderIDRE.MatchString(id) {
		return lab.Order{}, fiber.ErrNotFound
	}
	o, err := a.Lab.Order(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return o, fiber.ErrNotFound
	}
	return o, err
}

// labOrderShow is one order at the bench.
func (a *App) labOrderShow(c *fiber.Ctx) error {
	o, err := a.labOrder(c)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, o.PatientID, "lab_order:"+o.ID); err != nil {
		return err
	}
	return a.renderLabOrder(c, o, c.Query("form"), nil, nil, "")
}

// renderLabOrder renders the order page; form opens the result form again to correct
// unverified results ("edit") or amend released ones ("amend"); values and errs carry a
// refused form back.
func (a *App) renderLabOrder(c *fiber.Ctx, o lab.Order, form string, values, errs map[string]string, formErr string) error {
	ctx := c.UserContext()
	u := currentUser(c)
	loc := a.cfg.Location
	vm := views.LabOrderVM{CSRF: a.csrfToken(c), ID: o.ID, PatientID: o.PatientID, Name: o.Name, MRN: o.MRN, AgeSex: o.AgeSex,
		Test: o.TestName, TestCode: o.Code, Specimen: o.Specimen, Container: o.Container, Where: labWhere(o),
		Priority: o.Priority, PriorityLabel: labPriorityLabels[o.Priority], Status: o.Status, StatusLabel: lab.StatusLabels[o.Status],
		Doctor: o.DoctorName, Ordered: views.DateTime(o.OrderedAt, loc), Notes: o.ClinicalNotes, Accession: o.Accession,
		Collected: views.DateTime(o.CollectedAt, loc) + " (" + o.CollectedWhere + ")", Received: views.DateTime(o.ReceivedAt, loc),
		Version: strconv.FormatInt(o.Version, 10), Errors: errs, Values: values, FormError: formErr, RejectReasons: lab.RejectReasons}
	if o.EnteredBy != "" {
		vm.Entered = o.EnteredByName + ", " + views.DateTime(o.EnteredAt, loc)
	}
	if o.VerifiedBy != "" {
		vm.Verified = o.VerifiedByName + ", " + views.DateTime(o.VerifiedAt, loc)
	}
	canResult, canVerify := can(u.Roles, PermLabResult), can(u.Roles, PermLabVerify)
	switch o.Status {
	case lab.StatusOrdered:
		vm.CanCollect = canResult
	case lab.StatusCollected:
		vm.CanReceive, vm.CanReject = canResult, canResult
	case lab.StatusReceived, lab.StatusInProgress:
		vm.Entry, vm.CanReject = canResult, canResult
	case lab.StatusResulted:
		vm.Entry = canResult && form == "edit"
		vm.CanEdit = canResult && !vm.Entry
		vm.CanVerify = canVerify && o.EnteredBy != u.Username
		vm.CanPrelim = canResult && (o.Priority == "urgent" || o.Priority == "stat")
	case lab.StatusPreliminary:
		vm.CanVerify = canVerify && o.EnteredBy != u.Username
		vm.CanAmend, vm.CanReport = canVerify, true
	case lab.StatusVerified:
		vm.CanAmend, vm.CanReport = canVerify, true
	}
	vm.CanCancel = o.Cancellable() && (canResult || can(u.Roles, PermOPD))
	vm.AmendEntry = form == "amend" && vm.CanAmend
	if vm.AmendEntry {
		vm.CanAmend = false
	}
	rows, err := a.labRows(c, o, vm.Entry || vm.AmendEntry, values, errs)
	if err != nil {
		return err
	}
	vm.Rows = rows
	for _, r := range o.Rejections {
		vm.Rejections = append(vm.Rejections, views.LabStep{At: views.DateTime(r.At, loc), By: r.By, What: r.Accession + " rejected: " + r.Reason})
	}
	sealed := a.Lab.VerifyReport(o)
	if o.Status == lab.StatusVerified {
		vm.Seal = seal(sealed.Report, loc)
	}
	for i, am := range o.Amendments {
		vm.Amendments = append(vm.Amendments, views.LabAmendmentRow{At: views.DateTime(am.At, loc), By: am.ByName, Reason: am.Reason,
			Previous: resultSummary(am.Previous), Seal: seal(sealed.Amendments[i], loc)})
	}
	for i := len(o.History) - 1; i >= 0; i-- {
		h := o.History[i]
		what := cmpLabel(h.To)
		if h.Reason != "" {
			what += " · " + h.Reason
		}
		vm.History = append(vm.History, views.LabStep{At: views.DateTime(h.At, loc), By: h.By, What: what})
	}
	if o.Released() && o.Critical() {
		al, err := a.Lab.Alert(ctx, lab.AlertID(o.ID, len(o.Amendments)))
		if err == nil {
			vm.Alert = alertBox(al, loc)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if len(errs) > 0 || formErr != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return a.page(c, o.TestName+" · "+o.Name, views.LabOrderPage(vm))
}

// labRows lists the order's tests: its stored results, or the entry form's rows.
func (a *App) labRows(c *fiber.Ctx, o lab.Order, entry bool, values, errs map[string]string) ([]views.LabResultRow, error) {
	if !entry {
		return resultRows(o.Results), nil
	}
	tests, err := a.Lab.Tests(c.UserContext(), o)
	if err != nil {
		return nil, err
	}
	stored := map[string]lab.Result{}
	for _, r := range o.Results {
		stored[r.Code] = r
	}
	p, err := a.Patients.ByID(c.UserContext(), o.PatientID)
	if err != nil {
		return nil, err
	}
	age := lab.AgeYears(p.DOB, time.Now())
	prev, err := a.Lab.PreviousResults(c.UserContext(), o.PatientID, o.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]views.LabResultRow, 0, len(tests))
	for _, t := range tests {
		r := views.LabResultRow{Code: t.Code, Name: t.Name, Unit: t.Unit, Kind: t.ResultKind(), Codes: t.Codes,
			Value: stored[t.Code].Value, Error: errs[t.Code]}
		if v, ok := values[t.Code]; ok {
			r.Value = v
		}
		if rg := lab.RangeFor(t, p.Sex, age); rg != nil {
			r.Range = lab.FormatNum(rg.Low) + "–" + lab.FormatNum(rg.High)
		}
		if last, ok := lab.Previous(prev, t.Code, o.ID); ok {
			r.Prev = strings.TrimSpace(last.Value+" "+last.Unit) + " (" + views.Date(last.At, a.cfg.Location) + ")"
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func resultRows(rs []lab.Result) []views.LabResultRow {
	out := make([]views.LabResultRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, views.LabResultRow{Code: r.Code, Name: r.Name, Unit: r.Unit, Range: r.Range, Kind: r.Kind,
			Value: r.Value, Flag: r.Flag, Prev: r.Prev, Delta: r.Delta})
	}
	return out
}

// resultSummary writes results on one line: "Glucose, fasting 95 mg/dL; …".
func resultSummary(rs []lab.Result) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		s := strings.TrimSpace(r.Name + " " + r.Value + " " + r.Unit)
		if r.Flag != "" {
			s += " (" + r.Flag + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func cmpLabel(status string) string {
	if l, ok := lab.StatusLabels[status]; ok {
		return l
	}
	return status
}

// labWhere says where an order came from: "OPD · MED", "Ward · MED".
func labWhere(o lab.Order) string {
	switch o.Source {
	case "ipd":
		return "Ward · " + o.Department
	case "er":
		return "Emergency · " + o.Department
	}
	return "OPD · " + o.Department
}
