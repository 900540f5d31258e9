package handlers

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/lab"
	"hms/store/opd"
	"hms/views"
)

// chartResultRows is how many results the chart and the consultation list.
const chartResultRows = 60

// labChartVM is a patient's released results (one bucket read by _id), trends of
// repeated numeric tests, and the viewer's open critical alerts for the patient.
func (a *App) labChartVM(c *fiber.Ctx, patientID string) (views.LabChartVM, error) {
	ctx := c.UserContext()
	vm := views.LabChartVM{CSRF: a.csrfToken(c)}
	if a.Lab == nil {
		return vm, nil
	}
	items, err := a.Lab.PatientResults(ctx, patientID)
	if err != nil {
		return vm, err
	}
	u := currentUser(c)
	if can(u.Roles, PermResultsView) {
		alerts, _, err := a.Lab.AlertsFor(ctx, u.Username)
		if err != nil {
			return vm, err
		}
		for _, al := range alerts {
			if al.PatientID == patientID {
				vm.Alerts = append(vm.Alerts, views.LabAlertRow{ID: al.ID, OrderID: al.Ref, Summary: al.Summary})
				if err := a.Lab.MarkSeen(ctx, al.ID, u.Username); err != nil {
					return vm, err
				}
			}
		}
	}
	shown := items[:min(len(items), chartResultRows)]
	vm.More = len(items) - len(shown)
	sealed, err := a.Lab.VerifyResults(ctx, shown)
	if err != nil {
		return vm, err
	}
	for _, it := range shown {
		row := views.LabChartRow{Date: views.DateTime(it.At, a.cfg.Location), Test: it.Name, Panel: it.Panel,
			Value: it.Value, Unit: it.Unit, Flag: it.Flag, Range: it.Range, OrderID: it.OrderID,
			Preliminary: it.Status == lab.StatusPreliminary, Amended: it.Amended}
		if ch, ok := sealed[it.OrderID]; ok {
			row.Seal = seal(ch, a.cfg.Location)
		}
		vm.Rows = append(vm.Rows, row)
	}
	vm.Trends = trends(items, a)
	return vm, nil
}

// trends draws each numeric test the patient had at least twice (up to 10 points, oldest first).
func trends(items []lab.PatientResult, a *App) []views.LabTrend {
	by := map[string][]lab.PatientResult{}
	var order []string
	for _, it := range items { // newest first
		if it.Num == nil {
			continue
		}
		if _, seen := by[it.Code]; !seen {
			order = append(order, it.Code)
		}
		if len(by[it.Code]) < 10 {
			by[it.Code] = append(by[it.Code], it)
		}
	}
	var out []views.LabTrend
	for _, code := range order {
		pts := by[code]
		if len(pts) < 2 {
			continue
		}
		slices.Reverse(pts)
		lo, hi := *pts[0].Num, *pts[0].Num
		for _, p := range pts {
			lo, hi = min(lo, *p.Num), max(hi, *p.Num)
		}
		t := views.LabTrend{Code: code, Name: pts[0].Name, Unit: pts[0].Unit, Min: lab.FormatNum(lo), Max: lab.FormatNum(hi)}
		var poly []string
		for i, p := range pts {
			x := 10 + i*220/(len(pts)-1)
			y := 30
			if hi > lo {
				y = 52 - int((*p.Num-lo)/(hi-lo)*44)
			}
			t.Points = append(t.Points, views.LabTrendPoint{Date: views.Date(p.At, a.cfg.Location), Value: p.Value, Flag: p.Flag, X: x, Y: y})
			poly = append(poly, strconv.Itoa(x)+","+strconv.Itoa(y))
		}
		t.Polyline = strings.Join(poly, " ")
		out = append(out, t)
	}
	return out
}

// cancelLabOrder applies the lab's rule to a consultation's cancel: a lab order may be
// cancelled until it is resulted, and its charge is reversed after collection. The OPD
// then marks the visit's line (it sees the order document already cancelled).
func (a *App) cancelLabOrder(c *fiber.Ctx, v opd.Visit, line int, reason string) error {
	i := slices.IndexFunc(v.Orders, func(o opd.Order) bool { return o.Line == line })
	if i < 0 || v.Orders[i].Kind != opd.OrderLab || a.Lab == nil {
		return nil
	}
	_, err := a.Lab.Cancel(c.UserContext(), v.Orders[i].DocID, reason, currentUser(c).Username)
	if errors.Is(err, opd.ErrAlreadyDone) || errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
