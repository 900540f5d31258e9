package handlers

import (
	"errors"
	"net/url"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/billing"
	"hms/views"
)

func (a *App) dayVM(c *fiber.Ctx, date, cashier string) (views.DayVM, error) {
	up, err := a.Billing.Payments.Day(c.UserContext(), date, cashier)
	if err != nil {
		return views.DayVM{}, err
	}
	u := currentUser(c)
	vm := views.DayVM{CSRF: a.csrfToken(c), Date: date, Cashier: cashier, Opening: rupeesInput(up.Opening), Receipts: views.Money(up.Receipts),
		Expected: views.Money(up.Expected), Closed: up.Closed, ClosedBy: up.ClosedBy, IsMine: cashier == u.Username,
		CanClose: can(u.Roles, PermBillingSupervise), Errors: map[string]string{}}
	if up.Closed {
		vm.Counted, vm.Difference = views.Money(up.Counted), views.Money(up.Counted-up.Expected)
		vm.ClosedAt = views.DateTime(up.ClosedAt, a.cfg.Location)
	}
	for _, m := range append([]string{}, billing.Modes...) {
		if v, ok := up.ByMode[m]; ok {
			vm.ByMode = append(vm.ByMode, views.TaxLineVM{Rate: m, Tax: views.Money(v)})
		}
		if v, ok := up.Refunds[m]; ok {
			vm.Refunds = append(vm.Refunds, views.TaxLineVM{Rate: m, Tax: views.Money(v)})
		}
	}
	if v, ok := up.ByMode[billing.ModeInsurer]; ok {
		vm.ByMode = append(vm.ByMode, views.TaxLineVM{Rate: "insurer", Tax: views.Money(v)})
	}
	sort.SliceStable(up.Items, func(i, j int) bool { return up.Items[i].At.Before(up.Items[j].At) })
	for _, l := range up.Items {
		text := l.Number + " · " + l.Mode + " · " + l.Patient
		amt := views.Money(l.Amount)
		if l.Kind == billing.KindRefund {
			text, amt = "Refund "+text, "−"+amt
		}
		vm.Items = append(vm.Items, views.LedgerRow{Date: views.DateTime(l.At, a.cfg.Location), Text: text, Amount: amt})
	}
	return vm, nil
}

func (a *App) dayParams(c *fiber.Ctx, date, cashier string) (string, string, error) {
	if date == "" {
		date = a.hospitalDay()
	}
	if _, err := time.Parse("2006-01-02", date); err != nil {
		return "", "", fiber.NewError(fiber.StatusBadRequest, "Enter a real date (YYYY-MM-DD).")
	}
	if cashier == "" {
		cashier = currentUser(c).Username
	}
	if len(cashier) > 40 {
		return "", "", fiber.ErrBadRequest
	}
	return date, cashier, nil
}

// dayShow is a cashier's cash-up for a date: receipts by mode, refunds, expected cash.
func (a *App) dayShow(c *fiber.Ctx) error {
	date, cashier, err := a.dayParams(c, c.Query("date"), c.Query("cashier"))
	if err != nil {
		return err
	}
	vm, err := a.dayVM(c, date, cashier)
	if err != nil {
		return err
	}
	return a.page(c, "Day-end cash-up", views.DayPage(vm))
}

type dayInput struct {
	Date    string `form:"date" validate:"max=10"`
	Cashier string `form:"cashier" validate:"max=40"`
	Opening string `form:"opening" validate:"max=20"`
	Counted string `form:"counted" validate:"max=20"`
	Note    string `form:"note" validate:"max=200,printable"`
}

// dayOpening records the cashier's own opening float.
func (a *App) dayOpening(c *fiber.Ctx) error {
	var in dayInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	date, cashier, err := a.dayParams(c, in.Date, "")
	if err != nil {
		return err
	}
	amount, merr := parseRupees(in.Opening)
	if merr == nil {
		if err := a.Billing.Payments.SetOpening(c.UserContext(), date, cashier, amount); err == nil {
			return redirect(c, "/billing/day?date="+date)
		} else if !errors.Is(err, billing.ErrDayClosed) {
			return err
		}
		merr = errors.New("The day is closed: it cannot be changed.")
	}
	vm, err := a.dayVM(c, date, cashier)
	if err != nil {
		return err
	}
	vm.Errors["opening"] = merr.Error()
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Day-end cash-up", views.DayPage(vm))
}

// dayClose closes a cashier's day with the cash counted (billing supervisor).
func (a *App) dayClose(c *fiber.Ctx) error {
	var in dayInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	date, cashier, err := a.dayParams(c, in.Date, in.Cashier)
	if err != nil {
		return err
	}
	counted, merr := parseRupees(in.Counted)
	if merr == nil {
		_, err := a.Billing.Payments.CloseDay(c.UserContext(), date, cashier, counted, in.Note, currentUser(c).Username)
		if err == nil {
			a.setFlash(c, "ok", "The day of "+cashier+" is closed.")
			return redirect(c, "/billing/day?date="+date+"&cashier="+url.QueryEscape(cashier))
		}
		if !errors.Is(err, billing.ErrDayClosed) {
			return err
		}
		merr = errors.New("The day is already closed: it cannot be changed.")
	}
	vm, err := a.dayVM(c, date, cashier)
	if err != nil {
		return err
	}
	vm.Errors["counted"] = merr.Error()
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Day-end cash-up", views.DayPage(vm))
}
