package views

// OPDDoctor is a doctor who sees patients in a clinic.
type OPDDoctor struct {
	Name string
	Me   bool // the signed-in doctor
}

// OPDClinic is one clinical department's outpatient clinic.
type OPDClinic struct {
	Code, Name string
	Fee        string // consultation fee now, formatted; "" when the price list has none
	Doctors    []OPDDoctor
	Mine       bool // the signed-in doctor's own department
}

// OPDVM is the doctor's OPD landing page.
type OPDVM struct {
	Clinics     []OPDClinic
	FollowUpFee string // the follow-up consultation fee, "" when not on the price list
	MyClinic    string // the signed-in doctor's department name, "" when none
}
