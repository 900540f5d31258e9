package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/views"
)

// billingAccount is a patient's account: unbilled charges by encounter and department,
// invoices, payments, adjustments and the balance.
func (a *App) billingAccount(c *fiber.Ctx) error {
	p, b, err := a.accountPatient(c)
	if err != nil {
		return err
	}
	vm, err := a.billAccountVM(c, p.ID)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, p.ID, "billing-account"); err != nil {
		return err
	}
	return a.page(c, "Account "+p.MRN, views.BillingAccountPage(b, vm))
}

func (a *App) billAccountVM(c *fiber.Ctx, patientID string) (views.BillAccountVM, error) {
	ctx := c.UserContext()
	v, err := a.Billing.View(ctx, patientID)
	if errors.Is(err, store.ErrNotFound) {
		return views.BillAccountVM{}, fiber.ErrNotFound
	}
	if err != nil {
		return views.BillAccountVM{}, err
	}
	roles := currentUser(c).Roles
	vm := views.BillAccountVM{CSRF: a.csrfToken(c), PatientID: patientID, Balance: views.Money(v.Balance),
		BalanceDue: v.Balance > 0, InCredit: v.Balance < 0, Charges: views.Money(v.ChargesTotal),
		Payments: views.Money(v.PaymentsTotal), Adjustments: views.Money(v.AdjustTotal), UnbilledTotal: views.Money(v.UnbilledTotal),
		CanSupervise: can(roles, PermBillingSupervise), CanPay: can(roles, PermPayments),
		Manual: views.ManualChargeVM{Qty: "1", Errors: map[string]string{}},
		Refund: views.RefundFormVM{Token: billing.NewToken(), Mode: billing.ModeCash, Errors: map[string]string{}}}
	for _, enc := range v.Unbilled {
		e := views.EncounterVM{ID: enc.ID, Kind: enc.Kind, Total: views.Money(enc.Total), Count: strconv.FormatInt(enc.Count, 10)}
		for _, g := range enc.Groups {
			e.Depts = append(e.Depts, views.DeptVM{Name: g.Department, Count: strconv.FormatInt(g.Count, 10), Total: views.Money(g.Total)})
		}
		vm.Unbilled = append(vm.Unbilled, e)
	}
	for _, inv := range v.Invoices {
		pd, yd := inv.Dues()
		row := views.InvoiceRow{ID: inv.ID, Kind: inv.Kind, Date: views.Date(inv.CreatedAt, a.cfg.Location), Encounter: inv.Encounter,
			Total: views.Money(inv.Totals.Total), Status: inv.Status}
		if inv.Kind == billing.KindInvoice && inv.Status == billing.InvoiceIssued {
			row.PatientDue, row.PayerDue = views.Money(pd), views.Money(yd)
		}
		vm.Invoices = append(vm.Invoices, row)
	}
	for _, e := range v.Payments {
		vm.PaymentRows = append(vm.PaymentRows, views.LedgerRow{Date: views.DateTime(e.At, a.cfg.Location), Text: e.Text,
			Amount: views.Money(e.Amount), Ref: "/billing/payments/" + e.Ref})
	}
	for _, e := range v.Adjustments {
		vm.AdjustmentRows = append(vm.AdjustmentRows, views.LedgerRow{Date: views.DateTime(e.At, a.cfg.Location), Text: e.Text, Amount: views.Money(e.Amount)})
	}
	refunds, err := a.Billing.Payments.Requested(ctx, patientID)
	if err != nil {
		return vm, err
	}
	for _, r := range refunds {
		vm.Refunds = append(vm.Refunds, views.RefundRow{ID: r.ID, Amount: views.Money(r.Amount), Mode: r.Mode, Reason: r.Reason, By: r.RequestedBy})
	}
	svcs, err := a.Catalog.Services(ctx)
	if err != nil {
		return vm, err
	}
	now := time.Now()
	for _, s := range svcs {
		if price, ok := s.PriceAt(now); ok && s.Active && s.Category != catalog.CatConsultation && s.Category != catalog.CatLab {
			vm.Services = append(vm.Services, views.ServiceOption{Code: s.Code, Label: s.Name + " — " + views.Money(price)})
		}
	}
	return vm, nil
}

type manualChargeInput struct {
	Service     string `form:"service" validate:"required,max=40"`
	Qty         string `form:"qty" validate:"required,max=5"`
	Encounter   string `form:"encounter" validate:"max=40,printable"`
	Description string `form:"description" validate:"max=120,printable"`
}

// billingManualCharge posts a charge a clerk enters by hand (a misc item, a procedure,
// an OT or bed charge the ward did not post), at the price in force now.
func (a *App) billingManualCharge(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, b, err := a.accountPatient(c)
	if err != nil {
		return err
	}
	var in manualChargeInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	qty, qerr := strconv.ParseInt(strings.TrimSpace(in.Qty), 10, 64)
	if errs["qty"] == "" && (qerr != nil || qty < 1 || qty > 9999) {
		errs["qty"] = "Enter a whole number from 1 to 9999."
	}
	svc, serr := a.Catalog.Service(ctx, in.Service)
	price, priced := svc.PriceAt(time.Now())
	if errs["service"] == "" && (serr != nil || !svc.Active || !priced) {
		errs["service"] = "Choose a service from the price list."
	}
	if len(errs) == 0 {
		n, err := a.DB.Next(ctx, "manual-charge")
		if err != nil {
			return err
		}
		desc := strings.TrimSpace(in.Description)
		if desc == "" {
			desc = svc.Name
		}
		enc := strings.TrimSpace(in.Encounter)
		kind := "opd"
		if enc == "" {
			enc = "misc"
		} else if strings.HasPrefix(enc, "A") {
			kind = "ipd"
		}
		ch := billing.Charge{ID: fmt.Sprintf("manual:%d", n), PatientID: p.ID, MRN: p.MRN, Name: p.Name(), Encounter: enc,
			EncounterKind: kind, Department: "ACCT", ServiceCode: svc.Code, Description: desc, Qty: qty, UnitPrice: price,
			TaxBP: svc.TaxBP, PostedBy: currentUser(c).Username}
		if err := a.Billing.Charges.Post(ctx, ch); err != nil {
			return err
		}
		if err := a.auditChange(c, "billing.charge", p.ID, ch.ID); err != nil {
			return err
		}
		a.setFlash(c, "ok", "Charge posted: "+desc+" × "+in.Qty+".")
		return redirect(c, "/billing/accounts/"+p.ID)
	}
	vm, err := a.billAccountVM(c, p.ID)
	if err != nil {
		return err
	}
	vm.Manual = views.ManualChargeVM{Service: in.Service, Qty: in.Qty, Encounter: in.Encounter, Description: in.Description, Errors: errs}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Account "+p.MRN, views.BillingAccountPage(b, vm))
}

type reverseInput struct {
	Charge string `form:"charge" validate:"required,max=120"`
	Reason string `form:"reason" validate:"required,max=200,printable"`
}

// billingReverse reverses a charge with a reason: unbilled ones on the account, billed
// ones by a credit note against their invoice.
func (a *App) billingReverse(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var in reverseInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if errs := fieldErrors(a.validate.Struct(in)); len(errs) > 0 {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "A charge and a reason are required.")
	}
	ch, err := a.Billing.Charges.Reverse(ctx, in.Charge, in.Reason, currentUser(c).Username)
	if msg, ok := refusalMessage(err); ok {
		return fiber.NewError(fiber.StatusUnprocessableEntity, msg)
	}
	if err != nil {
		return err
	}
	if err := a.auditChange(c, "billing.reverse", ch.PatientID, ch.ID); err != nil {
		return err
	}
	note := "Charge reversed."
	if ch.CreditNote != "" {
		note = "Charge credited: credit note " + ch.CreditNote + " for " + views.Money(ch.Credit) + "."
	}
	a.setFlash(c, "ok", note)
	return redirect(c, "/billing/accounts/"+ch.PatientID)
}
