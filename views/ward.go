package views

import (
	"strconv"

	"hms/views/components"
)

// WardTile is one bed on the ward board; an occupied bed shows its patient.
type WardTile struct {
	ID, Code, State, StateLabel, TypeName, Reason string
	Features                                      []string
	AdmissionID, Name, AgeSex, Doctor, Expected   string
	Days                                          int
	Allergies                                     string // substances; "" when none listed
	AllergyUnknown                                bool
	MedsDue                                       string // "due", "overdue" or ""
	DueAt                                         string
	Unacked                                       int
	VitalsAbnormal                                bool
	Fall, Isolation, Discharge                    bool
	CanClean, CanBlock, CanUnblock                bool
}

// Href opens the patient's ward view.
func (t WardTile) Href() string { return "/ward/adm/" + t.AdmissionID }

// WardBoardPageVM is the live board of one ward with its census line.
type WardBoardPageVM struct {
	Code, Name, Type, Floor, Sex, NurseStation string
	Tiles                                      []WardTile
	Counts                                     BedCounts
	AdmittedToday, DischargedToday             int
	CSRF, PollHeaders                          string
	Version                                    string
	CanAdmit, CanSetup                         bool
}

// PollURL is the address the board refreshes itself from.
func (vm WardBoardPageVM) PollURL() string { return "/ward/" + vm.Code }

// PollVals sends the shown version with each poll.
func (vm WardBoardPageVM) PollVals() string { return `{"v":"` + vm.Version + `"}` }

func itoa(n int) string { return strconv.Itoa(n) }

// WardOrderRow is one doctor order on the patient's ward view.
type WardOrderRow struct {
	ID, Kind, Summary, Status, StatusLabel, Ordered, Ack, Ended, Reason string
	New, Open, CanAck, CanStop                                          bool
}

// MARSlot is one scheduled dose or task time and what was recorded.
type MARSlot struct {
	Key, Time, Status, StatusLabel, By, Reason string
	Recorded, Due, Overdue                     bool
}

// MARRow is one order on the MAR or the care-task list of the day.
type MARRow struct {
	OrderID, Summary, Frequency string
	Task, PRN, Active           bool
	Slots                       []MARSlot
	PRNDoses                    []MARSlot
	PRNToken                    string
}

// VitalsTrend is one vital's trend over the stay as a small SVG chart.
type VitalsTrend struct {
	Label, Unit, Last string
	Points            string // "x,y x,y …" in a 300×80 box
	Dots              []TrendDot
	BandY, BandH      string // the normal range as a band
	Min, Max          string // the axis' values
	LastAbnormal      bool
}

// TrendDot is one reading on a trend.
type TrendDot struct {
	X, Y     string
	Abnormal bool
	Title    string
}

// NoteRow is a nursing note or an intake/output line.
type NoteRow struct {
	At, Shift, Text, By string
	Seal                components.Seal // a nursing note's signature
}

// StayRow is one bed of the stay's history.
type StayRow struct{ Bed, From, To, Reason, By string }

// WardPatientVM is a patient's ward view: the admission, orders, MAR, chart, moves, discharge.
type WardPatientVM struct {
	Banner                                          BannerVM
	CSRF                                            string
	ID, Ward, WardName, Bed, Status, StatusLabel    string
	Doctor, Department, Diagnosis, Reason, Admitted string
	Expected, Days, Source                          string
	Active, DischargeOrdered, Discharged            bool
	Fall, Isolation                                 bool
	Outcome, DischargeInfo, Departed                string
	Orders                                          []WardOrderRow
	Unacked                                         int
	MAR, Tasks                                      []MARRow
	Date                                            string
	Trends                                          []VitalsTrend
	VitalsFields                                    []components.Field
	Notes                                           []NoteRow
	IO                                              []NoteRow
	IntakeML, OutputML                              int
	Stays                                           []StayRow
	FreeBeds                                        []components.Option
	CanOrder, CanNurse, CanTransfer                 bool
	OrderFields, TransferFields, DischargeFields    []components.Field
	NoteFields, IOFields, DoseFields, SummaryFields []components.Field
	Errors                                          map[string]string // form → message
	SummarySigned                                   bool
	SummaryBy                                       string
	SummarySeal                                     components.Seal
	SummaryAddenda                                  []ConsultAddendum // signed corrections
	AddendumFields                                  []components.Field
	Open                                            string // the section to show open after a post
}

// Err is the message of a form, if any.
func (vm WardPatientVM) Err(form string) string { return vm.Errors[form] }

// Href is the ward view's address.
func (vm WardPatientVM) Href() string { return "/ward/adm/" + vm.ID }

// WardSummaryVM is the printable discharge summary.
type WardSummaryVM struct {
	Hospital, Name, MRN, AgeSex, ID, Admitted, Departed, Outcome string
	Doctor, Department, Ward                                     string
	Diagnoses, Procedures, Course, Medications, FollowUp         string
	Signed, SignedBy, SignedAt                                   string
	Seal                                                         components.Seal
	Addenda                                                      []ConsultAddendum
	Deceased                                                     string
}

// AdmitVM is the admission form.
type AdmitVM struct {
	CSRF      string
	Fields    []components.Field
	FormError string
	BedHint   string
}

// Itoa writes a whole number.
func Itoa(n int) string { return strconv.Itoa(n) }

// BedSetupRow is one bed on the ward's setup page.
type BedSetupRow struct {
	ID, Code, Type, State, StateLabel, Reason, Features string
	CanBlock, CanUnblock, CanReserve, CanCancel         bool
}

// WardSetupVM is a ward's bed setup: block, unblock, reserve, add beds.
type WardSetupVM struct {
	Code, Name, CSRF string
	Beds             []BedSetupRow
	AddFields        []components.Field
	Errors           map[string]string
}
