package handlers

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/billing"
	"hms/views"
	"hms/views/components"
)

type claimCreateInput struct {
	Diagnoses string `form:"diagnoses" validate:"required,max=200,printable"`
}

// claimCreate drafts the claim of an invoice's insurance share.
func (a *App) claimCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	inv, err := a.Billing.Invoices.ByID(ctx, c.Params("inv"))
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	var in claimCreateInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		claim, err := a.Billing.Claims.Create(ctx, inv.ID, strings.Split(in.Diagnoses, ","), currentUser(c).Username)
		if err == nil {
			if err := a.auditChange(c, "billing.claim", inv.PatientID, claim.ID); err != nil {
				return err
			}
			return redirect(c, "/billing/claims/"+claim.ID)
		}
		msg, ok := refusalMessage(err)
		if !ok {
			return err
		}
		errs["diagnoses"] = msg
	}
	vm, err := a.invoiceVM(c, inv)
	if err != nil {
		return err
	}
	vm.Errors, vm.Dx = errs, in.Diagnoses
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, inv.ID, views.InvoicePrint(vm))
}

var claimStatuses = []string{billing.ClaimDraft, billing.ClaimSubmitted, billing.ClaimQuery, billing.ClaimApproved,
	billing.ClaimPartial, billing.ClaimRejected, billing.ClaimSettled}

// claimsList lists claims by payer and status, with ageing buckets of the listed claims.
func (a *App) claimsList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	payer, status := c.Query("payer"), c.Query("status")
	if len(payer) > 40 || (status != "" && !slices.Contains(claimStatuses, status)) {
		return fiber.ErrBadRequest
	}
	rows, err := a.Billing.Claims.List(ctx, payer, status)
	if err != nil {
		return err
	}
	payers, err := a.Catalog.Payers(ctx)
	if err != nil {
		return err
	}
	vm := views.ClaimsListVM{Payer: payer, Status: status, Payers: []components.Option{{Value: "", Label: "All payers"}},
		Statuses: []components.Option{{Value: "", Label: "Any status"}}}
	for _, p := range payers {
		vm.Payers = append(vm.Payers, components.Option{Value: p.Code, Label: p.Name, Selected: p.Code == payer})
	}
	for _, s := range claimStatuses {
		vm.Statuses = append(vm.Statuses, components.Option{Value: s, Label: s, Selected: s == status})
	}
	now := time.Now()
	buckets := []string{"0–30", "31–60", "61–90", "90+"}
	counts, totals := map[string]int{}, map[string]int64{}
	for _, r := range rows {
		from := r.SubmittedAt
		if from.IsZero() {
			from = r.CreatedAt
		}
		b := r.Ageing(now)
		counts[b]++
		totals[b] += r.Claimed
		vm.Rows = append(vm.Rows, views.ClaimListRow{ID: r.ID, Payer: r.PayerName, Patient: r.Name, MRN: r.MRN, Invoice: r.Invoice,
			Claimed: views.Money(r.Claimed), Approved: views.Money(r.Approved), Status: r.Status,
			Age: strconv.Itoa(int(now.Sub(from).Hours() / 24)), Bucket: b})
	}
	for _, b := range buckets {
		vm.Ageing = append(vm.Ageing, views.AgeingVM{Bucket: b, Count: strconv.Itoa(counts[b]), Total: views.Money(totals[b])})
	}
	return a.page(c, "Insurance claims", views.ClaimsListPage(vm))
}

func (a *App) claimVM(c *fiber.Ctx, cl billing.Claim) views.ClaimVM {
	// The claim goes to the payer with the member number, so the billing desk sees it whole.
	member, err := a.Patients.OpenMember(cl.MemberSealed, cl.Member)
	if err != nil {
		a.log.Error("claim: member number cannot be opened", "claim", cl.ID, "err", err.Error())
		member = "••••\u00a0" + cl.MemberLast4 + " (cannot be opened: encryption key missing)"
	}
	vm := views.ClaimVM{CSRF: a.csrfToken(c), ID: cl.ID, Invoice: cl.Invoice, Patient: cl.Name, MRN: cl.MRN, PatientID: cl.PatientID,
		Payer: cl.PayerName, Plan: cl.Plan, Member: member, Dx: strings.Join(cl.Diagnoses, ", "), Claimed: views.Money(cl.Claimed),
		Approved: views.Money(cl.Approved), Settled: views.Money(cl.Settled), Moved: views.Money(cl.Moved), Status: cl.Status,
		Errors: map[string]string{}}
	for _, h := range cl.History {
		s := views.ClaimStepVM{At: views.DateTime(h.At, a.cfg.Location), By: h.By, Status: h.Status, Note: h.Note}
		if h.Amount != 0 {
			s.Amount = views.Money(h.Amount)
		}
		vm.History = append(vm.History, s)
	}
	switch cl.Status {
	case billing.ClaimDraft:
		vm.Actions = []string{billing.ActSubmit}
	case billing.ClaimSubmitted:
		vm.Actions = []string{billing.ActDecide, billing.ActQuery}
	case billing.ClaimQuery:
		vm.Actions = []string{billing.ActRespond}
	case billing.ClaimApproved, billing.ClaimPartial:
		vm.Actions = []string{billing.ActSettle}
	}
	rest := cl.Claimed - cl.Approved
	if cl.Status == billing.ClaimSettled {
		rest = cl.Claimed - cl.Settled
	}
	if cl.Moved == 0 && rest > 0 && slices.Contains([]string{billing.ClaimPartial, billing.ClaimRejected, billing.ClaimSettled}, cl.Status) {
		vm.Actions = append(vm.Actions, billing.ActMove)
		vm.Rest = views.Money(rest)
	}
	return vm
}

// claimShow is one claim with its history and next steps.
func (a *App) claimShow(c *fiber.Ctx) error {
	cl, err := a.Billing.Claims.ByID(c.UserContext(), c.Params("claim"))
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := a.auditRead(c, cl.PatientID, "claim:"+cl.ID); err != nil {
		return err
	}
	return a.page(c, "Claim "+cl.ID, views.ClaimPage(a.claimVM(c, cl)))
}

type claimActInput struct {
	Action  string `form:"action" validate:"required,max=10"`
	Amount  string `form:"amount" validate:"max=20"`
	Note    string `form:"note" validate:"max=500,printable"`
	Confirm string `form:"confirm"`
}

// claimAct moves a claim one step: submit, query, respond, decide, settle, move to patient.
func (a *App) claimAct(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cl, err := a.Billing.Claims.ByID(ctx, c.Params("claim"))
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	var in claimActInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	var amount int64
	if in.Action == billing.ActDecide || in.Action == billing.ActSettle {
		if amount, err = parseRupees(in.Amount); err != nil {
			errs[in.Action+"-amount"] = err.Error()
		}
	}
	if (in.Action == billing.ActQuery || in.Action == billing.ActRespond) && strings.TrimSpace(in.Note) == "" {
		errs[in.Action+"-note"] = "Write the query or the response."
	}
	if in.Action == billing.ActMove && in.Confirm != "1" {
		errs["move-confirm"] = "Confirm that the patient has been told."
	}
	if len(errs) == 0 {
		next, err := a.Billing.Claims.Act(ctx, billing.ClaimAction{ID: cl.ID, Action: in.Action, Note: in.Note, Amount: amount,
			By: currentUser(c).Username, Day: a.hospitalDay()})
		if err == nil {
			if err := a.auditChange(c, "billing.claim."+in.Action, cl.PatientID, cl.ID); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Claim "+cl.ID+" is now "+next.Status+".")
			return redirect(c, "/billing/claims/"+cl.ID)
		}
		msg, ok := refusalMessage(err)
		if !ok {
			return err
		}
		errs["form"] = msg
	}
	vm := a.claimVM(c, cl)
	vm.Errors = errs
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Claim "+cl.ID, views.ClaimPage(vm))
}
