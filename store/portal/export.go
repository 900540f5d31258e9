package portal

import (
	"context"
	"time"

	"hms/store/patients"
)

// maxExportVisits bounds the visits an export reads in full (one _id read each).
const maxExportVisits = 200

// Export is all of the patient's own data the portal shows, in one document: the JSON
// download and the printable copy are both made from it. Staff appear by role only.
type Export struct {
	Generated    time.Time           `json:"generated"`
	Patient      ExportPatient       `json:"patient"`
	Appointments []ExportAppointment `json:"appointments"`
	Visits       []VisitSummary      `json:"visits"`
	Results      []ExportResult      `json:"lab_results"`
	Invoices     []ExportInvoice     `json:"invoices"`
	Payments     []ExportPayment     `json:"payments"`
	BalancePaise int64               `json:"balance_paise"` // what the patient owes; negative = in credit
	AccessLog    []Access            `json:"access_log"`
}

// ExportPatient is the patient's registration record.
type ExportPatient struct {
	MRN        string   `json:"mrn"`
	Name       string   `json:"name"`
	Sex        string   `json:"sex"`
	DOB        string   `json:"date_of_birth"`
	Phone      string   `json:"phone,omitempty"`
	Address    string   `json:"address,omitempty"`
	City       string   `json:"city,omitempty"`
	PIN        string   `json:"pin,omitempty"`
	BloodGroup string   `json:"blood_group,omitempty"`
	Allergies  []string `json:"allergies"`
}

// ExportAppointment is one appointment.
type ExportAppointment struct {
	Start      time.Time `json:"start"`
	Doctor     string    `json:"doctor"`
	Department string    `json:"department"`
	Status     string    `json:"status"`
}

// ExportResult is one verified lab result.
type ExportResult struct {
	Test     string    `json:"test"`
	Value    string    `json:"value"`
	Unit     string    `json:"unit,omitempty"`
	Range    string    `json:"reference_range,omitempty"`
	Flag     string    `json:"flag,omitempty"`
	Released time.Time `json:"released"`
}

// ExportInvoice is one invoice or credit note.
type ExportInvoice struct {
	Number     string    `json:"number"`
	Date       time.Time `json:"date"`
	Status     string    `json:"status"`
	TotalPaise int64     `json:"total_paise"`
	YoursPaise int64     `json:"patient_share_paise"`
}

// ExportPayment is one payment or refund.
type ExportPayment struct {
	Kind        string    `json:"kind"`
	Reference   string    `json:"receipt"`
	At          time.Time `json:"at"`
	AmountPaise int64     `json:"amount_paise"`
}

// Export gathers everything of the patient's own; each part is read bound to patientID
// by the functions above.
func (s *Store) Export(ctx context.Context, patientID string) (Export, error) {
	p, err := s.Patient(ctx, patientID)
	if err != nil {
		return Export{}, err
	}
	x := Export{Generated: s.o.Now().UTC(), Patient: ExportPatient{MRN: p.MRN, Name: p.Name(), Sex: patients.SexLabels[p.Sex],
		DOB: p.DOB.Format(time.DateOnly), Phone: p.Phone, Address: p.Address, City: p.City, PIN: p.PIN,
		BloodGroup: p.BloodGroup, Allergies: []string{}},
		Appointments: []ExportAppointment{}, Visits: []VisitSummary{}, Results: []ExportResult{},
		Invoices: []ExportInvoice{}, Payments: []ExportPayment{}}
	for _, a := range p.Allergies.Items {
		x.Patient.Allergies = append(x.Patient.Allergies, a.Substance)
	}
	appts, err := s.Appointments(ctx, patientID)
	if err != nil {
		return x, err
	}
	for _, a := range appts {
		x.Appointments = append(x.Appointments, ExportAppointment{Start: a.Start, Doctor: a.DoctorName, Department: a.Department, Status: a.Status})
	}
	visits, err := s.Visits(ctx, patientID)
	if err != nil {
		return x, err
	}
	for i, v := range visits {
		if i == maxExportVisits {
			break
		}
		sum, err := s.Visit(ctx, patientID, v.VisitID)
		if err != nil {
			return x, err
		}
		x.Visits = append(x.Visits, sum)
	}
	results, err := s.Results(ctx, patientID)
	if err != nil {
		return x, err
	}
	for _, r := range results {
		x.Results = append(x.Results, ExportResult{Test: r.Name, Value: r.Value, Unit: r.Unit, Range: r.Range, Flag: r.Flag, Released: r.Released})
	}
	bills, err := s.Bills(ctx, patientID)
	if err != nil {
		return x, err
	}
	x.BalancePaise = bills.Balance
	for _, inv := range bills.Invoices {
		x.Invoices = append(x.Invoices, ExportInvoice{Number: inv.ID, Date: inv.CreatedAt, Status: inv.Status,
			TotalPaise: inv.Totals.Total, YoursPaise: inv.Totals.Patient})
	}
	for _, e := range bills.Payments {
		x.Payments = append(x.Payments, ExportPayment{Kind: e.Kind, Reference: e.Ref, At: e.At, AmountPaise: max(e.Amount, -e.Amount)})
	}
	if x.AccessLog, _, err = s.AccessLog(ctx, patientID); err != nil {
		return x, err
	}
	return x, nil
}
