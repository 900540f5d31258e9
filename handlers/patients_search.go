package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hms/views"
)

// searchLimit is the most rows a search shows.
const searchLimit = 20

type searchInput struct {
	Q string `form:"q"`
}

// patientsHome is the front desk's home: the search box, then clinics and fees.
func (a *App) patientsHome(c *fiber.Ctx) error {
	clinics, err := a.clinics(c)
	if err != nil {
		return err
	}
	vm := views.PatientSearchVM{CSRF: a.csrfToken(c), CanRegister: can(currentUser(c).Roles, PermPatientsEdit), Clinics: clinics}
	return a.page(c, "Patients", views.PatientSearchPage(vm))
}

// search runs the query of a search form. Search terms travel in POST bodies, so names
// and phone numbers never sit in URLs, browser history or access logs.
func (a *App) search(c *fiber.Ctx) (views.PatientSearchVM, error) {
	var in searchInput
	if err := parseForm(c, &in); err != nil {
		return views.PatientSearchVM{}, err
	}
	if len(in.Q) > 100 {
		in.Q = in.Q[:100]
	}
	vm := views.PatientSearchVM{CSRF: a.csrfToken(c), Query: in.Q, CanRegister: can(currentUser(c).Roles, PermPatientsEdit)}
	res, err := a.Patients.Search(c.UserContext(), in.Q, searchLimit)
	if err != nil {
		return vm, err
	}
	vm.Searched, vm.Kind, vm.Total = printable(in.Q) && len(in.Q) > 0, res.Kind, res.Total
	for _, h := range res.Hits {
		vm.Rows = append(vm.Rows, a.hitRow(h))
	}
	return vm, nil
}

// patientSearch answers the search box as the user types (an htmx fragment).
func (a *App) patientSearch(c *fiber.Ctx) error {
	vm, err := a.search(c)
	if err != nil {
		return err
	}
	return render(c, views.PatientResults(vm))
}

// patientFind is the search form's Enter (and a barcode scanner's): it opens the first
// match, or shows the page again with what was found.
func (a *App) patientFind(c *fiber.Ctx) error {
	vm, err := a.search(c)
	if err != nil {
		return err
	}
	if len(vm.Rows) > 0 {
		return redirect(c, "/patients/"+vm.Rows[0].ID)
	}
	if vm.Clinics, err = a.clinics(c); err != nil {
		return err
	}
	return a.page(c, "Patients", views.PatientSearchPage(vm))
}
