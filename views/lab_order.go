package views

import "hms/views/components"

// LabResultRow is one test of an order: for entry (Value is what was typed) or display.
type LabResultRow struct {
	Code, Name, Unit, Range, Kind string
	Codes                         []string // a coded test's answers
	Value, Flag, Prev, Delta      string
	Error                         string
}

// LabStep is one line of an order's or an alert's history.
type LabStep struct{ At, By, What string }

// LabAmendmentRow is one amendment with the values it replaced.
type LabAmendmentRow struct {
	At, By, Reason string
	Previous       string          // "Glucose, fasting 95 mg/dL; …"
	Seal           components.Seal // the amendment's signature
}

// LabOpenAlert is an open critical alert on the order, with the read-back form for the lab.
type LabOpenAlert struct {
	ID, Values, Doctor, Raised, State string
	Steps                             []LabStep
}

// LabOrderVM is one lab order as the bench works on it.
type LabOrderVM struct {
	CSRF                                       string
	ID, PatientID, Name, MRN, AgeSex           string
	Test, TestCode, Specimen, Container, Where string
	Priority, PriorityLabel                    string
	Status, StatusLabel                        string
	Doctor, Ordered, Notes                     string
	Accession, Collected, Received             string
	Version                                    string
	Entered, Verified                          string          // "Lab Tech, 27 Nov 2026 10:05"
	Seal                                       components.Seal // the verified report's signature
	Rows                                       []LabResultRow
	Entry, AmendEntry                          bool // the result form is open (for entry or for an amendment)
	CanCollect, CanReceive, CanReject          bool
	CanCancel, CanVerify, CanPrelim, CanAmend  bool
	CanReport, CanEdit                         bool
	Errors                                     map[string]string
	Values                                     map[string]string // kept entries of a refused form
	FormError                                  string
	RejectReasons                              []string
	Rejections                                 []LabStep
	Amendments                                 []LabAmendmentRow
	History                                    []LabStep
	Alert                                      *LabOpenAlert
}

// Preliminary reports whether the results are released but not verified.
func (vm LabOrderVM) Preliminary() bool { return vm.Status == "preliminary" }

func labFormAction(amend bool) string {
	if amend {
		return "/amend"
	}
	return "/results"
}

func labReasonOptions(reasons []string) []components.Option {
	out := []components.Option{{Value: "", Label: "Choose a reason"}}
	for _, r := range reasons {
		out = append(out, components.Option{Value: r, Label: r})
	}
	return out
}
