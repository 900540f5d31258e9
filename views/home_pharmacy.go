package views

import "hms/views/components"

// DrugRow is one formulary entry, every value already formatted.
type DrugRow struct {
	Code, Generic, Brands, Strength, Form, Route, ATC string
	PackSize, Unit, Reorder                           string
	Controlled                                        bool
}

// FormularyVM is the pharmacy's formulary.
type FormularyVM struct {
	Nav        PharmacyNav
	Drugs      []DrugRow
	Controlled int // how many entries are controlled substances
}

func (vm FormularyVM) table() components.Table {
	t := components.Table{TestID: "formulary", Empty: "The formulary is empty.",
		Heads: []string{"Code", "Generic", "Strength", "Form", "Route", "ATC", "Pack size", "Unit", "Reorder level", "Schedule"}}
	if vm.Nav.CanFormulary {
		t.Heads = append(t.Heads, "Edit")
	}
	for _, d := range vm.Drugs {
		name := d.Generic
		if d.Brands != "" {
			name += " (" + d.Brands + ")"
		}
		sched := components.Cell{}
		if d.Controlled {
			sched = components.Cell{Text: "Controlled", Badge: "red"}
		}
		t.Rows = append(t.Rows, []components.Cell{{Text: d.Code, Mono: true}, {Text: name}, {Text: d.Strength},
			{Text: d.Form}, {Text: d.Route}, {Text: d.ATC, Mono: true}, {Text: d.PackSize, Right: true}, {Text: d.Unit}, {Text: d.Reorder, Right: true}, sched})
		if vm.Nav.CanFormulary {
			t.Rows[len(t.Rows)-1] = append(t.Rows[len(t.Rows)-1], components.Cell{Text: "Edit", Href: "/pharmacy/drugs/" + d.Code + "/edit"})
		}
	}
	return t
}
