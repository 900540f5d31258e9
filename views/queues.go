package views

import "hms/views/components"

// TriageRow is one patient on a doctor's queue board.
type TriageRow struct {
	VisitID, PatientID, Token, MRN, Name, AgeSex string
	State, StateLabel, StateColour               string
	Priority, EstWait, CheckedIn                 string
	VitalsTaken, Abnormal, Waiting, Skipped      bool
}

// QueueBoardVM is one doctor's queue of today, for the nurse's triage and the front desk.
type QueueBoardVM struct {
	CSRF, Date, Doctor, DoctorName, Department, Room string
	Rows                                             []TriageRow
	AvgConsult                                       string
	CanTriage                                        bool
	Version, PollHeaders                             string
	Waiting, WithDoctor, Done                        int
}

// PollURL is where the board refreshes itself from.
func (vm QueueBoardVM) PollURL() string { return "/opd/queues/" + vm.Doctor }

// PollVals sends the shown version, so "nothing changed" is answered with 204.
func (vm QueueBoardVM) PollVals() string { return `{"v":"` + vm.Version + `"}` }

// QueueSummary is one doctor's queue in the overview.
type QueueSummary struct {
	Doctor, DoctorName, Department, Room, NowServing string
	Waiting, WithDoctor, Done                        int
}

// QueuesVM is the overview of today's OPD queues.
type QueuesVM struct {
	Date    string
	Doctors []QueueSummary
}

// VitalsFormVM is the triage form of one visit.
type VitalsFormVM struct {
	CSRF, VisitID, Token, Doctor, DoctorName string
	Banner                                   BannerVM
	Fields                                   []components.Field
	FormError                                string
	Previous                                 []VitalsReading
}

// VitalsReading is one vital sign as recorded, flagged when outside the normal range.
type VitalsReading struct {
	Label, Value string
	Abnormal     bool
}

// DisplayBoard is one doctor's part of the waiting-room screen: tokens only, no names.
type DisplayBoard struct {
	DoctorName, Room, NowCalling string
	Next                         []string
}

// OPDDisplayVM is the waiting-room screen.
type OPDDisplayVM struct {
	Date, Clock, Version, PollHeaders string
	Boards                            []DisplayBoard
}

// PollVals sends the shown version, so "nothing changed" is answered with 204.
func (vm OPDDisplayVM) PollVals() string { return `{"v":"` + vm.Version + `"}` }
