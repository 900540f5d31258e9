package handlers

import (
	"cmp"

	"github.com/gofiber/fiber/v2"

	"hms/store/pharmacy"
	"hms/store/worklist"
	"hms/views"
)

// pharmacyNavFor is the pharmacy's link bar as the user's permissions allow.
func (a *App) pharmacyNavFor(c *fiber.Ctx, active string) views.PharmacyNav {
	roles := currentUser(c).Roles
	return views.PharmacyNav{Active: active, CanView: can(roles, PermPharmacy), CanDispense: can(roles, PermDispense), CanStock: can(roles, PermStock),
		CanFormulary: can(roles, PermFormulary)}
}

var pharmacyPriorityColours = map[string]string{worklist.PriorityStat: "red", worklist.PriorityUrgent: "amber"}

var pharmacyStatusColours = map[string]string{pharmacy.ItemWaiting: "sky", pharmacy.ItemPartial: "amber",
	pharmacy.ItemSupplied: "green"}

// pharmacyQueue is the pharmacist's home: what waits to be dispensed, STAT first, then
// oldest. It polls itself; a poll that finds the list as shown gets 204.
func (a *App) pharmacyQueue(c *fiber.Ctx) error {
	items, version, err := a.Pharmacy.Queue(c.UserContext())
	if err != nil {
		return err
	}
	nav := a.pharmacyNavFor(c, "queue")
	vm := views.PharmacyQueueVM{Nav: nav, PollHeaders: pollHeaders()}
	for _, it := range items {
		row := views.PharmacyQueueRow{ItemID: it.ID, MRN: it.MRN, Name: it.Name, Where: it.Where, Summary: it.Summary,
			Priority: it.Priority, PriorityColour: pharmacyPriorityColours[it.Priority], Status: it.Status,
			StatusColour: cmp.Or(pharmacyStatusColours[it.Status], "slate"),
			Arrived:      views.DateTime(it.At, a.cfg.Location), Stat: it.Priority == worklist.PriorityStat}
		if row.Priority == worklist.PriorityRoutine {
			row.Priority = ""
		}
		row.Kind = "OPD prescription"
		if it.Kind == worklist.KindIPDMed {
			row.Kind = "Ward medication order"
		}
		if nav.CanDispense {
			row.Href = "/pharmacy/dispense/" + it.ID
		}
		vm.Rows = append(vm.Rows, row)
	}
	vm.Version = fingerprint(version, nav.CanDispense)
	if isPartial(c) && c.Query("v") == vm.Version {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return a.page(c, "Dispense queue", views.PharmacyQueue(vm))
}
