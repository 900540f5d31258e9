package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/billing"
	"hms/store/patients"
	"hms/store/worklist"
	"hms/views"
)

// billingHome is the billing clerk's desk: find an account, the accounts with unbilled
// charges, the discharges waiting for a final bill.
func (a *App) billingHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	vm := views.BillingDeskVM{CSRF: a.csrfToken(c)}
	unbilled, err := billing.UnbilledAccounts(ctx, a.DB)
	if err != nil {
		return err
	}
	for _, u := range unbilled {
		vm.Unbilled = append(vm.Unbilled, views.DeskRow{PatientID: u.PatientID, MRN: u.MRN, Name: u.Name, Since: views.DateTime(u.Since, a.cfg.Location)})
	}
	items, _, err := worklist.New(a.DB).Items(ctx, worklist.BillingDischarge)
	if err != nil {
		return err
	}
	for _, it := range items {
		vm.Discharges = append(vm.Discharges, views.DeskRow{PatientID: it.PatientID, MRN: it.MRN, Name: it.Name,
			Since: views.DateTime(it.At, a.cfg.Location), Note: it.Where})
	}
	return a.page(c, "Billing desk", views.BillingDesk(vm))
}

// billingSearch answers the desk's search box with links to accounts.
func (a *App) billingSearch(c *fiber.Ctx) error {
	vm, err := a.search(c)
	if err != nil {
		return err
	}
	return render(c, views.BillingResults(vm))
}

// billingFind is the search box's Enter: it opens the first match's account.
func (a *App) billingFind(c *fiber.Ctx) error {
	vm, err := a.search(c)
	if err != nil {
		return err
	}
	if len(vm.Rows) > 0 {
		return redirect(c, "/billing/accounts/"+vm.Rows[0].ID)
	}
	return redirect(c, "/billing")
}

// accountPatient loads the patient of an account route and checks the account exists.
func (a *App) accountPatient(c *fiber.Ctx) (patients.Patient, views.BannerVM, error) {
	p, err := a.patientByParam(c)
	if err != nil {
		return p, views.BannerVM{}, err
	}
	b, err := a.banner(c, p)
	return p, b, err
}

// hospitalDay is today's date in the hospital's zone: the cashier's day.
func (a *App) hospitalDay() string { return time.Now().In(a.cfg.Location).Format("2006-01-02") }
