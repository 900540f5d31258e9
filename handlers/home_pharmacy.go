package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/views"
)

// pharmacyHome shows the formulary, controlled substances flagged.
func (a *App) pharmacyHome(c *fiber.Ctx) error {
	drugs, err := a.Catalog.Drugs(c.UserContext())
	if err != nil {
		return err
	}
	vm := views.FormularyVM{Nav: a.pharmacyNavFor(c, "formulary"), Drugs: make([]views.DrugRow, 0, len(drugs))}
	for _, d := range drugs {
		vm.Drugs = append(vm.Drugs, views.DrugRow{Code: d.Code, Generic: d.Generic, Brands: strings.Join(d.Brands, ", "),
			Strength: d.Strength, Form: d.Form, Route: d.Route, ATC: orDash(d.ATC),
			PackSize: strconv.Itoa(d.PackSize), Unit: d.Unit, Reorder: strconv.Itoa(d.ReorderLevel),
			Controlled: d.Controlled})
		if d.Controlled {
			vm.Controlled++
		}
	}
	return a.page(c, "Formulary", views.PharmacyHome(vm))
}
