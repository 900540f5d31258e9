package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/catalog"
	"hms/views"
)

// admissionsHome shows the admission desk how many beds of each ward are free.
// One read of all beds (hundreds at most) gives every ward's counts.
func (a *App) admissionsHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	wards, err := a.Catalog.Wards(ctx)
	if err != nil {
		return err
	}
	beds, err := a.Catalog.AllBeds(ctx)
	if err != nil {
		return err
	}
	per, total := tallyBeds(beds)
	vm := views.CensusVM{Total: total, AsOf: time.Now().In(a.cfg.Location).Format("15:04, 2 Jan 2006")}
	for _, w := range wards {
		vm.Wards = append(vm.Wards, views.WardCensus{Code: w.Code, Name: w.Name, Type: wardTypeLabel(w.Type),
			Sex: wardSexLabel(w.Sex), Floor: w.Floor, Counts: per[w.Code]})
	}
	return a.page(c, "Bed availability", views.AdmissionsHome(vm))
}

// tallyBeds counts beds by ward and state, and for the whole hospital.
func tallyBeds(beds []catalog.Bed) (map[string]views.BedCounts, views.BedCounts) {
	per := make(map[string]views.BedCounts)
	var all views.BedCounts
	for _, b := range beds {
		w := per[b.Ward]
		countBed(&w, b.Status)
		per[b.Ward] = w
		countBed(&all, b.Status)
	}
	return per, all
}

func countBed(n *views.BedCounts, status string) {
	n.Total++
	switch status {
	case catalog.BedAvailable:
		n.Available++
	case catalog.BedReserved:
		n.Reserved++
	case catalog.BedOccupied:
		n.Occupied++
	case catalog.BedCleaning:
		n.Cleaning++
	case catalog.BedBlocked:
		n.Blocked++
	}
}

// wardTypeLabel names a ward type for people.
func wardTypeLabel(t string) string {
	switch t {
	case catalog.WardGeneral:
		return "General"
	case catalog.WardICU:
		return "ICU"
	case catalog.WardMaternity:
		return "Maternity"
	case catalog.WardPaediatric:
		return "Paediatric"
	case catalog.WardIsolation:
		return "Isolation"
	}
	return t
}

// wardSexLabel names a ward's sex restriction.
func wardSexLabel(s string) string {
	switch s {
	case "M":
		return "Male only"
	case "F":
		return "Female only"
	}
	return "Mixed"
}

// bedStateLabel names a bed state for people.
func bedStateLabel(s string) string {
	switch s {
	case catalog.BedAvailable:
		return "Available"
	case catalog.BedReserved:
		return "Reserved"
	case catalog.BedOccupied:
		return "Occupied"
	case catalog.BedCleaning:
		return "Cleaning"
	case catalog.BedBlocked:
		return "Blocked"
	}
	return s
}
