package views

import (
	"encoding/json"
	"net/url"

	"hms/views/components"
)

// LabWorkRow is one open order on the lab worklist, every value formatted.
type LabWorkRow struct {
	OrderID, Name, MRN, Where, Test string
	Priority, PriorityLabel         string
	Status, StatusLabel             string
	Ordered, Due                    string
	Overdue                         bool
}

// LabAlertRow is one critical-result alert in a list.
type LabAlertRow struct {
	ID, OrderID, PatientID, Name, MRN string
	Summary, Raised, Doctor, State    string
	Escalated                         bool
}

// LabWorklistVM is the technician's home: open orders, filters, the scan box.
type LabWorklistVM struct {
	Rows                       []LabWorkRow
	Status, Priority, Source   string
	StatusOptions              []components.Option
	PriorityOptions            []components.Option
	SourceOptions              []components.Option
	Accession, ScanError, CSRF string
	Unassigned                 []LabAlertRow
	Open, Stat, Overdue        int
	Version, PollHeaders       string
}

// PollURL is the worklist's own address with its filters.
func (vm LabWorklistVM) PollURL() string {
	q := url.Values{}
	for k, v := range map[string]string{"status": vm.Status, "priority": vm.Priority, "source": vm.Source} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return "/lab"
	}
	return "/lab?" + q.Encode()
}

// PollVals sends the shown version with each poll.
func (vm LabWorklistVM) PollVals() string {
	b, _ := json.Marshal(map[string]string{"v": vm.Version})
	return string(b)
}

// labPriorityColour colours a priority badge.
func labPriorityColour(p string) string {
	switch p {
	case "stat":
		return "red"
	case "urgent":
		return "amber"
	}
	return "slate"
}

// labStatusColour colours a lab status badge.
func labStatusColour(s string) string {
	switch s {
	case "ordered":
		return "slate"
	case "collected", "received", "in_progress":
		return "sky"
	case "resulted", "preliminary":
		return "amber"
	case "verified":
		return "green"
	}
	return "slate"
}

// LabFlagColour colours a result flag.
func LabFlagColour(f string) string {
	switch f {
	case "LL", "HH":
		return "red"
	case "L", "H":
		return "amber"
	}
	return ""
}
