package handlers

import (
	"cmp"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/patients"
	"hms/store/pharmacy"
	"hms/views"
	"hms/views/components"
)

// stockPageRows bounds the stock table (the formulary may hold thousands of drugs).
const stockPageRows = 150

// pharmacyStockPage lists the formulary with usable stock and batches, filtered by q.
func (a *App) pharmacyStockPage(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > 60 || !printable(q) {
		q = ""
	}
	all, err := a.Pharmacy.Overview(c.UserContext())
	if err != nil {
		return err
	}
	today := a.Pharmacy.Today()
	soon := time.Now().In(a.cfg.Location).AddDate(0, 0, 90).Format(pharmacy.DateLayout)
	vm := views.StockVM{Nav: a.pharmacyNavFor(c, "stock"), Query: q, Total: len(all)}
	fq := patients.Fold(q)
	for _, ds := range all {
		d := ds.Drug
		if fq != "" && !strings.Contains(patients.Fold(d.Generic+" "+d.Code+" "+strings.Join(d.Brands, " ")), fq) {
			continue
		}
		if len(vm.Rows) >= stockPageRows {
			vm.Shown++
			continue
		}
		vm.Shown++
		row := views.StockRow{Code: d.Code, Drug: d.Generic + " " + d.Strength + " " + d.Form, Unit: d.Unit,
			Usable: strconv.FormatInt(ds.Usable, 10), Reorder: strconv.Itoa(d.ReorderLevel), Low: ds.Low()}
		for _, b := range ds.Batches {
			row.Batches = append(row.Batches, views.StockBatchRow{ID: b.ID, BatchNo: b.BatchNo, Brand: b.Brand, Expiry: b.Expiry,
				Qty: strconv.FormatInt(b.Qty, 10), Price: views.Money(b.Price), Expired: b.Expiry < today, Soon: b.Expiry <= soon})
		}
		vm.Rows = append(vm.Rows, row)
	}
	vm.Shown = min(vm.Shown, len(vm.Rows))
	return a.widePage(c, "Stock", views.PharmacyStock(vm))
}

// batchIDRE is what a batch key may look like (validBatchNo, upper-cased).
var batchIDRE = regexp.MustCompile(`^[A-Z0-9./-]{1,30}$`)

// adjustForm is the adjustment of one batch.
type adjustForm struct {
	Direction string `form:"direction"`
	Qty       string `form:"qty"`
	Reason    string `form:"reason"`
	Note      string `form:"note"`
}

// batchPage shows one batch with its ledger and the adjustment form.
func (a *App) batchPage(c *fiber.Ctx) error {
	return a.renderBatch(c, adjustForm{Direction: "out"}, nil, "", fiber.StatusOK)
}

func (a *App) renderBatch(c *fiber.Ctx, f adjustForm, errs map[string]string, formErr string, status int) error {
	id := c.Params("id")
	if !batchIDRE.MatchString(id) {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	b, err := a.Pharmacy.Batch(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	drug, err := a.Catalog.Drug(ctx, b.DrugCode)
	if err != nil {
		return err
	}
	hist, err := a.Pharmacy.History(ctx, b.ID, 100)
	if err != nil {
		return err
	}
	vm := views.BatchVM{Nav: a.pharmacyNavFor(c, "stock"), CSRF: a.csrfToken(c), ID: b.ID, BatchNo: b.BatchNo,
		Drug: drug.Generic + " " + drug.Strength + " " + drug.Form, DrugCode: b.DrugCode, Brand: cmp.Or(b.Brand, "—"),
		Expiry: b.Expiry, Qty: strconv.FormatInt(b.Qty, 10) + " " + drug.Unit, Cost: views.Money(b.Cost),
		Price: views.Money(b.Price), Supplier: b.Supplier, GRN: b.GRN, Expired: b.Expired(a.Pharmacy.Today()),
		CanAdjust: can(currentUser(c).Roles, PermStock), FormError: formErr}
	for _, e := range hist {
		vm.Ledger = append(vm.Ledger, views.StockLedgerRow{Seq: strconv.FormatInt(e.Seq, 10), At: views.DateTime(e.At, a.cfg.Location),
			Kind: e.Kind, Qty: signed(e.Qty), Balance: strconv.FormatInt(e.Balance, 10), Reason: e.Reason, Ref: e.Ref,
			By: e.By, Out: e.Qty < 0})
	}
	reasons := make([]components.Option, 0, len(pharmacy.AdjustReasons)+1)
	reasons = append(reasons, components.Option{Value: "", Label: "Choose…"})
	for _, r := range pharmacy.AdjustReasons {
		reasons = append(reasons, components.Option{Value: r, Label: capitalise(r)})
	}
	vm.Fields = []components.Field{
		{Name: "direction", Label: "Direction", Type: "select", Value: f.Direction, Required: true, Error: errs["direction"],
			Options: []components.Option{{Value: "out", Label: "Take out (−)"}, {Value: "in", Label: "Add (+)"}}},
		{Name: "qty", Label: "Quantity (" + drug.Unit + ")", Value: f.Qty, Inputmode: "numeric", MaxLength: 7, Required: true, Error: errs["qty"]},
		{Name: "reason", Label: "Reason", Type: "select", Value: f.Reason, Options: reasons, Required: true, Error: errs["reason"]},
		{Name: "note", Label: "Note", Value: f.Note, MaxLength: 200, Error: errs["note"], Hint: "Required when the reason is Other."},
	}
	c.Status(status)
	return a.page(c, "Batch "+b.BatchNo, views.PharmacyBatch(vm))
}

func signed(n int64) string {
	if n > 0 {
		return "+" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// batchAdjust records an adjustment with its reason; the balance never goes below zero.
func (a *App) batchAdjust(c *fiber.Ctx) error {
	id := c.Params("id")
	if !batchIDRE.MatchString(id) {
		return fiber.ErrNotFound
	}
	var f adjustForm
	if err := parseForm(c, &f); err != nil {
		return err
	}
	errs := map[string]string{}
	qty, ok := wholeUnits(f.Qty)
	if !ok {
		errs["qty"] = "Enter a whole number of units, 1 or more; choose the direction above."
	}
	if f.Direction != "in" && f.Direction != "out" {
		errs["direction"] = "Choose add or take out."
	}
	if len(errs) > 0 {
		return a.renderBatch(c, f, errs, "", fiber.StatusUnprocessableEntity)
	}
	if f.Direction == "out" {
		qty = -qty
	}
	b, err := a.Pharmacy.Adjust(c.UserContext(), id, qty, f.Reason, f.Note, currentUser(c).Username)
	switch {
	case err == nil:
		a.setFlash(c, "ok", "Adjustment recorded: batch "+b.BatchNo+" now holds "+strconv.FormatInt(b.Qty, 10)+".")
		return redirect(c, "/pharmacy/batches/"+b.ID)
	case errors.Is(err, pharmacy.ErrOutOfStock):
		errs["qty"] = "That would leave the batch below zero: " + storeReason(err) + "."
	case errors.Is(err, store.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, store.ErrInvalid):
		msg := storeReason(err) + "."
		switch {
		case strings.Contains(msg, "note"):
			errs["note"] = msg
		case strings.Contains(msg, "reason"):
			errs["reason"] = msg
		default:
			errs["qty"] = msg
		}
	default:
		return err
	}
	return a.renderBatch(c, f, errs, "", fiber.StatusUnprocessableEntity)
}
