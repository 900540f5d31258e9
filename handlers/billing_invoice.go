package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/billing"
	"hms/store/patients"
	"hms/store/worklist"
	"hms/views"
)

// Discount limits, in basis points of the invoice's gross: a clerk may give up to 10%,
// a billing supervisor up to 50%.
const (
	clerkDiscountBP      = 1000
	supervisorDiscountBP = 5000
)

func (a *App) discountLimit(c *fiber.Ctx) int64 {
	if can(currentUser(c).Roles, PermBillingSupervise) {
		return supervisorDiscountBP
	}
	return clerkDiscountBP
}

// policyOf is the patient's primary policy in force today, as an invoice splits with it.
func (a *App) policyOf(c *fiber.Ctx, p patients.Patient) (*billing.Policy, string) {
	day := today(a.cfg.Location)
	for _, pol := range p.Policies {
		if pol.Rank != "primary" || !pol.InForce(day) {
			continue
		}
		payer, err := a.Catalog.Payer(c.UserContext(), pol.PayerCode)
		if err != nil {
			continue
		}
		plan, ok := payer.Plan(pol.PlanCode)
		if !ok {
			continue
		}
		bp := &billing.Policy{PayerCode: payer.Code, PayerName: payer.Name, PlanName: plan.Name, MemberSealed: pol.MemberSealed,
			MemberLast4: pol.MemberLast4, MemberNumber: pol.MemberNumber,
			CoveragePct: int64(plan.CoveragePct), CopayPct: int64(plan.CopayPct)}
		return bp, payer.Name + " · " + plan.Name + " (" + strconv.Itoa(plan.CoveragePct) + "% cover, " + strconv.Itoa(plan.CopayPct) + "% co-pay)"
	}
	return nil, ""
}

func (a *App) draftVM(c *fiber.Ctx, p patients.Patient, enc string, interim bool) (views.InvoiceDraftVM, error) {
	lines, err := a.Billing.UnbilledCharges(c.UserContext(), p.ID, enc)
	if err != nil {
		return views.InvoiceDraftVM{}, err
	}
	pol, text := a.policyOf(c, p)
	vm := views.InvoiceDraftVM{CSRF: a.csrfToken(c), PatientID: p.ID, Encounter: enc, Interim: interim, HasPolicy: pol != nil,
		UsePolicy: pol != nil, PolicyText: text, Limit: strconv.FormatInt(a.discountLimit(c)/100, 10) + "%", Errors: map[string]string{}}
	for _, e := range lines {
		vm.Lines = append(vm.Lines, views.DraftLine{ID: e.Ref, Date: views.Date(e.At, a.cfg.Location), Dept: e.Dept, Desc: e.Text,
			Qty: strconv.FormatInt(e.Qty, 10), Amount: views.Money(e.Amount), Checked: true})
	}
	return vm, nil
}

// invoiceDraft is the form that draws an invoice: by default every unbilled charge of
// the encounter.
func (a *App) invoiceDraft(c *fiber.Ctx) error {
	p, b, err := a.accountPatient(c)
	if err != nil {
		return err
	}
	enc := c.Query("enc")
	if enc == "" || len(enc) > 60 {
		return fiber.ErrNotFound
	}
	vm, err := a.draftVM(c, p, enc, c.Query("interim") == "1")
	if err != nil {
		return err
	}
	if err := a.auditRead(c, p.ID, "billing-unbilled:"+enc); err != nil {
		return err
	}
	return a.page(c, "New invoice", views.InvoiceDraftPage(b, vm))
}

type invoiceInput struct {
	Encounter string   `form:"encounter" validate:"required,max=60"`
	Charges   []string `form:"charge" validate:"max=5000,dive,max=120"`
	Discount  string   `form:"discount" validate:"max=20"`
	Reason    string   `form:"reason" validate:"max=200,printable"`
	Insurance string   `form:"insurance"`
	Interim   string   `form:"interim"`
}

// parseDiscount reads "500", "1,250.50" (rupees) or "10%" (up to two decimals).
func parseDiscount(s string) (paise, bp int64, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, nil
	}
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		v, err := parseRupees(pct) // a percentage has the same shape as an amount: 12.5 → 1250
		if err != nil || v > 10000 {
			return 0, 0, errors.New("Enter a percentage from 0 to 100, e.g. 10%.")
		}
		return 0, v, nil
	}
	v, err := parseRupees(s)
	return v, 0, err
}

// invoiceCreate issues the invoice and opens it for printing.
func (a *App) invoiceCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, b, err := a.accountPatient(c)
	if err != nil {
		return err
	}
	var in invoiceInput
	if err := parseForm(c, &in, "charge"); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	disc, discBP, derr := parseDiscount(in.Discount)
	if derr != nil && errs["discount"] == "" {
		errs["discount"] = derr.Error()
	}
	if len(in.Charges) == 0 {
		errs["charges"] = "Choose at least one charge."
	}
	if (disc > 0 || discBP > 0) && strings.TrimSpace(in.Reason) == "" && errs["reason"] == "" {
		errs["reason"] = "A discount needs a reason."
	}
	pol, _ := a.policyOf(c, p)
	if in.Insurance != "1" {
		pol = nil
	}
	if len(errs) == 0 {
		inv, err := a.Billing.Invoices.Create(ctx, billing.Draft{PatientID: p.ID, ChargeIDs: in.Charges, Policy: pol,
			Terms: billing.Terms{Discount: disc, DiscountBP: discBP, LimitBP: a.discountLimit(c)}, DiscountReason: in.Reason,
			Interim: in.Interim == "1", By: currentUser(c).Username})
		switch {
		case err == nil:
			if err := a.auditChange(c, "billing.invoice", p.ID, inv.ID); err != nil {
				return err
			}
			if inv.EncounterKind == "ipd" && !inv.Interim {
				// The final bill of an admission takes it off the desk's discharge list.
				if err := worklist.New(a.DB).Remove(ctx, worklist.BillingDischarge, "adm:"+inv.Encounter); err != nil {
					return err
				}
			}
			return redirect(c, "/billing/invoices/"+inv.ID)
		case errors.Is(err, billing.ErrDiscountLimit):
			errs["discount"] = "That is more than you may give (up to " + strconv.FormatInt(a.discountLimit(c)/100, 10) + "% of the bill); ask a billing supervisor."
		case errors.Is(err, billing.ErrDiscount):
			errs["discount"] = "A discount cannot be more than the bill."
		case errors.Is(err, store.ErrNotFound):
			errs["charges"] = "A chosen charge is not on this account."
		default:
			msg, ok := refusalMessage(err)
			if !ok {
				return err
			}
			errs["form"] = msg
		}
	}
	vm, err := a.draftVM(c, p, in.Encounter, in.Interim == "1")
	if err != nil {
		return err
	}
	chosen := map[string]bool{}
	for _, id := range in.Charges {
		chosen[id] = true
	}
	for i := range vm.Lines {
		vm.Lines[i].Checked = chosen[vm.Lines[i].ID]
	}
	vm.Discount, vm.Reason, vm.UsePolicy, vm.Errors = in.Discount, in.Reason, in.Insurance == "1" && vm.HasPolicy, errs
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "New invoice", views.InvoiceDraftPage(b, vm))
}

// invoiceShow is an invoice or credit note, printable, with the desk's actions.
func (a *App) invoiceShow(c *fiber.Ctx) error {
	inv, err := a.Billing.Invoices.ByID(c.UserContext(), c.Params("inv"))
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	vm, err := a.invoiceVM(c, inv)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, inv.PatientID, "invoice:"+inv.ID); err != nil {
		return err
	}
	return a.page(c, inv.ID, views.InvoicePrint(vm))
}

func (a *App) invoiceVM(c *fiber.Ctx, inv billing.Invoice) (views.InvoicePrintVM, error) {
	roles := currentUser(c).Roles
	t := inv.Totals
	pd, yd := inv.Dues()
	vm := views.InvoicePrintVM{CSRF: a.csrfToken(c), Hospital: a.cfg.Hospital, ID: inv.ID, Kind: inv.Kind, Status: inv.Status,
		Date: views.DateTime(inv.CreatedAt, a.cfg.Location), Patient: inv.Name, MRN: inv.MRN, PatientID: inv.PatientID,
		Encounter: inv.Encounter, Against: inv.Against, Interim: inv.Interim, Net: views.Money(t.Net), Tax: views.Money(t.Tax),
		Gross: views.Money(t.Gross), Total: views.Money(t.Total), Words: views.AmountInWords(t.Total),
		PatientDue: views.Money(pd), PayerDue: views.Money(yd), Paid: views.Money(sumOf(inv.Paid) + sumOf(inv.PayerPaid)),
		CancelReason: inv.CancelReason, CancelledBy: inv.CancelledBy, Errors: map[string]string{}}
	if t.Discount > 0 {
		vm.Discount, vm.DiscountReason = views.Money(t.Discount), inv.DiscountReason
	}
	if c := sumOf(inv.Credits); c > 0 {
		vm.Credited = views.Money(c)
	}
	if inv.Policy != nil {
		vm.Insurance, vm.PatientShare, vm.Payer = views.Money(t.Insurance), views.Money(t.Patient), inv.Policy.PayerName
	}
	for i, l := range inv.Lines {
		rate := "—"
		if l.TaxBP > 0 {
			rate = taxText(l.TaxBP)
		}
		vm.Lines = append(vm.Lines, views.PrintLine{No: strconv.Itoa(i + 1), Desc: l.Description, Dept: l.Department,
			Qty: strconv.FormatInt(l.Qty, 10), Unit: views.Money(l.Unit), Net: views.Money(l.Net), TaxRate: rate,
			Tax: views.Money(l.Tax), Gross: views.Money(l.Gross)})
	}
	for _, tl := range t.TaxLines {
		vm.TaxLines = append(vm.TaxLines, views.TaxLineVM{Rate: taxText(tl.RateBP), Taxable: views.Money(tl.Taxable), Tax: views.Money(tl.Tax)})
	}
	issued := inv.Kind == billing.KindInvoice && inv.Status == billing.InvoiceIssued
	if issued {
		for _, l := range inv.Lines {
			if _, credited := creditedCharge(inv, l.ChargeID); !credited {
				vm.Billed = append(vm.Billed, views.DraftLine{ID: l.ChargeID, Desc: l.Description, Amount: views.Money(l.Gross)})
			}
		}
	}
	vm.CanPay = issued && pd > 0 && can(roles, PermPayments)
	vm.CanCancel = issued && can(roles, PermBillingSupervise)
	if issued && inv.Policy != nil {
		claim, err := a.Billing.Claims.ForInvoice(c.UserContext(), inv.ID)
		switch {
		case err == nil:
			vm.Claim = claim.ID
		case errors.Is(err, store.ErrNotFound):
			vm.CanClaim = yd > 0
		default:
			return vm, err
		}
	}
	return vm, nil
}

func sumOf(m map[string]int64) int64 {
	var t int64
	for _, v := range m {
		t += v
	}
	return t
}

// invoiceCancel cancels an invoice (billing supervisor): its number stays, marked
// cancelled, and its charges go back to unbilled.
func (a *App) invoiceCancel(c *fiber.Ctx) error {
	ctx := c.UserContext()
	inv, err := a.Billing.Invoices.ByID(ctx, c.Params("inv"))
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	var in reasonInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		_, err = a.Billing.Invoices.Cancel(ctx, inv.ID, in.Reason, currentUser(c).Username)
		if err == nil {
			if err := a.auditChange(c, "billing.invoice.cancel", inv.PatientID, inv.ID); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Invoice "+inv.ID+" cancelled; its charges are unbilled again.")
			return redirect(c, "/billing/accounts/"+inv.PatientID)
		}
		msg, ok := refusalMessage(err)
		if !ok {
			return err
		}
		errs["reason"] = msg
	}
	vm, err := a.invoiceVM(c, inv)
	if err != nil {
		return err
	}
	vm.Errors = errs
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, inv.ID, views.InvoicePrint(vm))
}

// creditedCharge reports whether a line's charge has been credited already: its credit
// note's line names it.
func creditedCharge(inv billing.Invoice, chargeID string) (string, bool) {
	for cn := range inv.Credits {
		if inv.CreditLines[cn] == chargeID {
			return cn, true
		}
	}
	return "", false
}
