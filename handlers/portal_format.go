package handlers

import (
	"strconv"
	"strings"
	"time"

	"hms/store/audit"
	"hms/store/billing"
	"hms/store/lab"
	"hms/store/portal"
	"hms/views"
)

// The portal speaks plainly: flags in words, medicines as "how to take", staff by job.

var flagWords = map[string]string{lab.FlagLow: "low", lab.FlagHigh: "high", lab.FlagCriticalLow: "very low", lab.FlagCriticalHigh: "very high"}

func portalResults(rs []lab.PatientResult, loc *time.Location) []views.PortalResult {
	var out []views.PortalResult
	for _, r := range rs {
		out = append(out, views.PortalResult{Test: r.Name, Value: strings.TrimSpace(r.Value + " " + r.Unit), Range: r.Range,
			Flag: flagWords[r.Flag], Abnormal: r.Flag != "", Released: views.Date(r.Released, loc)})
	}
	return out
}

var invoiceWords = map[string]string{billing.InvoiceIssued: "issued", billing.InvoiceCancelled: "cancelled",
	billing.InvoicePending: "being prepared", billing.InvoiceVoid: "void"}

func portalBills(invs []billing.Invoice, pays []billing.Entry, loc *time.Location) ([]views.PortalInvoiceRow, []views.PortalPaymentRow) {
	var ir []views.PortalInvoiceRow
	for _, inv := range invs {
		ir = append(ir, views.PortalInvoiceRow{ID: inv.ID, Date: views.Date(inv.CreatedAt, loc), Total: views.Money(inv.Totals.Total),
			Yours: views.Money(inv.Totals.Patient), Status: invoiceWords[inv.Status]})
	}
	var pr []views.PortalPaymentRow
	for _, p := range pays {
		kind := "Paid"
		if p.Kind == billing.KindRefund {
			kind = "Refunded"
		}
		pr = append(pr, views.PortalPaymentRow{Kind: kind, When: views.DateTime(p.At, loc), Amount: views.Money(max(p.Amount, -p.Amount)), Receipt: p.Ref})
	}
	return ir, pr
}

func portalVisitVM(v portal.VisitSummary, loc *time.Location) views.PortalVisitVM {
	vm := views.PortalVisitVM{Date: views.Date(v.CheckedInAt, loc), Doctor: v.DoctorName, Department: v.Department,
		Complaint: v.Complaint, State: v.Status, Diagnoses: v.Diagnoses, Tests: v.Tests, Plan: v.Plan}
	for _, rx := range v.Prescriptions {
		how := strings.TrimSpace(rx.Dose + ", " + rx.Frequency)
		if rx.DurationDays > 0 {
			how += " for " + strconv.Itoa(rx.DurationDays) + " days"
		}
		if rx.Route != "" {
			how += " (" + strings.ToLower(rx.Route) + ")"
		}
		vm.Medicines = append(vm.Medicines, views.PortalMedicine{Name: rx.Drug, HowToTake: how, Instructions: rx.Instructions})
	}
	if v.FollowUpDate != "" {
		vm.FollowUp = "Come back on " + v.FollowUpDate
		if v.FollowUpNote != "" {
			vm.FollowUp += ": " + v.FollowUpNote
		}
	}
	return vm
}

func portalInvoiceVM(inv billing.Invoice, loc *time.Location) views.PortalInvoiceVM {
	due, _ := inv.Dues()
	paid := int64(0)
	for _, p := range inv.Paid {
		paid += p
	}
	vm := views.PortalInvoiceVM{ID: inv.ID, Date: views.Date(inv.CreatedAt, loc), Status: invoiceWords[inv.Status],
		Total: views.Money(inv.Totals.Total), Yours: views.Money(inv.Totals.Patient), Paid: views.Money(paid), Due: views.Money(due)}
	if inv.Totals.Insurance > 0 {
		vm.Insurance = views.Money(inv.Totals.Insurance)
	}
	for _, l := range inv.Lines {
		vm.Lines = append(vm.Lines, views.PortalInvoiceLine{Description: l.Description, Qty: strconv.FormatInt(l.Qty, 10), Amount: views.Money(l.Gross)})
	}
	return vm
}

// portalRoles name staff by their job as a patient would say it.
var portalRoles = map[Role]string{RolePatient: "You", RoleFrontDesk: "A front-desk clerk", RoleAdmissionDesk: "An admissions clerk",
	RoleDoctor: "A doctor", RoleSeniorDoctor: "A doctor", RoleNurse: "A nurse", RoleChargeNurse: "A nurse",
	RoleLabTech: "A lab technician", RolePathologist: "A pathologist", RolePharmacist: "A pharmacist",
	RoleBillingClerk: "A billing clerk", RoleBillingSupervisor: "A billing supervisor", RoleAdmin: "An administrator",
	RoleCompliance: "A privacy officer"}

// portalWho names a role for the patient: "A doctor", "You".
func portalWho(role string) string {
	if who, ok := portalRoles[Role(role)]; ok {
		return who
	}
	if label := RoleLabels[Role(role)]; label != "" {
		return "Staff (" + strings.ToLower(label) + ")"
	}
	return "Someone at the hospital"
}

// portalDeeds say what an audit action did, in words.
var portalDeeds = map[string]string{audit.ActionPatientRead: "viewed your record", audit.ActionPatientCreate: "registered you",
	audit.ActionPatientExport: "downloaded or printed your record", audit.ActionPatientPrint: "printed from your record",
	"portal.code": "printed a portal activation code for you", "portal.activate": "set up your portal account",
	"appointment.cancel": "cancelled an appointment"}

// portalAccessRows words the access log and folds repeats within a minute into one line
// (opening a chart's tabs is several reads): a phone screen shows a short list.
func portalAccessRows(list []portal.Access, loc *time.Location) []views.PortalAccessRow {
	var out []views.PortalAccessRow
	times := 1
	for _, x := range list {
		what, ok := portalDeeds[x.Action]
		if !ok {
			what = "changed your record" // every other patient action writes to it
		}
		if x.Denied {
			what = "was refused access to your record"
		}
		row := views.PortalAccessRow{When: views.DateTime(x.At, loc), Who: portalWho(x.Role), What: what}
		if n := len(out); n > 0 && out[n-1].When == row.When && out[n-1].Who == row.Who && strings.HasPrefix(out[n-1].What, what) {
			times++
			out[n-1].What = what + " (" + strconv.Itoa(times) + " times)"
			continue
		}
		times = 1
		out = append(out, row)
	}
	return out
}
