package handlers

import (
	"cmp"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/lab"
	"hms/views"
	"hms/views/components"
)

// labWorklist is the technician's home: the open lab orders, filtered by status,
// priority and source, STAT first, overdue ones highlighted. Its poll gets only the
// list, or 204 when nothing changed.
func (a *App) labWorklist(c *fiber.Ctx) error {
	vm, err := a.labWorklistVM(c)
	if err != nil {
		return err
	}
	if isPartial(c) {
		if c.Query("v") == vm.Version {
			return c.SendStatus(fiber.StatusNoContent)
		}
		return render(c, views.LabWorkRows(vm))
	}
	return a.widePage(c, "Lab worklist", views.LabWorklist(vm))
}

func (a *App) labWorklistVM(c *fiber.Ctx) (views.LabWorklistVM, error) {
	ctx := c.UserContext()
	vm := views.LabWorklistVM{CSRF: a.csrfToken(c), PollHeaders: pollHeaders(),
		Status: pick(c.Query("status"), lab.Statuses), Priority: pick(c.Query("priority"), []string{"stat", "urgent", "routine"}),
		Source: pick(c.Query("source"), []string{"opd", "ipd", "er"})}
	vm.StatusOptions = labOptions("Any open", lab.Statuses, lab.StatusLabels)
	vm.PriorityOptions = labOptions("Any", []string{"stat", "urgent", "routine"}, labPriorityLabels)
	vm.SourceOptions = labOptions("Anywhere", []string{"opd", "ipd", "er"}, map[string]string{"opd": "OPD", "ipd": "Ward", "er": "Emergency"})
	items, version, err := a.Lab.Worklist(ctx)
	if err != nil {
		return vm, err
	}
	tests, err := a.Catalog.LabTests(ctx) // cached: the turnaround target of each test, by name
	if err != nil {
		return vm, err
	}
	tat := make(map[string]time.Duration, len(tests))
	for _, t := range tests {
		tat[t.Name] = time.Duration(t.TATHours) * time.Hour
	}
	now := time.Now()
	for _, it := range items {
		if (vm.Status != "" && it.Status != vm.Status) || (vm.Priority != "" && it.Priority != vm.Priority) ||
			(vm.Source != "" && labSource(it.Where) != vm.Source) || it.Status == lab.StatusCancelled {
			continue
		}
		due := it.Due
		if due.IsZero() && tat[it.Summary] > 0 {
			due = it.At.Add(tat[it.Summary])
		}
		row := views.LabWorkRow{OrderID: it.ID, Name: it.Name, MRN: it.MRN, Where: it.Where, Test: it.Summary,
			Priority: it.Priority, PriorityLabel: labPriorityLabels[it.Priority], Status: it.Status,
			StatusLabel: cmp.Or(lab.StatusLabels[it.Status], it.Status), Ordered: views.DateTime(it.At, a.cfg.Location), Due: "—"}
		if !due.IsZero() {
			row.Due = views.DateTime(due, a.cfg.Location)
			row.Overdue = now.After(due)
		}
		vm.Rows = append(vm.Rows, row)
	}
	slices.SortStableFunc(vm.Rows, func(x, y views.LabWorkRow) int {
		return cmp.Compare(slices.Index(labPriorityOrder, x.Priority), slices.Index(labPriorityOrder, y.Priority))
	})
	for _, r := range vm.Rows {
		if r.Priority == "stat" {
			vm.Stat++
		}
		if r.Overdue {
			vm.Overdue++
		}
	}
	vm.Open = len(vm.Rows)
	unassigned, err := a.Lab.Unassigned(ctx)
	if err != nil {
		return vm, err
	}
	for _, it := range unassigned {
		vm.Unassigned = append(vm.Unassigned, views.LabAlertRow{ID: it.ID, OrderID: it.Ref, Name: it.Name, MRN: it.MRN,
			Summary: it.Summary, Doctor: it.Where})
	}
	// Overdue flags change with the clock: the count of overdue rows is part of the version.
	vm.Version = fingerprint(version, vm.Status, vm.Priority, vm.Source, len(unassigned), vm.Overdue)
	return vm, nil
}

var labPriorityOrder = []string{"stat", "urgent", "routine"}

var labPriorityLabels = map[string]string{"stat": "STAT", "urgent": "Urgent", "routine": "Routine"}

// labSource is opd, ipd or er from a worklist item's "OPD · Medicine".
func labSource(where string) string {
	src, _, _ := strings.Cut(where, " ·")
	return strings.ToLower(strings.TrimSpace(src))
}

// pick returns v when it is one of allowed, else "" (an unknown filter is no filter).
func pick(v string, allowed []string) string {
	if slices.Contains(allowed, v) {
		return v
	}
	return ""
}

func labOptions(any string, values []string, labels map[string]string) []components.Option {
	out := []components.Option{{Value: "", Label: any}}
	for _, v := range values {
		out = append(out, components.Option{Value: v, Label: cmp.Or(labels[v], v)})
	}
	return out
}

// accessionRE is what an accession number looks like (L and seven digits).
var accessionRE = regexp.MustCompile(`^L[0-9]{7}$`)

// scannedAccession reads what the barcode scanner (or a person) typed: an accession
// number in any case, with the scanner's surrounding whitespace.
func scannedAccession(s string) (string, bool) {
	acc := strings.ToUpper(strings.TrimSpace(s))
	return acc, accessionRE.MatchString(acc)
}

type scanInput struct {
	Accession string `form:"accession"`
}

// labScan opens the sample whose label was scanned (or typed): the bench starts work on it.
func (a *App) labScan(c *fiber.Ctx) error {
	var in scanInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	acc, ok := scannedAccession(in.Accession)
	msg := ""
	if !ok {
		msg = "An accession number is L followed by seven digits, as printed under the barcode."
	} else {
		sm, err := a.Lab.Sample(c.UserContext(), acc)
		switch {
		case errors.Is(err, store.ErrNotFound):
			msg = "No sample has accession number " + acc + "."
		case err != nil:
			return err
		case sm.Rejected != "":
			a.setFlash(c, "error", "Sample "+acc+" was rejected ("+sm.Rejected+"); the order is waiting for a new sample.")
			return redirect(c, "/lab/orders/"+sm.OrderID)
		default:
			o, err := a.Lab.Order(c.UserContext(), sm.OrderID)
			if err != nil {
				return err
			}
			if o.Accession == acc && o.Status == lab.StatusReceived {
				if _, err := a.Lab.Start(c.UserContext(), o.ID, currentUser(c).Username); err != nil && !errors.Is(err, store.ErrInvalid) {
					return err
				}
			}
			return redirect(c, "/lab/orders/"+sm.OrderID)
		}
	}
	vm, err := a.labWorklistVM(c)
	if err != nil {
		return err
	}
	vm.Accession, vm.ScanError = in.Accession, msg
	c.Status(fiber.StatusUnprocessableEntity)
	return a.widePage(c, "Lab worklist", views.LabWorklist(vm))
}
