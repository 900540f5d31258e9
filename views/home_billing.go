package views

import "hms/views/components"

// BillingRow is one service of the price list, every value already formatted.
type BillingRow struct {
	Code, Name, Price, Tax, From string
	Inactive                     bool
}

// BillingGroup is one category of the price list.
type BillingGroup struct {
	Key, Title string
	Rows       []BillingRow
}

// BillingVM is the billing desk's read-only view of the price list.
type BillingVM struct {
	Groups []BillingGroup
	AsOf   string
}

func (g BillingGroup) table() components.Table {
	t := components.Table{TestID: "prices-" + g.Key, Empty: "No services in this category.",
		Heads: []string{"Code", "Service", "Price now", "Tax", "Effective from"}}
	for _, r := range g.Rows {
		price := components.Cell{Text: r.Price, Right: true}
		if r.Inactive {
			price = components.Cell{Text: "Withdrawn", Badge: "slate"}
		}
		t.Rows = append(t.Rows, []components.Cell{{Text: r.Code, Mono: true}, {Text: r.Name}, price,
			{Text: r.Tax, Right: true}, {Text: r.From}})
	}
	return t
}
