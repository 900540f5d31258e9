package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/views"
)

// displayHome is the waiting-room screen: free beds per ward in large type, and the time.
// It shows counts only; no patient data ever reaches this account.
func (a *App) displayHome(c *fiber.Ctx) error {
	vm, err := a.displayVM(c)
	if err != nil {
		return err
	}
	return a.widePage(c, "Bed availability", views.DisplayHome(vm))
}

// displayCensus is the fragment the screen polls every 30 s (a background request,
// so it does not count as activity).
func (a *App) displayCensus(c *fiber.Ctx) error {
	vm, err := a.displayVM(c)
	if err != nil {
		return err
	}
	return render(c, views.DisplayCensus(vm))
}

func (a *App) displayVM(c *fiber.Ctx) (views.DisplayVM, error) {
	ctx := c.UserContext()
	wards, err := a.Catalog.Wards(ctx)
	if err != nil {
		return views.DisplayVM{}, err
	}
	beds, err := a.Catalog.AllBeds(ctx)
	if err != nil {
		return views.DisplayVM{}, err
	}
	per, total := tallyBeds(beds)
	now := time.Now().In(a.cfg.Location)
	vm := views.DisplayVM{Available: total.Available, Total: total.Total, PollHeaders: pollHeaders(),
		Time: now.Format("15:04"), Date: now.Format("Monday, 2 January 2006")}
	for _, w := range wards {
		n := per[w.Code]
		vm.Wards = append(vm.Wards, views.DisplayWard{Name: w.Name, Available: n.Available, Total: n.Total})
	}
	return vm, nil
}
