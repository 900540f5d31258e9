package views

import "hms/views/components"

// StaffListVM is the staff directory with the users not yet in it.
type StaffListVM struct {
	Table   components.Table
	Missing []components.Option // users without a directory entry
}

// StaffVM is one staff member's directory entry and, for a doctor, the OPD schedule.
type StaffVM struct {
	CSRF, Username, FullName string
	Exists, IsDoctor         bool
	Version                  string
	Values, Errors           map[string]string // the profile form
	Options                  map[string][]components.Option
	Sessions                 OPDSessionsVM
	Exceptions               []ExceptionRow
	ExValues, ExErrors       map[string]string // the exception form
}

// OPDSessionsVM is the weekly sessions form: rows added and removed before saving.
type OPDSessionsVM struct {
	CSRF, Username, Version string
	Rows                    []SessionRowVM
	Error                   string // the store's refusal (overlap, slot length) or a version conflict
	Dirty                   bool   // rows added or removed and not saved yet
}

// SessionRowVM is one weekly session as typed.
type SessionRowVM struct {
	Weekday, Start, End, SlotMinutes, Room string
	Errors                                 map[string]string
}

// ExceptionRow is one dated change of a doctor's schedule.
type ExceptionRow struct {
	Date, DateLabel, What, Reason, By string
}

// WeekdayOptions are the days of the week as the sessions form offers them.
var WeekdayOptions = []components.Option{{Value: "1", Label: "Monday"}, {Value: "2", Label: "Tuesday"},
	{Value: "3", Label: "Wednesday"}, {Value: "4", Label: "Thursday"}, {Value: "5", Label: "Friday"},
	{Value: "6", Label: "Saturday"}, {Value: "0", Label: "Sunday"}}
