package handlers

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/views"
)

// clinics is what a patient at the counter asks first — which clinics run, which
// doctors sit in them, and what registration and a consultation cost.
func (a *App) clinics(c *fiber.Ctx) (views.FrontDeskVM, error) {
	ctx := c.UserContext()
	deps, err := a.Catalog.Departments(ctx)
	if err != nil {
		return views.FrontDeskVM{}, err
	}
	users, err := a.Users.List(ctx)
	if err != nil {
		return views.FrontDeskVM{}, err
	}
	now := time.Now()
	vm := views.FrontDeskVM{}
	if reg, err := a.Catalog.Service(ctx, "REG"); err == nil {
		if amt, ok := reg.PriceAt(now); ok {
			vm.RegistrationFee = views.Money(amt)
		}
	}
	for _, d := range deps {
		if !d.Clinical {
			continue
		}
		clinic := views.ClinicRow{Department: d.Name, Code: d.Code, Fee: "—"}
		if svc, err := a.Catalog.Service(ctx, "CONS-"+d.Code); err == nil {
			if amt, ok := svc.PriceAt(now); ok {
				clinic.Fee = views.Money(amt)
			}
		}
		for _, u := range users {
			if u.Department == d.Code && !u.Disabled && slices.Contains(u.Roles, string(RoleDoctor)) {
				clinic.Doctors = append(clinic.Doctors, u.FullName)
			}
		}
		vm.Clinics = append(vm.Clinics, clinic)
	}
	return vm, nil
}
