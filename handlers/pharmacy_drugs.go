package handlers

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/catalog"
	"hms/views"
	"hms/views/components"
)

var severityColours = map[string]string{catalog.SeverityMajor: "red", catalog.SeverityModerate: "amber", catalog.SeverityMinor: "slate"}

// interactionForm adds or replaces a pair.
type interactionForm struct {
	A        string `form:"a" validate:"required,max=120"`
	B        string `form:"b" validate:"required,max=120"`
	Severity string `form:"severity" validate:"required,oneof=major moderate minor"`
	Note     string `form:"note" validate:"required,max=200,printable"`
}

// interactionsPage lists the known interactions, with the editor's form.
func (a *App) interactionsPage(c *fiber.Ctx) error {
	return a.renderInteractions(c, interactionForm{}, nil, "", fiber.StatusOK)
}

func (a *App) renderInteractions(c *fiber.Ctx, f interactionForm, errs map[string]string, formErr string, status int) error {
	ctx := c.UserContext()
	list, err := a.Catalog.Interactions(ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(list, func(x, y catalog.Interaction) int { // most serious first, then by name
		if d := slices.Index(catalog.Severities, x.Severity) - slices.Index(catalog.Severities, y.Severity); d != 0 {
			return d
		}
		return strings.Compare(x.A+x.B, y.A+y.B)
	})
	nav := a.pharmacyNavFor(c, "interactions")
	vm := views.InteractionsVM{Nav: nav, CSRF: a.csrfToken(c), CanEdit: nav.CanFormulary, A: f.A, B: f.B, Severity: f.Severity,
		Note: f.Note, Errors: errs, FormError: formErr}
	for _, in := range list {
		vm.Rows = append(vm.Rows, views.InteractionRow{ID: in.ID, A: in.A, B: in.B, Severity: in.Severity,
			SeverityColour: severityColours[in.Severity], Note: in.Note})
	}
	if vm.CanEdit {
		generics, err := a.generics(c)
		if err != nil {
			return err
		}
		vm.Generics = append([]components.Option{{Value: "", Label: "Choose…"}}, generics...)
	}
	c.Status(status)
	return a.page(c, "Drug interactions", views.PharmacyInteractions(vm))
}

// generics lists the formulary's distinct generic names.
func (a *App) generics(c *fiber.Ctx) ([]components.Option, error) {
	drugs, err := a.Catalog.Drugs(c.UserContext())
	if err != nil {
		return nil, err
	}
	var out []components.Option
	seen := map[string]bool{}
	for _, d := range drugs {
		if !seen[d.Generic] {
			seen[d.Generic] = true
			out = append(out, components.Option{Value: d.Generic, Label: d.Generic})
		}
	}
	return out, nil
}

// interactionSave adds or replaces a pair of formulary generics.
func (a *App) interactionSave(c *fiber.Ctx) error {
	var f interactionForm
	if err := parseForm(c, &f); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(f))
	generics, err := a.generics(c)
	if err != nil {
		return err
	}
	known := func(g string) bool {
		return slices.ContainsFunc(generics, func(o components.Option) bool { return o.Value == g })
	}
	if errs["a"] == "" && !known(f.A) {
		errs["a"] = "Choose a generic from the formulary."
	}
	if errs["b"] == "" && !known(f.B) {
		errs["b"] = "Choose a generic from the formulary."
	}
	if errs["b"] == "" && f.A == f.B {
		errs["b"] = "Choose a different generic."
	}
	if errs["note"] == "" && strings.ContainsAny(f.Note, "<>") {
		errs["note"] = "The note may not contain < or >."
	}
	if len(errs) > 0 {
		return a.renderInteractions(c, f, errs, "", fiber.StatusUnprocessableEntity)
	}
	err = a.Catalog.SaveInteraction(c.UserContext(), catalog.Interaction{A: f.A, B: f.B, Severity: f.Severity, Note: f.Note},
		currentUser(c).Username)
	if errors.Is(err, store.ErrInvalid) {
		return a.renderInteractions(c, f, errs, storeReason(err)+".", fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "ok", "Interaction saved: "+f.A+" with "+f.B+".")
	return redirect(c, a.pharmacyNavFor(c, "").InteractionsURL())
}

// interactionDelete removes a pair.
func (a *App) interactionDelete(c *fiber.Ctx) error {
	var f struct {
		ID string `form:"id"`
	}
	if err := parseForm(c, &f); err != nil {
		return err
	}
	if len(f.ID) > 250 || !strings.Contains(f.ID, "|") {
		return fiber.ErrBadRequest
	}
	if err := a.Catalog.DeleteInteraction(c.UserContext(), f.ID); err != nil {
		return err
	}
	a.setFlash(c, "ok", "Interaction removed.")
	return redirect(c, a.pharmacyNavFor(c, "").InteractionsURL())
}

var drugCodeRE = regexp.MustCompile(`^[A-Z0-9]{2,16}$`)

var atcRE = regexp.MustCompile(`^[A-Z][0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?$`)

// drugForm is the editable part of a formulary entry.
type drugForm struct {
	Generic    string `form:"generic" validate:"required,max=120,printable"`
	Brands     string `form:"brands" validate:"max=300,printable"`
	Form       string `form:"form" validate:"required,max=40,printable"`
	Strength   string `form:"strength" validate:"required,max=60,printable"`
	Route      string `form:"route" validate:"required,max=30,printable"`
	ATC        string `form:"atc" validate:"max=7"`
	Controlled string `form:"controlled"`
	PackSize   string `form:"pack_size"`
	Unit       string `form:"unit" validate:"required,max=20,printable"`
	Reorder    string `form:"reorder_level"`
}

// drugEditPage shows the edit form of one formulary entry.
func (a *App) drugEditPage(c *fiber.Ctx) error {
	code := c.Params("code")
	if !drugCodeRE.MatchString(code) {
		return fiber.ErrNotFound
	}
	d, err := a.Catalog.Drug(c.UserContext(), code)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	f := drugForm{Generic: d.Generic, Brands: strings.Join(d.Brands, ", "), Form: d.Form, Strength: d.Strength, Route: d.Route,
		ATC: d.ATC, PackSize: strconv.Itoa(d.PackSize), Unit: d.Unit, Reorder: strconv.Itoa(d.ReorderLevel)}
	if d.Controlled {
		f.Controlled = "yes"
	}
	return a.renderDrugForm(c, code, f, nil, fiber.StatusOK)
}

func (a *App) renderDrugForm(c *fiber.Ctx, code string, f drugForm, errs map[string]string, status int) error {
	vm := views.DrugFormVM{Nav: a.pharmacyNavFor(c, "formulary"), CSRF: a.csrfToken(c), Code: code}
	if len(errs) > 0 {
		vm.FormError = "Some fields need correcting; nothing was saved."
	}
	vm.Fields = []components.Field{
		{Name: "generic", Label: "Generic name", Value: f.Generic, Required: true, MaxLength: 120, Error: errs["generic"]},
		{Name: "brands", Label: "Brand names (comma-separated)", Value: f.Brands, MaxLength: 300, Error: errs["brands"]},
		{Name: "form", Label: "Form", Value: f.Form, Required: true, MaxLength: 40, Error: errs["form"]},
		{Name: "strength", Label: "Strength", Value: f.Strength, Required: true, MaxLength: 60, Error: errs["strength"]},
		{Name: "route", Label: "Route", Value: f.Route, Required: true, MaxLength: 30, Error: errs["route"]},
		{Name: "atc", Label: "ATC code", Value: f.ATC, MaxLength: 7, Error: errs["atc"], Hint: "e.g. N02BE01; leave empty if unknown"},
		{Name: "unit", Label: "Dispensing unit", Value: f.Unit, Required: true, MaxLength: 20, Error: errs["unit"]},
		{Name: "pack_size", Label: "Pack size (units)", Value: f.PackSize, Inputmode: "numeric", Required: true, MaxLength: 5, Error: errs["pack_size"]},
		{Name: "reorder_level", Label: "Reorder level (units)", Value: f.Reorder, Inputmode: "numeric", Required: true, MaxLength: 7, Error: errs["reorder_level"]},
		{Name: "controlled", Label: "Schedule", Type: "select", Value: f.Controlled, Error: errs["controlled"],
			Options: []components.Option{{Value: "", Label: "Not controlled"}, {Value: "yes", Label: "Controlled (NDPS register)"}}},
	}
	c.Status(status)
	return a.page(c, "Edit "+code, views.PharmacyDrugForm(vm))
}

// drugSave validates and stores a formulary entry's changes.
func (a *App) drugSave(c *fiber.Ctx) error {
	code := c.Params("code")
	if !drugCodeRE.MatchString(code) {
		return fiber.ErrNotFound
	}
	var f drugForm
	if err := parseForm(c, &f); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(f))
	for name, v := range map[string]string{"generic": f.Generic, "brands": f.Brands, "form": f.Form, "strength": f.Strength,
		"route": f.Route, "unit": f.Unit} {
		if errs[name] == "" && strings.ContainsAny(v, "<>") {
			errs[name] = "May not contain < or >."
		}
	}
	f.ATC = strings.ToUpper(strings.TrimSpace(f.ATC))
	if errs["atc"] == "" && f.ATC != "" && !atcRE.MatchString(f.ATC) {
		errs["atc"] = "An ATC code looks like N02BE01."
	}
	pack, ok := wholeUnits(f.PackSize)
	if !ok || pack > 10000 {
		errs["pack_size"] = "A whole number from 1 to 10,000."
	}
	reorder, err := strconv.Atoi(strings.TrimSpace(f.Reorder))
	if err != nil || reorder < 0 || reorder > 1_000_000 || strings.ContainsAny(f.Reorder, "+-.") {
		errs["reorder_level"] = "A whole number from 0 to 1,000,000."
	}
	if f.Controlled != "" && f.Controlled != "yes" {
		errs["controlled"] = "Choose one of the listed options."
	}
	if len(errs) > 0 {
		return a.renderDrugForm(c, code, f, errs, fiber.StatusUnprocessableEntity)
	}
	var brands []string
	for _, b := range strings.Split(f.Brands, ",") {
		if b = strings.TrimSpace(b); b != "" {
			brands = append(brands, b)
		}
	}
	d := catalog.Drug{Code: code, Generic: strings.TrimSpace(f.Generic), Brands: brands, Form: strings.TrimSpace(f.Form),
		Strength: strings.TrimSpace(f.Strength), Route: strings.TrimSpace(f.Route), ATC: f.ATC, Controlled: f.Controlled == "yes",
		PackSize: int(pack), Unit: strings.TrimSpace(f.Unit), ReorderLevel: reorder}
	err = a.Catalog.UpdateDrug(c.UserContext(), d, currentUser(c).Username)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "ok", "Saved "+code+".")
	return redirect(c, a.pharmacyNavFor(c, "").FormularyURL())
}
