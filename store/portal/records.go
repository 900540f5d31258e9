package portal

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/billing"
	"hms/store/lab"
	"hms/store/opd"
)

// maxAppointments bounds the appointment list (a patient has a handful).
const maxAppointments = 100

// Appointments returns the patient's appointments from a month ago on, soonest first.
// The filter is the patient's id (indexed with start, see store/indexes_ipd.go).
func (s *Store) Appointments(ctx context.Context, patientID string) ([]opd.Appointment, error) {
	if patientID == "" {
		return nil, nil
	}
	from := s.o.Now().AddDate(0, -1, 0).UTC()
	cur, err := s.db.R.Collection(store.CollAppointments).Find(ctx, bson.D{{Key: "patient_id", Value: patientID},
		{Key: "start", Value: bson.D{{Key: "$gte", Value: from}}}}, options.Find().SetLimit(maxAppointments))
	if err != nil {
		return nil, fmt.Errorf("store: portal appointments: %w", err)
	}
	var out []opd.Appointment
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: portal appointments: %w", err)
	}
	out = slices.DeleteFunc(out, func(a opd.Appointment) bool { return a.PatientID != patientID })
	slices.SortFunc(out, func(a, b opd.Appointment) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// CancelAppointment cancels the patient's own appointment while it is booked and has not
// started; anyone else's appointment is store.ErrNotFound.
func (s *Store) CancelAppointment(ctx context.Context, patientID, apptID, by string) (opd.Appointment, error) {
	var a opd.Appointment
	if err := s.own(ctx, store.CollAppointments, apptID, patientID, &a); err != nil {
		return a, err
	}
	switch {
	case a.Status != opd.ApptBooked:
		return a, fmt.Errorf("%w: this appointment is no longer booked", store.ErrInvalid)
	case !s.o.Now().Before(a.Start):
		return a, fmt.Errorf("%w: this appointment has already started; please call the hospital", store.ErrInvalid)
	}
	return s.o.OPD.CancelAppointment(ctx, a.ID, "Cancelled by the patient in the portal", by)
}

// Visits lists the patient's OPD visits, newest first (the patient's own bucket).
func (s *Store) Visits(ctx context.Context, patientID string) ([]opd.PatientVisit, error) {
	if patientID == "" {
		return nil, nil
	}
	return s.o.OPD.PatientVisits(ctx, patientID)
}

// VisitSummary is what a patient is told of a visit: who saw them, what was found, what
// was prescribed and the plan once the doctor signed the note.
type VisitSummary struct {
	ID            string    `json:"visit"`
	Date          string    `json:"date"`
	DoctorName    string    `json:"doctor"`
	Department    string    `json:"department"`
	Complaint     string    `json:"complaint,omitempty"`
	Status        string    `json:"status"`
	CheckedInAt   time.Time `json:"checked_in_at"`
	Diagnoses     []string  `json:"diagnoses"`
	Prescriptions []Rx      `json:"prescriptions"`
	Tests         []string  `json:"tests_ordered"`
	Plan          string    `json:"plan,omitempty"` // the signed note's plan only
	FollowUpDate  string    `json:"follow_up_date,omitempty"`
	FollowUpNote  string    `json:"follow_up_note,omitempty"`
}

// Rx is one prescribed medicine as the patient reads it.
type Rx struct {
	Drug         string `json:"medicine"`
	Dose         string `json:"dose"`
	Route        string `json:"route"`
	Frequency    string `json:"frequency"`
	DurationDays int    `json:"duration_days"`
	Quantity     int    `json:"quantity"`
	Instructions string `json:"instructions,omitempty"`
}

// Visit returns the summary of the patient's own visit.
func (s *Store) Visit(ctx context.Context, patientID, visitID string) (VisitSummary, error) {
	var v opd.Visit
	if err := s.own(ctx, store.CollVisits, visitID, patientID, &v); err != nil {
		return VisitSummary{}, err
	}
	return summarise(v), nil
}

func summarise(v opd.Visit) VisitSummary {
	out := VisitSummary{ID: v.ID, Date: v.Date, DoctorName: v.DoctorName, Department: v.Department, Complaint: v.Complaint,
		Status: opd.StateLabels[v.Status], CheckedInAt: v.CheckedInAt, FollowUpDate: v.FollowUpDate, FollowUpNote: v.FollowUpNote,
		Diagnoses: []string{}, Prescriptions: []Rx{}, Tests: []string{}}
	for _, d := range v.Diagnoses {
		out.Diagnoses = append(out.Diagnoses, cmp.Or(d.Title, d.Text, d.Code))
	}
	for _, rx := range v.Prescriptions {
		if rx.Status == opd.RxActive {
			freq := rx.Frequency
			if f, ok := opd.FrequencyOf(freq); ok {
				freq = f.Label // "Three times a day", not TDS
			}
			out.Prescriptions = append(out.Prescriptions, Rx{Drug: strings.TrimSpace(rx.Generic + " " + rx.Strength + " " + rx.Form),
				Dose: rx.Dose, Route: rx.Route, Frequency: freq, DurationDays: rx.DurationDays, Quantity: rx.Quantity,
				Instructions: rx.Instructions})
		}
	}
	for _, o := range v.Orders {
		out.Tests = append(out.Tests, o.Name)
	}
	if v.Note.Status == opd.NoteSigned {
		out.Plan = v.Note.Plan
	}
	return out
}

// Results returns the patient's verified lab results, newest first. Preliminary results
// wait for the pathologist: a patient sees only what was released as final.
func (s *Store) Results(ctx context.Context, patientID string) ([]lab.PatientResult, error) {
	if patientID == "" {
		return nil, nil
	}
	items, err := s.o.Lab.PatientResults(ctx, patientID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(items, func(r lab.PatientResult) bool { return r.Status != "verified" }), nil
}

// Bills is the patient's account: balance, invoices and payments.
type Bills struct {
	Balance  int64
	Invoices []billing.Invoice
	Payments []billing.Entry // payments and refunds, newest first
}

// Bills returns the patient's own billing account (empty when none was opened).
func (s *Store) Bills(ctx context.Context, patientID string) (Bills, error) {
	if patientID == "" {
		return Bills{}, nil
	}
	v, err := s.o.Billing.View(ctx, patientID)
	if errors.Is(err, store.ErrNotFound) {
		return Bills{}, nil
	}
	if err != nil {
		return Bills{}, err
	}
	if v.PatientID != patientID {
		return Bills{}, store.ErrNotFound
	}
	return Bills{Balance: v.Balance, Invoices: v.Invoices, Payments: v.Payments}, nil
}

// Invoice returns one of the patient's own invoices.
func (s *Store) Invoice(ctx context.Context, patientID, invoiceID string) (billing.Invoice, error) {
	var inv billing.Invoice
	err := s.own(ctx, store.CollInvoices, invoiceID, patientID, &inv)
	return inv, err
}
