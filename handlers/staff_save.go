package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

// staffInput is the directory entry form.
type staffInput struct {
	Version        string `form:"version" validate:"max=20"`
	Kind           string `form:"kind" validate:"required,oneof=doctor nurse other"`
	Department     string `form:"department" validate:"required,max=16"`
	Specialty      string `form:"specialty" validate:"max=60,printable"`
	Licence        string `form:"licence" validate:"max=40,printable"`
	ConsultService string `form:"consult_service" validate:"max=32"`
	Room           string `form:"room" validate:"max=20,printable"`
	Ward           string `form:"ward" validate:"max=16"`
	Active         string `form:"active" validate:"required,oneof=1 0"`
}

// staffSave creates or updates a directory entry. The version the form was made from
// must still be the entry's: an edit made meanwhile is shown, not overwritten.
func (a *App) staffSave(c *fiber.Ctx) error {
	u, p, exists, err := a.staffUser(c)
	if err != nil {
		return err
	}
	var in staffInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	opts, err := a.staffOptions(c)
	if err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{{"department", in.Department}, {"consult_service", in.ConsultService}, {"ward", in.Ward}} {
		if f.value != "" && !deskHasOption(opts[f.name], f.value) && errs[f.name] == "" {
			errs[f.name] = "Choose one of the listed options."
		}
	}
	if in.Kind == opd.KindDoctor && strings.TrimSpace(in.Licence) == "" && errs["licence"] == "" {
		errs["licence"] = "A doctor's registration number is required."
	}
	if exists && in.Version != strconv.FormatInt(p.Version, 10) {
		errs["version"] = "Someone else changed this entry after you opened it. Your entries are kept below; check the current entry (reload the page) before saving again."
	} else if !exists && in.Version != "" && in.Version != "0" {
		errs["version"] = "This entry was removed after you opened it. Reload the page."
	}
	if len(errs) == 0 {
		_, err := a.OPD.SaveProfile(c.UserContext(), opd.Profile{Username: u.Username, Kind: in.Kind, Department: in.Department,
			Specialty: in.Specialty, Licence: in.Licence, ConsultService: in.ConsultService, Room: in.Room, Ward: in.Ward,
			Active: in.Active == "1"}, currentUser(c).Username)
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Saved the directory entry of "+u.FullName+".")
			return redirect(c, "/admin/staff/"+u.Username)
		case errors.Is(err, store.ErrNotFound) && strings.Contains(err.Error(), "consultation"):
			errs["consult_service"] = "This service is not on the price list."
		case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrInvalid):
			errs["kind"] = deskMessage(err)
		default:
			return err
		}
	}
	vals := values(in)
	vals["version"] = strconv.FormatInt(p.Version, 10) // a reload is not needed to save over a conflict seen
	vm, err := a.staffVM(c, u, p, exists, vals, errs)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.widePage(c, "Staff · "+u.FullName, views.StaffPage(vm))
}
