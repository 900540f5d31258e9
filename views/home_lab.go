package views

import "hms/views/components"

// LabTestRow is one line of the lab catalogue, every value already formatted.
type LabTestRow struct {
	Code, LOINC, Name string
	Specimen          string // specimen and container
	Unit              string
	Ranges            string // "M 13–17, F 12–15"
	Critical          string // "< 7 or > 20"
	TAT               string // hours
	Price             string // "—" when not separately priced
	Components        string // a panel's member tests, by name
	Href              string // the edit page, for those who may edit
}

// LabVM is the lab catalogue: panels, then single tests.
type LabVM struct {
	Panels []LabTestRow
	Tests  []LabTestRow
}

func (vm LabVM) panelTable() components.Table {
	t := components.Table{Caption: "Panels", TestID: "lab-panels", Empty: "No panels in the catalogue.",
		Heads: []string{"Code", "LOINC", "Panel", "Specimen / container", "Tests in the panel", "TAT (h)", "Price"}}
	for _, p := range vm.Panels {
		t.Rows = append(t.Rows, []components.Cell{{Text: p.Code, Mono: true, Href: p.Href}, {Text: p.LOINC, Mono: true},
			{Text: p.Name}, {Text: p.Specimen}, {Text: p.Components}, {Text: p.TAT, Right: true}, {Text: p.Price, Right: true}})
	}
	return t
}

func (vm LabVM) testTable() components.Table {
	t := components.Table{Caption: "Single tests", TestID: "lab-tests", Empty: "No tests in the catalogue.",
		Heads: []string{"Code", "LOINC", "Test", "Specimen / container", "Unit", "Reference range", "Critical limits", "TAT (h)", "Price"}}
	for _, x := range vm.Tests {
		t.Rows = append(t.Rows, []components.Cell{{Text: x.Code, Mono: true, Href: x.Href}, {Text: x.LOINC, Mono: true},
			{Text: x.Name}, {Text: x.Specimen}, {Text: x.Unit}, {Text: x.Ranges}, {Text: x.Critical},
			{Text: x.TAT, Right: true}, {Text: x.Price, Right: true}})
	}
	return t
}
