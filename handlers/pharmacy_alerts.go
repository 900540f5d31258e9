package handlers

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hms/store/pharmacy"
	"hms/views"
)

// pharmacyAlerts lists drugs below reorder level and batches expiring or expired.
func (a *App) pharmacyAlerts(c *fiber.Ctx) error {
	return a.renderAlerts(c, nil)
}

func (a *App) renderAlerts(c *fiber.Ctx, rep *pharmacy.CheckReport) error {
	al, err := a.Pharmacy.Alerts(c.UserContext())
	if err != nil {
		return err
	}
	vm := views.AlertsVM{Nav: a.pharmacyNavFor(c, "alerts"), CanCheck: can(currentUser(c).Roles, PermStock), CSRF: a.csrfToken(c)}
	vm.Nav.LowCount, vm.Nav.ExpiredCount = len(al.Low), len(al.Expired)
	for _, ds := range al.Low {
		d := ds.Drug
		vm.Low = append(vm.Low, views.AlertRow{Drug: d.Generic + " " + d.Strength + " " + d.Form, Code: d.Code,
			Qty: fmt.Sprintf("%d %s usable", ds.Usable, d.Unit), Detail: "reorder level " + strconv.Itoa(d.ReorderLevel)})
	}
	for _, e := range al.Expired {
		vm.Expired = append(vm.Expired, expiringRow(e, fmt.Sprintf("expired %d days ago", -e.DaysLeft)))
	}
	for _, e := range al.Expiring {
		row := expiringRow(e, fmt.Sprintf("%d days left", e.DaysLeft))
		switch {
		case e.DaysLeft <= 30:
			vm.In30 = append(vm.In30, row)
		case e.DaysLeft <= 60:
			vm.In60 = append(vm.In60, row)
		default:
			vm.In90 = append(vm.In90, row)
		}
	}
	if rep != nil {
		vm.Checked = fmt.Sprintf("%d batches and %d ledger entries checked: every balance equals its rebuilt ledger.", rep.Batches, rep.Entries)
		if len(rep.Problems) > 0 {
			vm.Checked = fmt.Sprintf("%d batches and %d ledger entries checked: %d problems.", rep.Batches, rep.Entries, len(rep.Problems))
			vm.CheckProblems = rep.Problems
		}
	}
	return a.page(c, "Stock alerts", views.PharmacyAlerts(vm))
}

func expiringRow(e pharmacy.ExpiringBatch, detail string) views.AlertRow {
	d := e.Drug
	return views.AlertRow{Drug: d.Generic + " " + d.Strength + " " + d.Form, Code: d.Code, Batch: e.Batch.BatchNo,
		BatchID: e.Batch.ID, Expiry: e.Batch.Expiry, Qty: fmt.Sprintf("%d %s", e.Batch.Qty, d.Unit), Detail: detail}
}

// ledgerCheck rebuilds every batch balance from the ledger and shows the result.
func (a *App) ledgerCheck(c *fiber.Ctx) error {
	rep, err := a.Pharmacy.CheckLedger(c.UserContext())
	if err != nil {
		return err
	}
	return a.renderAlerts(c, &rep)
}
