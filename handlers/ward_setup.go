package handlers

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/views"
	"hms/views/components"
)

// wardSetup lists a ward's beds for the bed manager: block with a reason, unblock,
// reserve for an incoming patient, and add beds.
func (a *App) wardSetup(c *fiber.Ctx) error {
	return a.renderWardSetup(c, wardForm{})
}

func (a *App) renderWardSetup(c *fiber.Ctx, f wardForm) error {
	code := c.Params("code")
	if !wardCodeRE.MatchString(code) {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	w, err := a.Catalog.Ward(ctx, code)
	if err != nil {
		return notFound(err)
	}
	beds, err := a.IPD.BedsOfWard(ctx, code)
	if err != nil {
		return err
	}
	cat := make([]catalog.Bed, len(beds))
	for i, b := range beds {
		cat[i] = b.Bed
	}
	names, err := a.bedTypeNames(c, cat)
	if err != nil {
		return err
	}
	if f.errs == nil {
		f.errs = map[string]string{}
	}
	vm := views.WardSetupVM{Code: w.Code, Name: w.Name, CSRF: a.csrfToken(c), Errors: f.errs}
	now := a.IPD.Now()
	for _, b := range beds {
		r := views.BedSetupRow{ID: b.ID, Code: b.Code, Type: names[b.BedType], State: b.Status, StateLabel: bedStateLabel(b.Status),
			Reason: b.StatusReason, Features: strings.Join(b.Features, ", ")}
		r.CanBlock = b.Status == catalog.BedAvailable || b.Status == catalog.BedCleaning
		r.CanReserve = b.Free("", now) && b.Status == catalog.BedAvailable
		r.CanUnblock = b.Status == catalog.BedBlocked
		r.CanCancel = b.Status == catalog.BedReserved
		vm.Beds = append(vm.Beds, r)
	}
	services, err := a.Catalog.Services(ctx)
	if err != nil {
		return err
	}
	types := []components.Option{}
	for _, s := range services {
		if s.Category == catalog.CatBed && s.Active {
			types = append(types, components.Option{Value: s.Code, Label: s.Name})
		}
	}
	vm.AddFields = []components.Field{field(f, "bed_code", "Bed code", "text"), field(f, "bed_type", "Bed type (priced per day)", "select", types...),
		field(f, "features", "Features (comma-separated: oxygen, ventilator …)", "text")}
	if len(f.errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return a.page(c, "Beds of "+w.Name, views.WardSetup(vm))
}

var bedCodeRE = regexp.MustCompile(`^[A-Za-z0-9]{1,8}$`)

type addBedInput struct {
	Code     string `form:"bed_code" validate:"required,max=8"`
	Type     string `form:"bed_type" validate:"required,max=20,printable"`
	Features string `form:"features" validate:"max=200,printable"`
}

// wardAddBed adds a bed to a ward; its type must be a bed service of the price list.
func (a *App) wardAddBed(c *fiber.Ctx) error {
	code := c.Params("code")
	if !wardCodeRE.MatchString(code) {
		return fiber.ErrNotFound
	}
	var in addBedInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	f := wardForm{errs: fieldErrors(a.validate.Struct(in)), vals: values(in)}
	if f.errs["bed_code"] == "" && !bedCodeRE.MatchString(in.Code) {
		f.errs["bed_code"] = "Letters and digits only, up to 8."
	}
	ctx := c.UserContext()
	if f.errs["bed_type"] == "" {
		if s, err := a.Catalog.Service(ctx, in.Type); err != nil || s.Category != catalog.CatBed {
			f.errs["bed_type"] = "Choose a bed type from the price list."
		}
	}
	if len(f.errs) == 0 {
		var feats []string
		for _, x := range strings.Split(in.Features, ",") {
			if x = strings.TrimSpace(x); x != "" {
				feats = append(feats, x)
			}
		}
		err := a.Catalog.AddBed(ctx, catalog.Bed{Ward: code, Code: in.Code, BedType: in.Type, Features: feats,
			Stamp: catalog.NewStamp(currentUser(c).Username)})
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Bed "+code+"-"+in.Code+" added.")
			return redirect(c, "/ward/"+code+"/setup")
		case errors.Is(err, store.ErrDuplicate):
			f.errs["bed_code"] = "This ward already has a bed " + in.Code + "."
		case errors.Is(err, store.ErrNotFound):
			return fiber.ErrNotFound
		default:
			return err
		}
	}
	return a.renderWardSetup(c, f)
}

type reserveInput struct {
	MRN   string `form:"reserve_mrn" validate:"required,max=12"`
	Hours string `form:"hours" validate:"required,oneof=1 2 4 8"`
}

// wardReserve holds an available bed for an incoming patient for a few hours.
func (a *App) wardReserve(c *fiber.Ctx) error {
	bed := c.Params("bed")
	if !bedIDRE.MatchString(bed) {
		return fiber.ErrNotFound
	}
	ward := strings.SplitN(bed, "-", 2)[0]
	var in reserveInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	if errs := fieldErrors(a.validate.Struct(in)); len(errs) > 0 {
		a.setFlash(c, "error", "Enter the MRN of the patient the bed is held for.")
		return redirect(c, "/ward/"+ward+"/setup")
	}
	id, err := a.Patients.IDByMRN(ctx, strings.TrimSpace(in.MRN))
	if err != nil {
		a.setFlash(c, "error", "No patient has MRN "+in.MRN+".")
		return redirect(c, "/ward/"+ward+"/setup")
	}
	hours, _ := strconv.Atoi(in.Hours)
	err = a.IPD.Reserve(ctx, bed, id, a.IPD.Now().Add(time.Duration(hours)*time.Hour), currentUser(c).Username)
	switch {
	case err == nil:
		a.setFlash(c, "ok", "Bed "+bed+" held for MRN "+in.MRN+" for "+in.Hours+" h.")
	case errors.Is(err, ipd.ErrBedTaken):
		a.setFlash(c, "error", "Bed "+bed+" is no longer free.")
	case errors.Is(err, store.ErrNotFound):
		return fiber.ErrNotFound
	default:
		return err
	}
	return redirect(c, "/ward/"+ward+"/setup")
}
