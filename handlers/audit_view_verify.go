package handlers

import (
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/audit"
	"hms/views"
)

// lastVerify holds each app's latest chain check (*App → views.AuditVerifyVM). It lives
// in this process only: another instance, or a restart, shows "not checked" until someone
// runs it there (or runs `web verify`).
var lastVerify sync.Map

// auditVerifyPage shows the latest chain check of this server, if any.
func (a *App) auditVerifyPage(c *fiber.Ctx) error {
	var vm views.AuditVerifyVM
	if v, ok := lastVerify.Load(a); ok {
		vm = v.(views.AuditVerifyVM)
	}
	vm.CSRF = a.csrfToken(c)
	return a.page(c, "Check the audit chain", views.AuditVerifyPage(vm))
}

// auditVerifyRun walks the whole chain, keeps the result and shows it (POST, redirect, GET).
func (a *App) auditVerifyRun(c *fiber.Ctx) error {
	rep, err := a.Audit.Verify(c.UserContext(), 0, 0)
	vm := views.AuditVerifyVM{Ran: true, At: auditTime(time.Now(), a.cfg.Location), By: currentUser(c).Username}
	outcome := audit.OK
	switch {
	case err != nil:
		a.log.Error("audit chain check failed", "request_id", requestID(c), "err", err.Error())
		vm.Error, outcome = "the audit trail could not be read. The server log says why.", audit.Failed
	default:
		vm.Checked, vm.TipSeq, vm.TipHash, vm.Took = rep.Checked, rep.TipSeq, rep.TipHash, rep.Took.Round(time.Millisecond).String()
		if b := rep.Break; b != nil {
			vm.BreakSeq, vm.Problem, vm.Detail, outcome = b.Seq, string(b.Problem), b.Detail, audit.Failed
		}
	}
	// Who checked, and what they found, is itself on the record; the result is shown
	// even when that record cannot be written (a.audit has logged why).
	_ = a.audit(c, actionAuditVerify, "", "chain", outcome)
	lastVerify.Store(a, vm)
	return redirect(c, "/audit/verify")
}
