package views

// LabTestFormVM is the edit form of one catalogue test or panel.
type LabTestFormVM struct {
	CSRF, Code, Version                      string
	Panel                                    bool
	Name, LOINC, Unit, TAT                   string
	CriticalLow, CriticalHigh, Ranges, Codes string
	Components                               string
	Errors                                   map[string]string
}
