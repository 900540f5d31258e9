package handlers

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/billing"
	"hms/views"
)

// paymentForm takes a payment against an invoice (?invoice=) or an advance (?advance=1).
// Each form carries a fresh token: a double click or a retry posts the payment once.
func (a *App) paymentForm(c *fiber.Ctx) error {
	p, b, err := a.accountPatient(c)
	if err != nil {
		return err
	}
	vm := views.PaymentFormVM{CSRF: a.csrfToken(c), PatientID: p.ID, Token: billing.NewToken(), Mode: billing.ModeCash,
		Advance: c.Query("advance") == "1", Errors: map[string]string{}}
	if !vm.Advance {
		inv, err := a.Billing.Invoices.ByID(c.UserContext(), c.Query("invoice"))
		if err != nil || inv.PatientID != p.ID {
			return fiber.ErrNotFound
		}
		due, _ := inv.Dues()
		vm.Invoice, vm.Due, vm.Amount = inv.ID, views.Money(due), rupeesInput(max(due, 0))
	}
	return a.page(c, "Take payment", views.PaymentFormPage(b, vm))
}

type paymentInput struct {
	Token     string `form:"token" validate:"required,max=64"`
	Invoice   string `form:"invoice" validate:"max=20"`
	Advance   string `form:"advance"`
	Amount    string `form:"amount" validate:"required,max=20"`
	Mode      string `form:"mode" validate:"required,max=10"`
	Reference string `form:"reference" validate:"max=60,printable"`
}

// paymentCreate posts the payment and opens its receipt.
func (a *App) paymentCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, b, err := a.accountPatient(c)
	if err != nil {
		return err
	}
	var in paymentInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	amount, merr := parseRupees(in.Amount)
	if merr != nil && errs["amount"] == "" {
		errs["amount"] = merr.Error()
	} else if amount == 0 && errs["amount"] == "" {
		errs["amount"] = "The amount must be more than zero."
	}
	if !slices.Contains(billing.Modes, in.Mode) {
		errs["mode"] = "Choose how it was paid."
	} else if in.Mode != billing.ModeCash && strings.TrimSpace(in.Reference) == "" && errs["reference"] == "" {
		errs["reference"] = "Enter the card slip, UPI or bank reference."
	}
	if len(errs) == 0 {
		pay, err := a.Billing.Payments.Post(ctx, billing.PaymentInput{Token: in.Token, PatientID: p.ID, Invoice: in.Invoice,
			Advance: in.Advance == "1" && in.Invoice == "", Mode: in.Mode, Reference: in.Reference, Amount: amount,
			By: currentUser(c).Username, Day: a.hospitalDay()})
		switch {
		case err == nil:
			if err := a.auditChange(c, "billing.payment", p.ID, pay.ID); err != nil {
				return err
			}
			return redirect(c, "/billing/payments/"+pay.ID)
		case errors.Is(err, billing.ErrMoreThanDue):
			errs["amount"] = "That is more than is due on the invoice. Take the rest as an advance deposit instead."
		case errors.Is(err, billing.ErrReferenceUsed):
			errs["reference"] = "This reference has already been used for a payment."
		case errors.Is(err, store.ErrNotFound):
			return fiber.ErrNotFound
		default:
			msg, ok := refusalMessage(err)
			if !ok {
				return err
			}
			errs["form"] = msg
		}
	}
	vm := views.PaymentFormVM{CSRF: a.csrfToken(c), PatientID: p.ID, Token: in.Token, Invoice: in.Invoice,
		Advance: in.Invoice == "", Amount: in.Amount, Mode: in.Mode, Reference: in.Reference, Errors: errs}
	if in.Invoice != "" {
		if inv, err := a.Billing.Invoices.ByID(ctx, in.Invoice); err == nil {
			due, _ := inv.Dues()
			vm.Due = views.Money(due)
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Take payment", views.PaymentFormPage(b, vm))
}

// receipt is a payment's printable receipt (or a refund's voucher).
func (a *App) receipt(c *fiber.Ctx) error {
	pay, err := a.Billing.Payments.ByID(c.UserContext(), c.Params("pay"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && pay.Status != billing.PaymentPosted) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := a.auditRead(c, pay.PatientID, "receipt:"+pay.ID); err != nil {
		return err
	}
	num := pay.Number
	if num == "" {
		num = pay.ID
	}
	vm := views.ReceiptVM{Hospital: a.cfg.Hospital, Number: num, Kind: pay.Kind, Date: views.DateTime(pay.At, a.cfg.Location),
		Patient: pay.Name, MRN: pay.MRN, PatientID: pay.PatientID, Amount: views.Money(pay.Amount), Words: views.AmountInWords(pay.Amount),
		Mode: pay.Mode, Reference: pay.Reference, Invoice: pay.Invoice, Cashier: pay.Cashier, Advance: pay.Advance}
	return a.page(c, "Receipt "+num, views.ReceiptPrint(vm))
}

type refundInput struct {
	Token     string `form:"token" validate:"required,max=64"`
	Amount    string `form:"amount" validate:"required,max=20"`
	Mode      string `form:"mode" validate:"required,max=10"`
	Reference string `form:"reference" validate:"max=60,printable"`
	Reason    string `form:"reason" validate:"required,max=200,printable"`
}

// refundRequest asks for a refund of the account's credit; a supervisor approves it.
func (a *App) refundRequest(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, b, err := a.accountPatient(c)
	if err != nil {
		return err
	}
	var in refundInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	amount, merr := parseRupees(in.Amount)
	if merr != nil && errs["amount"] == "" {
		errs["amount"] = merr.Error()
	}
	if len(errs) == 0 {
		rf, err := a.Billing.Payments.RequestRefund(ctx, billing.RefundInput{Token: in.Token, PatientID: p.ID, Mode: in.Mode,
			Reference: in.Reference, Reason: in.Reason, Amount: amount, By: currentUser(c).Username})
		if err == nil {
			if err := a.auditChange(c, "billing.refund.request", p.ID, rf.ID); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Refund of "+views.Money(amount)+" is waiting for a supervisor's approval.")
			return redirect(c, "/billing/accounts/"+p.ID)
		}
		msg, ok := refusalMessage(err)
		if !ok {
			return err
		}
		errs["amount"] = msg
	}
	vm, err := a.billAccountVM(c, p.ID)
	if err != nil {
		return err
	}
	vm.Refund = views.RefundFormVM{Token: in.Token, Amount: in.Amount, Mode: in.Mode, Reference: in.Reference, Reason: in.Reason, Errors: errs}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Account "+p.MRN, views.BillingAccountPage(b, vm))
}

// refundApprove pays out a refund: a supervisor other than the one who asked.
func (a *App) refundApprove(c *fiber.Ctx) error {
	rf, err := a.Billing.Payments.ApproveRefund(c.UserContext(), c.Params("pay"), currentUser(c).Username, a.hospitalDay())
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if msg, ok := refusalMessage(err); ok {
		return fiber.NewError(fiber.StatusUnprocessableEntity, msg)
	}
	if err != nil {
		return err
	}
	if err := a.auditChange(c, "billing.refund.approve", rf.PatientID, rf.ID); err != nil {
		return err
	}
	return redirect(c, "/billing/payments/"+rf.ID)
}

// refundReject declines a refund.
func (a *App) refundReject(c *fiber.Ctx) error {
	ctx := c.UserContext()
	rf, err := a.Billing.Payments.ByID(ctx, c.Params("pay"))
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	err = a.Billing.Payments.RejectRefund(ctx, rf.ID, currentUser(c).Username)
	if msg, ok := refusalMessage(err); ok {
		return fiber.NewError(fiber.StatusUnprocessableEntity, msg)
	}
	if err != nil {
		return err
	}
	if err := a.auditChange(c, "billing.refund.reject", rf.PatientID, rf.ID); err != nil {
		return err
	}
	return redirect(c, "/billing/accounts/"+rf.PatientID)
}
