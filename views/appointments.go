package views

import "hms/views/components"

// SlotVM is one slot of a doctor's day as a button: free, taken or already started.
type SlotVM struct {
	Value string // the slot's start, RFC 3339 in UTC: what the form sends
	Time  string // "08:15" in the hospital's zone
	Taken bool
	Past  bool
}

// Free reports whether the slot can be chosen.
func (s SlotVM) Free() bool { return !s.Taken && !s.Past }

// SlotPanelVM is a doctor's slots on one date and the form that books (or moves to) one.
type SlotPanelVM struct {
	CSRF         string
	Action       string // POST target: book, or reschedule
	Doctor, Date string // carried as hidden fields
	DoctorName   string
	DateLabel    string
	Room         string
	Slots        []SlotVM
	Free         int
	ShowReason   bool   // booking asks for an optional reason; rescheduling does not
	Reason       string // kept when the slot was just taken
	Message      string // why there are no slots (no doctor chosen, no session that day)
	Errors       map[string]string
}

// BookVM is the booking page of one patient.
type BookVM struct {
	CSRF    string
	Banner  BannerVM
	Action  string // the page's own URL: the doctor/date form reloads the slots from it
	Doctor  string
	Date    string
	Doctors []components.Option // "General Medicine — Dr. … (specialty) · ₹600.00", by department
	Dates   []components.Option // today and the next 14 days
	Errors  map[string]string
	Panel   SlotPanelVM
}

// WalkInVM is the walk-in check-in form of one patient.
type WalkInVM struct {
	CSRF    string
	Banner  BannerVM
	Token   string // one-time form token: a double click checks in once
	Values  map[string]string
	Errors  map[string]string
	Doctors []components.Option
}

// ApptRow is one appointment of a doctor's day with what the desk may do with it.
type ApptRow struct {
	ID, Time, PatientID, MRN, Name, AgeSex, Phone, Reason string
	StatusLabel, StatusColour                             string
	Token                                                 string // the visit's token once checked in
	CanCheckIn, CanReschedule, CanCancel, CanNoShow       bool
}

// DoctorDayVM is one doctor's appointments on the chosen date.
type DoctorDayVM struct {
	Doctor, DoctorName, Department, Room string
	Summary                              string // "6 booked · 2 checked in · 1 cancelled"
	NoShowsDue                           int    // booked appointments whose slot has started
	Rows                                 []ApptRow
}

// TokenVM is the check-in just made, shown large so the desk can tell the patient.
type TokenVM struct {
	Token, VisitID, Name, MRN, DoctorName, Room, Priority string
}

// ApptDayVM is the front desk's OPD day: appointments per department and doctor.
type ApptDayVM struct {
	CSRF            string
	Date, DateLabel string
	DateInput       string // the date as typed, kept when it is refused
	DateError       string
	Prev, Next      string // dates of the day before and after
	Today           bool
	Dept            string
	Departments     []components.Option
	Doctors         []DoctorDayVM
	CheckedIn       *TokenVM
}

// ApptSummaryVM is one appointment at the top of its reschedule and cancel pages.
type ApptSummaryVM struct {
	ID, Name, MRN, PatientID, DoctorName, When, Room, Reason, Back string
}

// RescheduleVM moves an appointment to another slot of the same doctor.
type RescheduleVM struct {
	CSRF   string
	Appt   ApptSummaryVM
	Action string
	Date   string
	Dates  []components.Option
	Panel  SlotPanelVM
}

// CancelVM asks for the reason to cancel an appointment.
type CancelVM struct {
	CSRF   string
	Appt   ApptSummaryVM
	Reason string
	Errors map[string]string
}
