package views

import "hms/views/components"

// OPDQueueRow is one patient of the doctor's OPD queue.
type OPDQueueRow struct {
	VisitID, Token, Name, MRN, AgeSex string
	State, StateLabel, StateColour    string
	Priority                          string // label, "" when none
	VitalsTaken, Abnormal             bool
	Wait                              string // estimated wait, waiting patients only
	Waiting, Current                  bool
}

// OPDQueueVM is the doctor's queue for today: a fragment that refreshes itself.
type OPDQueueVM struct {
	CSRF, Date, Current string // Current: the visit open on the consult screen
	Rows                []OPDQueueRow
	Waiting, WithDoctor int
	Done                int
	AvgConsult          string
	Compact             bool // the consult screen's left column
	PollHeaders         string
	Version             string `json:"-"`
}

// PollVals sends the shown version (and the open visit) with each poll.
func (vm OPDQueueVM) PollVals() string {
	return `{"v":"` + vm.Version + `","current":"` + vm.Current + `"}`
}

// OPDHomeVM is the doctor's OPD home: who they are and today's queue.
type OPDHomeVM struct {
	DoctorName, Room, Department string
	NoProfile                    bool
	Queue                        OPDQueueVM
}

// ConsultDiagnosis is one diagnosis of the visit.
type ConsultDiagnosis struct {
	Line          string
	Code, Title   string
	Text          string
	Primary       bool
	RemoveAllowed bool
}

// ConsultRx is one prescription line.
type ConsultRx struct {
	Line, Drug, Dose, Route, Frequency, Duration, Quantity, Instructions string
	Warnings                                                             []string // acknowledged warnings
	Active                                                               bool
	Removed                                                              string
}

// ConsultOrder is one lab or radiology order of the visit.
type ConsultOrder struct {
	Line, Kind, Name, Priority, Notes, Status, StatusColour, Ref string
	Active                                                       bool
}

// ConsultAddendum is one addendum of a signed note.
type ConsultAddendum struct {
	Text, By, At string
	Seal         components.Seal
}

// ConsultRxWarning is a warning the prescriber must acknowledge before the line is saved.
type ConsultRxWarning struct {
	Kind     string // allergy, duplicate
	Messages []string
	Field    string // the acknowledgement checkbox's name
	Label    string
	Checked  bool
}

// ConsultVM is the consultation screen: the queue on the left, the patient on the right.
type ConsultVM struct {
	CSRF, VisitID, Number, Token, Date string
	State, StateLabel, StateColour     string
	Complaint, Priority, CheckedIn     string
	DoctorName                         string
	Editable                           bool // with the doctor: the consultation may be written
	Completed                          bool
	Queue                              OPDQueueVM
	Banner                             BannerVM
	LastVisit                          string

	Vitals      []VitalsReading
	VitalsAt    string
	AllergyRows []AllergyRow

	NoteSigned               bool
	Note                     map[string]string // subjective, objective, assessment, plan
	NoteSaved, NoteSignedBy  string
	NoteSeal                 components.Seal
	Addenda                  []ConsultAddendum
	Diagnoses                []ConsultDiagnosis
	Prescriptions            []ConsultRx
	Orders                   []ConsultOrder
	Lab                      LabChartVM // the patient's lab results and the doctor's critical alerts
	RxWarnings               []ConsultRxWarning
	FollowUp, FollowUpNote   string
	CompletedBy, CompletedAt string

	// Choices of the forms.
	Drugs, Frequencies, Routes, LabTests, Exams, Priorities []components.Option

	// A refused form: which one, its entries and errors, keyed by field name.
	Form   string
	Values map[string]string
	Errors map[string]string
}

// field builds an input of the form named form, with its entry and error when that form was refused.
func (vm ConsultVM) field(form, name, label, typ string) components.Field {
	f := components.Field{Name: name, Label: label, Type: typ}
	if vm.Form == form {
		f.Value, f.Error = vm.Values[name], vm.Errors[name]
	}
	return f
}

// formError is the message of a refused form that belongs to no single field.
func (vm ConsultVM) formError(form string) string {
	if vm.Form != form {
		return ""
	}
	return vm.Errors["_form"]
}

// refused reports whether form came back with errors.
func (vm ConsultVM) refused(form string) bool { return vm.Form == form && len(vm.Errors) > 0 }

// warned reports whether a warning with this acknowledgement box is shown.
func (vm ConsultVM) warned(field string) bool {
	for _, w := range vm.RxWarnings {
		if w.Field == field {
			return true
		}
	}
	return false
}

// PrescriptionPrintVM is the printable prescription.
type PrescriptionPrintVM struct {
	Hospital, VisitNumber, Date, Printed  string
	Name, MRN, AgeSex, Allergies          string
	AllergyAlert                          bool
	DoctorName, Licence, Department, Room string
	Diagnoses                             []string
	Lines                                 []ConsultRx
	FollowUp, FollowUpNote                string
	VisitID                               string
	LabOrders, RadiologyOrders            []string
}
