package handlers

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/catalog"
	"hms/views"
)

// labHome shows the lab test catalogue: panels with their tests, then single tests.
func (a *App) labHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	tests, err := a.Catalog.LabTests(ctx)
	if err != nil {
		return err
	}
	// The whole price list is one small read; the page prices many tests from it.
	services, err := a.Catalog.Services(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	prices := make(map[string]string, len(services))
	for _, s := range services {
		if amount, ok := s.PriceAt(now); ok && s.Active {
			prices[s.Code] = views.Money(amount)
		}
	}
	names := make(map[string]string, len(tests))
	for _, t := range tests {
		names[t.Code] = t.Name
	}
	var vm views.LabVM
	canEdit := can(currentUser(c).Roles, PermLabCatalog)
	for _, t := range tests {
		row := views.LabTestRow{Code: t.Code, LOINC: orDash(t.LOINC), Name: t.Name, Unit: orDash(t.Unit),
			Specimen: t.Specimen + " · " + t.Container, Ranges: formatRanges(t.Ranges),
			Critical: formatCritical(t.CriticalLow, t.CriticalHigh), TAT: strconv.Itoa(t.TATHours), Price: "—"}
		if canEdit {
			row.Href = "/lab/catalogue/" + t.Code
		}
		if p, ok := prices[t.ServiceCode]; ok {
			row.Price = p
		}
		if !t.IsPanel() {
			vm.Tests = append(vm.Tests, row)
			continue
		}
		parts := make([]string, 0, len(t.Components))
		for _, code := range t.Components {
			parts = append(parts, cmp.Or(names[code], code))
		}
		row.Components = strings.Join(parts, "; ") // names hold commas ("Bilirubin, total")
		vm.Panels = append(vm.Panels, row)
	}
	return a.widePage(c, "Lab test catalogue", views.LabHome(vm)) // nine columns: use the bench PC's width
}

// formatRanges writes reference ranges the way a report shows them: "M 13–17, F 12–15";
// an age band other than adult (18+) is named ("1–12 y 11.5–15.5").
func formatRanges(rs []catalog.RefRange) string {
	if len(rs) == 0 {
		return "—"
	}
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		var who []string
		if r.Sex != "" {
			who = append(who, r.Sex)
		}
		switch {
		case r.AgeTo >= 120 && (r.AgeFrom == 0 || r.AgeFrom == 18):
			// all ages, or the adult band every test has: nothing to say
		case r.AgeTo >= 120:
			who = append(who, "≥"+strconv.Itoa(r.AgeFrom)+" y")
		default:
			who = append(who, strconv.Itoa(r.AgeFrom)+"–"+strconv.Itoa(r.AgeTo)+" y")
		}
		who = append(who, labNum(r.Low)+"–"+labNum(r.High))
		parts = append(parts, strings.Join(who, " "))
	}
	return strings.Join(parts, ", ")
}

// formatCritical writes the critical limits: "< 7 or > 20", "—" when there are none.
func formatCritical(lo, hi *float64) string {
	switch {
	case lo != nil && hi != nil:
		return "< " + labNum(*lo) + " or > " + labNum(*hi)
	case lo != nil:
		return "< " + labNum(*lo)
	case hi != nil:
		return "> " + labNum(*hi)
	}
	return "—"
}

// labNum writes a number with as many decimals as it has (13, 4.5, 1.005).
func labNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// orDash shows "—" for an empty value, so a blank cell never looks like missing data.
func orDash(s string) string { return cmp.Or(s, "—") }
