package handlers

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/pharmacy"
	"hms/views"
	"hms/views/components"
)

// grnRows is how many rows the goods received form offers.
const grnRows = 6

// grnForm is the header of the form; its rows are read by name (drug_1, batch_1 …).
type grnForm struct {
	Supplier string `form:"supplier"`
	Invoice  string `form:"invoice"`
}

// grnNewPage shows an empty goods received note.
func (a *App) grnNewPage(c *fiber.Ctx) error {
	vm := views.GRNFormVM{Errors: map[string]string{}}
	for n := 1; n <= grnRows; n++ {
		vm.Lines = append(vm.Lines, views.GRNLineVM{N: n})
	}
	return a.renderGRNForm(c, vm, fiber.StatusOK)
}

func (a *App) renderGRNForm(c *fiber.Ctx, vm views.GRNFormVM, status int) error {
	drugs, err := a.Catalog.Drugs(c.UserContext())
	if err != nil {
		return err
	}
	vm.Nav, vm.CSRF = a.pharmacyNavFor(c, "grn"), a.csrfToken(c)
	vm.Drugs = append(vm.Drugs, components.Option{Value: "", Label: "—"})
	for _, d := range drugs {
		vm.Drugs = append(vm.Drugs, components.Option{Value: d.Code, Label: d.Generic + " " + d.Strength + " " + d.Form + " (" + d.Code + ")"})
	}
	c.Status(status)
	return a.widePage(c, "Receive stock", views.PharmacyGRNForm(vm)) // eight columns a row: the desk PC's width
}

// grnCreate checks every row and receives them all, or none.
func (a *App) grnCreate(c *fiber.Ctx) error {
	var f grnForm
	if err := parseForm(c, &f); err != nil {
		return err
	}
	vm := views.GRNFormVM{Supplier: f.Supplier, Invoice: f.Invoice, Errors: map[string]string{}}
	g := pharmacy.GRN{Supplier: f.Supplier, Invoice: f.Invoice}
	var rowOf []int // GRN line index → form row
	bad := false
	for n := 1; n <= grnRows; n++ {
		k := strconv.Itoa(n)
		l := views.GRNLineVM{N: n, Drug: c.FormValue("drug_" + k), BatchNo: strings.TrimSpace(c.FormValue("batch_" + k)),
			Brand: c.FormValue("brand_" + k), Expiry: c.FormValue("expiry_" + k), Qty: c.FormValue("qty_" + k),
			Cost: c.FormValue("cost_" + k), Price: c.FormValue("price_" + k), Errors: map[string]string{}}
		vm.Lines = append(vm.Lines, l)
		if l.Drug == "" && l.BatchNo == "" && l.Qty == "" && l.Expiry == "" && l.Price == "" && l.Cost == "" {
			continue
		}
		in := pharmacy.GRNLine{DrugCode: l.Drug, BatchNo: l.BatchNo, Brand: l.Brand, Expiry: l.Expiry}
		if l.Drug == "" {
			l.Errors["drug"] = "Choose the drug."
		}
		var ok bool
		if in.Qty, ok = wholeUnits(l.Qty); !ok {
			l.Errors["qty"] = "A whole number of units, 1 or more."
		}
		var err error
		if in.Cost, err = parseRupees(l.Cost); err != nil {
			l.Errors["cost"] = "Rupees with at most two decimals, e.g. 2.50."
		}
		if in.Price, err = parseRupees(l.Price); err != nil {
			l.Errors["price"] = "Rupees with at most two decimals, e.g. 3.75."
		}
		bad = bad || len(l.Errors) > 0
		g.Lines = append(g.Lines, in)
		rowOf = append(rowOf, n-1)
	}
	if len(g.Lines) == 0 {
		vm.FormError = "Fill in at least one row."
		return a.renderGRNForm(c, vm, fiber.StatusUnprocessableEntity)
	}
	if bad {
		vm.FormError = "Some rows need correcting; nothing was received."
		return a.renderGRNForm(c, vm, fiber.StatusUnprocessableEntity)
	}
	posted, err := a.Pharmacy.Receive(c.UserContext(), g, currentUser(c).Username)
	var le *pharmacy.LineError
	switch {
	case err == nil:
		a.setFlash(c, "ok", "Received "+strconv.Itoa(len(posted.Lines))+" batches on "+posted.ID+".")
		return redirect(c, "/pharmacy/grn/"+posted.ID)
	case errors.As(err, &le) && posted.ID == "":
		row := vm.Lines[rowOf[le.N-1]]
		row.Errors[grnErrorField(storeReason(err))] = storeReason(err) + "."
		vm.FormError = "Row " + strconv.Itoa(row.N) + " was refused; nothing was received."
	case errors.Is(err, store.ErrInvalid) && posted.ID == "":
		msg := storeReason(err) + "."
		if strings.Contains(msg, "supplier") {
			vm.Errors["supplier"] = msg
		} else {
			vm.Errors["invoice"] = msg
		}
		vm.FormError = "Nothing was received."
	default:
		return err
	}
	return a.renderGRNForm(c, vm, fiber.StatusUnprocessableEntity)
}

// grnErrorField is the form field a refused row's message is about.
func grnErrorField(msg string) string {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "expir") || strings.Contains(m, "date"):
		return "expiry"
	case strings.Contains(m, "quantity"):
		return "qty"
	case strings.Contains(m, "price"):
		return "price"
	case strings.Contains(m, "brand"):
		return "brand"
	case strings.Contains(m, "formulary"):
		return "drug"
	}
	return "batch"
}

var grnIDRE = regexp.MustCompile(`^GRN[0-9]{6,}$`)

// grnPage shows a goods received note.
func (a *App) grnPage(c *fiber.Ctx) error {
	id := c.Params("id")
	if !grnIDRE.MatchString(id) {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	g, err := a.Pharmacy.GRN(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	vm := views.GRNVM{Nav: a.pharmacyNavFor(c, "grn"), ID: g.ID, Supplier: g.Supplier, Invoice: orDash(g.Invoice),
		At: views.DateTime(g.At, a.cfg.Location), By: g.By, Status: g.Status}
	var sum int64
	for _, l := range g.Lines {
		name := l.DrugCode
		if d, err := a.Catalog.Drug(ctx, l.DrugCode); err == nil {
			name = d.Generic + " " + d.Strength + " " + d.Form
		}
		sum += l.Cost * l.Qty
		vm.Lines = append(vm.Lines, views.GRNLineVM{N: l.N, Drug: name, BatchNo: pharmacy.BatchKey(l.BatchNo), Expiry: l.Expiry,
			Qty: strconv.FormatInt(l.Qty, 10), Cost: views.Money(l.Cost), Price: views.Money(l.Price)})
	}
	vm.Sum = views.Money(sum)
	return a.page(c, "GRN "+g.ID, views.PharmacyGRN(vm))
}
