package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/catalog"
	"hms/views"
)

// priceList shows every service with the price in force now and any scheduled change.
func (a *App) priceList(c *fiber.Ctx) error {
	svcs, err := a.Catalog.Services(c.UserContext())
	if err != nil {
		return err
	}
	now := time.Now()
	vm := views.PriceListVM{CanEdit: can(currentUser(c).Roles, PermPricesEdit)}
	for _, s := range svcs {
		row := views.PriceRow{Code: s.Code, Name: s.Name, Category: s.Category, Tax: taxText(s.TaxBP)}
		if amt, ok := s.PriceAt(now); ok {
			row.Price = views.Money(amt)
		}
		for _, p := range s.Prices {
			if !p.From.After(now) {
				row.Since = views.Date(p.From, a.cfg.Location)
			} else {
				row.Next = views.Money(p.Amount) + " from " + views.Date(p.From, a.cfg.Location)
			}
		}
		vm.Rows = append(vm.Rows, row)
	}
	return a.page(c, "Price list", views.PriceListPage(vm))
}

func taxText(bp int64) string {
	if bp == 0 {
		return "—"
	}
	return rupeesInput(bp) + "%" // basis points print like rupees: 1800 → 18.00
}

type priceInput struct {
	Amount  string `form:"amount" validate:"required,max=20"`
	From    string `form:"from" validate:"required,max=10"`
	Version int64  `form:"version"`
}

func (a *App) priceEditForm(c *fiber.Ctx) error {
	s, err := a.Catalog.Service(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	vm := a.priceFormVM(s)
	if amt, ok := s.PriceAt(time.Now()); ok {
		vm.Amount = rupeesInput(amt)
	}
	vm.From = time.Now().In(a.cfg.Location).AddDate(0, 0, 1).Format("2006-01-02")
	return a.page(c, "Change price", views.PriceForm(vm))
}

func (a *App) priceFormVM(s catalog.Service) views.PriceFormVM {
	vm := views.PriceFormVM{Code: s.Code, Name: s.Name, Version: s.Version, Errors: map[string]string{}}
	for _, p := range s.Prices {
		h := views.PriceHistoryRow{Amount: views.Money(p.Amount), From: views.Date(p.From, a.cfg.Location), SetBy: p.SetBy}
		if !p.To.IsZero() {
			h.To = views.Date(p.To, a.cfg.Location)
		}
		vm.History = append(vm.History, h)
	}
	return vm
}

// priceUpdate puts a new price in force from a date; charges already posted keep theirs.
func (a *App) priceUpdate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	s, err := a.Catalog.Service(ctx, c.Params("code"))
	if err != nil {
		return err
	}
	var in priceInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	vm := a.priceFormVM(s)
	vm.Amount, vm.From = in.Amount, in.From
	errs := fieldErrors(a.validate.Struct(in))
	amount, merr := parseRupees(in.Amount)
	if merr != nil && errs["amount"] == "" {
		errs["amount"] = merr.Error()
	}
	from, derr := time.ParseInLocation("2006-01-02", in.From, a.cfg.Location)
	today := time.Now().In(a.cfg.Location).Truncate(24 * time.Hour)
	switch {
	case errs["from"] != "":
	case derr != nil:
		errs["from"] = "Enter a real date (YYYY-MM-DD)."
	case from.Before(today.AddDate(0, 0, -1)):
		errs["from"] = "A price cannot start in the past: charges already posted keep their price."
	}
	if len(errs) == 0 {
		err = a.Catalog.SetPrice(ctx, s.Code, in.Version, amount, from, currentUser(c).Username)
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Price of "+s.Name+" set to "+views.Money(amount)+" from "+views.Date(from, a.cfg.Location)+".")
			return redirect(c, "/prices")
		case errors.Is(err, store.ErrConflict):
			errs["amount"] = "Someone changed this price while you were editing. The history below is current; check it and save again."
			vm = a.reloadPriceForm(c, vm)
		case errors.Is(err, catalog.ErrPriceBeforeCurrent):
			errs["from"] = "The current price started on or after this date; choose a later date."
		default:
			return err
		}
	}
	vm.Errors = errs
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Change price", views.PriceForm(vm))
}

// reloadPriceForm refreshes history and version after a conflict, keeping what the user typed.
func (a *App) reloadPriceForm(c *fiber.Ctx, old views.PriceFormVM) views.PriceFormVM {
	s, err := a.Catalog.Service(c.UserContext(), old.Code)
	if err != nil {
		return old
	}
	vm := a.priceFormVM(s)
	vm.Amount, vm.From = old.Amount, old.From
	return vm
}
