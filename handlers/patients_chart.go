package handlers

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store/audit"
	"hms/store/opd"
	"hms/store/patients"
	"hms/views"
	"hms/views/components"
)

// chartTabs are the chart's tabs in order; workflows fill their own as they land.
var chartTabs = []views.Tab{{Key: "overview", Label: "Overview"}, {Key: "allergies", Label: "Allergies"},
	{Key: "insurance", Label: "Insurance"}, {Key: "visits", Label: "Visits"}, {Key: "admissions", Label: "Admissions"},
	{Key: "orders", Label: "Orders & results"}, {Key: "medications", Label: "Medications"}, {Key: "bills", Label: "Bills"},
	{Key: "history", Label: "History"}, {Key: "access", Label: "Access log"}}

// patientChart shows a patient: the banner and the tab asked for.
func (a *App) patientChart(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	return a.renderChart(c, p, c.Query("tab"), nil, nil)
}

// renderChart draws the chart on tab; errs and form come back from a refused tab form.
func (a *App) renderChart(c *fiber.Ctx, p patients.Patient, tab string, errs, form map[string]string) error {
	if !slices.ContainsFunc(chartTabs, func(t views.Tab) bool { return t.Key == tab }) {
		tab = "overview"
	}
	roles := currentUser(c).Roles
	auditor := can(roles, PermAuditView) // the access log is for those who review the trail
	if tab == "access" && !auditor {
		_ = a.audit(c, audit.ActionAccessDenied, p.ID, "chart:access", audit.Denied)
		return fiber.ErrForbidden
	}
	if err := a.auditRead(c, p.ID, "chart:"+tab); err != nil {
		return err
	}
	b, err := a.banner(c, p)
	if err != nil {
		return err
	}
	// The visit list is one small bucket read: the tab shows its count on every tab.
	visits, err := a.OPD.PatientVisits(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	vm := views.ChartVM{CSRF: a.csrfToken(c), Banner: b, Tab: tab, Errors: errs, Form: form,
		Can: views.ChartPermissions{Edit: can(roles, PermPatientsEdit), Allergies: can(roles, PermAllergiesEdit),
			Appointments: can(roles, PermAppointments), Pseudonymise: can(roles, PermPrivacy) && p.Pseudonym == nil}}
	for _, t := range chartTabs {
		if t.Key == "access" && !auditor {
			continue
		}
		switch t.Key {
		case "visits":
			t.Count = len(visits)
		case "allergies":
			t.Count = len(p.Allergies.Items)
		case "insurance":
			t.Count = len(p.Policies)
		case "history":
			t.Count = len(p.History)
		}
		vm.Tabs = append(vm.Tabs, t)
	}
	switch tab {
	case "overview":
		vm.Details = a.details(p)
	case "allergies":
		for _, al := range p.Allergies.Items {
			vm.Allergies = append(vm.Allergies, views.AllergyRow{ID: al.ID, Substance: al.Substance, Reaction: al.Reaction,
				Severity: al.Severity, Recorded: al.RecordedBy + ", " + views.DateTime(al.RecordedAt, a.cfg.Location)})
		}
	case "insurance":
		vm.Policies = a.policyRows(p.Policies)
		if vm.Can.Edit {
			if vm.PayerPlans, err = a.payerPlans(c); err != nil {
				return err
			}
		}
	case "visits":
		for _, v := range visits {
			vm.Visits = append(vm.Visits, views.VisitRow{Date: v.Date, Token: strconv.FormatInt(v.Token, 10), Doctor: v.DoctorName,
				Department: v.Department, Complaint: v.Complaint, State: opd.StateLabels[v.State], StateColour: queueStateColours[v.State],
				CheckedIn: views.DateTime(v.CheckedInAt, a.cfg.Location)})
		}
	case "orders":
		if vm.Lab, err = a.labChartVM(c, p.ID); err != nil {
			return err
		}
	case "bills":
		vm.Account = a.accountVM(a.Accounts.ByPatient(c.UserContext(), p.ID))
	case "history":
		for i := len(p.History) - 1; i >= 0; i-- {
			h := p.History[i]
			vm.History = append(vm.History, views.ChangeRow{At: views.DateTime(h.At, a.cfg.Location), By: h.By, Field: h.Field, Old: h.Old, New: h.New})
		}
	case "access":
		vm.Access = a.patientAccessLog(c, p)
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return a.page(c, p.Name()+" · MRN "+p.MRN, views.PatientChartPage(vm))
}

// details are the overview's label/value pairs.
func (a *App) details(p patients.Patient) []components.Cell {
	idText := ""
	if p.IDKind != "" || p.IDLast4 != "" {
		idText = strings.TrimSpace(p.IDKind + " ending " + p.IDLast4)
	}
	emerg := strings.TrimSpace(p.EmergName)
	if p.EmergRel != "" {
		emerg += " (" + p.EmergRel + ")"
	}
	if p.EmergPhone != "" {
		emerg += " · " + phoneText(p.EmergPhone)
	}
	pairs := [][2]string{{"Name", p.Name()}, {"Sex", patients.SexLabels[p.Sex]}, {"Date of birth", a.dob(p.DOB, p.DOBEstimated)},
		{"Phone", phoneText(p.Phone)}, {"Address", strings.Trim(p.Address+", "+p.City+" "+p.PIN, ", ")},
		{"Identity document", idText}, {"Emergency contact", emerg}, {"Blood group", p.BloodGroup},
		{"Preferred language", p.Language}, {"Registered", views.DateTime(p.CreatedAt, a.cfg.Location) + " by " + p.CreatedBy}}
	var out []components.Cell
	for _, kv := range pairs {
		v := kv[1]
		if strings.TrimSpace(v) == "" {
			v = "—"
		}
		out = append(out, components.Cell{Text: kv[0]}, components.Cell{Text: v})
	}
	return out
}

func (a *App) policyRows(ps []patients.Policy) []views.PolicyRow {
	day := today(a.cfg.Location)
	var out []views.PolicyRow
	for _, p := range ps {
		r := views.PolicyRow{ID: p.ID, Payer: p.PayerName, Plan: p.PlanName, Member: p.MemberMasked(), Group: p.Group,
			Rank: p.Rank, Active: p.Active, Ended: p.EndedReason}
		r.Valid = p.ValidFrom.Format("2 Jan 2006") + " – "
		if !p.ValidTo.IsZero() {
			r.Valid += p.ValidTo.Format("2 Jan 2006")
		}
		switch {
		case !p.Active:
			r.State, r.StateColour = "Ended: "+p.EndedReason, "slate"
		case p.Expired(day):
			r.State, r.StateColour = "Expired", "red"
		case day.Before(p.ValidFrom):
			r.State, r.StateColour = "Not yet valid", "amber"
		default:
			r.State, r.StateColour = "In force", "green"
		}
		out = append(out, r)
	}
	return out
}
