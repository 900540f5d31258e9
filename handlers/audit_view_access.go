package handlers

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/patients"
	"hms/views"
)

// accessLogMonths is how far back the chart's access log reaches.
const accessLogMonths = 3

// patientAccessLog is the chart's "Access log" tab: who opened or changed the record in the
// last three months, newest first, read from the per-patient month documents (one _id
// lookup per month) rather than the chain.
func (a *App) patientAccessLog(c *fiber.Ctx, p patients.Patient) views.AccessLogVM {
	loc := a.cfg.Location
	since := time.Now().AddDate(0, -accessLogMonths, 0)
	vm := views.AccessLogVM{Since: views.Date(since, loc),
		SearchURL: "/audit?" + url.Values{"mrn": {p.MRN}, "from": {since.In(loc).Format("2006-01-02")}}.Encode()}
	// Months are UTC calendar months: one more than asked covers the start of the window.
	tr, err := a.Audit.ByPatient(c.UserContext(), p.ID, accessLogMonths+1)
	if err != nil {
		a.log.Error("access log unreadable", "request_id", requestID(c), "err", err.Error())
		vm.Error = "The access log cannot be read right now. The server log says why."
		return vm
	}
	for _, x := range tr.Accesses {
		if x.At.Before(since) {
			continue
		}
		r := views.AccessRow{At: auditTime(x.At, loc), User: x.User, Action: x.Action, Object: x.Object, Outcome: x.Outcome}
		if x.Role != "" {
			r.Role = roleNames([]string{x.Role})
		}
		vm.Rows = append(vm.Rows, r)
	}
	vm.Unlisted = tr.Unlisted
	return vm
}
