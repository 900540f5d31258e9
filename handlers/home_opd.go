package handlers

import (
	"cmp"
	"errors"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/views"
)

// opdHome shows the doctor the OPD clinics: each clinical department with its
// consultation fee and its doctors, the doctor's own department first.
func (a *App) opdHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	me, err := a.Users.ByUsername(ctx, currentUser(c).Username)
	if err != nil {
		return err
	}
	depts, err := a.Catalog.Departments(ctx)
	if err != nil {
		return err
	}
	users, err := a.Users.List(ctx)
	if err != nil {
		return err
	}
	doctors := map[string][]views.OPDDoctor{}
	for _, u := range users {
		if u.Disabled || u.Department == "" || !u.HasRole(string(RoleDoctor)) {
			continue
		}
		doctors[u.Department] = append(doctors[u.Department], views.OPDDoctor{Name: u.FullName, Me: u.Username == me.Username})
	}
	now := time.Now()
	vm := views.OPDVM{}
	if vm.FollowUpFee, err = a.feeAt(c, "CONS-FU", now); err != nil {
		return err
	}
	for _, d := range depts {
		if !d.Clinical {
			continue
		}
		cl := views.OPDClinic{Code: d.Code, Name: d.Name, Doctors: doctors[d.Code], Mine: d.Code == me.Department}
		// One _id lookup per clinic: a handful, and each is indexed on the embedded engine.
		if cl.Fee, err = a.feeAt(c, "CONS-"+d.Code, now); err != nil {
			return err
		}
		slices.SortFunc(cl.Doctors, func(x, y views.OPDDoctor) int { return cmp.Compare(x.Name, y.Name) })
		if cl.Mine {
			vm.MyClinic = d.Name
		}
		vm.Clinics = append(vm.Clinics, cl)
	}
	// Stable, so the other clinics keep the catalogue's name order.
	slices.SortStableFunc(vm.Clinics, func(x, y views.OPDClinic) int {
		switch {
		case x.Mine == y.Mine:
			return 0
		case x.Mine:
			return -1
		}
		return 1
	})
	return a.page(c, "OPD clinics", views.OPDHome(vm))
}

// feeAt returns a service's price in force at t, formatted, or "" when the price
// list has no such service or no price in force.
func (a *App) feeAt(c *fiber.Ctx, code string, t time.Time) (string, error) {
	s, err := a.Catalog.Service(c.UserContext(), code)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	amount, ok := s.PriceAt(t)
	if !ok || !s.Active {
		return "", nil
	}
	return views.Money(amount), nil
}
