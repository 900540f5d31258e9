package views

import "hms/views/components"

// PatientRow is one search result.
type PatientRow struct {
	ID, MRN, Name, AgeSex, Phone, LastVisit, DuplicateOf string
}

// PatientSearchVM is the front desk's search page and its results fragment.
type PatientSearchVM struct {
	CSRF, Query, Kind string
	Rows              []PatientRow
	Total             int
	Searched          bool
	CanRegister       bool
	Clinics           FrontDeskVM
}

// AllergyRow is one listed allergy.
type AllergyRow struct{ ID, Substance, Reaction, Severity, Recorded string }

// BannerVM is the strip at the top of every patient page.
type BannerVM struct {
	ID, MRN, Name, AgeSex, DOB, Phone string
	AllergyStatus                     string // unknown, nka, listed
	Allergies                         []string
	AllergiesRecorded                 string
	Insurance, InsuranceColour        string
	Balance                           string
	DuplicateOf, DuplicateOfID        string
	Newborn, Female                   bool
	MotherMRN, MotherID               string
	Deceased                          string // time of death, when the patient has died
}

// PolicyRow is one insurance policy as the chart shows it.
type PolicyRow struct {
	ID, Payer, Plan, Member, Group, Rank, Valid, State, StateColour, Ended string
	Active                                                                 bool
}

// ChangeRow is one line of a patient's history.
type ChangeRow struct{ At, By, Field, Old, New string }

// Tab is one tab of the chart.
type Tab struct {
	Key, Label string
	Count      int
}

// ChartVM is the patient chart: banner, tabs and the open tab's content.
type ChartVM struct {
	CSRF   string
	Banner BannerVM
	Tab    string
	Tabs   []Tab
	Can    ChartPermissions

	Details    []components.Cell // label, value pairs flattened
	Policies   []PolicyRow
	Allergies  []AllergyRow
	History    []ChangeRow
	Account    BillingAccountVM
	Errors     map[string]string
	Form       map[string]string // entries of a refused tab form, kept
	PayerPlans []components.Option
	Access     AccessLogVM // the "Access log" tab (views/audit.go)
	Visits     []VisitRow
	Lab        LabChartVM // the "Orders & results" tab: lab results and trends
}

// ChartPermissions says which actions the user may take on the chart.
type ChartPermissions struct{ Edit, Allergies, Appointments, Pseudonymise bool }

// BillingAccountVM is the billing account as the chart's Bills tab shows it.
type BillingAccountVM struct {
	Exists          bool
	Balance, Opened string
}

// PatientFormVM is the registration or edit form with what the user typed and the errors.
type PatientFormVM struct {
	CSRF, Action, Title, Submit string
	Edit                        bool
	Newborn                     bool
	MotherName, MotherMRN       string
	Banner                      *BannerVM
	Values                      map[string]string
	Errors                      map[string]string
	Candidates                  []CandidateRow
	Options                     map[string][]components.Option // choices of each select, by field name
	IDOnFile                    string
}

// field builds the form field name with the user's entry and its error.
func (vm PatientFormVM) field(name, label, typ string) components.Field {
	return components.Field{Name: name, Label: label, Type: typ, Value: vm.Values[name], Error: vm.Errors[name],
		Options: vm.Options[name]}
}

// CandidateRow is a registered patient who may be the person being registered.
type CandidateRow struct {
	PatientRow
	Reasons string
}

// PrintVM is the ID card and wristband page.
type PrintVM struct {
	MRN, Name, DOB, AgeSex, BloodGroup, Allergies, Printed, Hospital string
	AllergyAlert                                                     bool
}

// VisitRow is one OPD visit on the chart's Visits tab.
type VisitRow struct {
	Date, Token, Doctor, Department, Complaint, State, StateColour, CheckedIn string
}
