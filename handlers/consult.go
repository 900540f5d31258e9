package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
)

// consultVisit loads the visit named by :id for the signed-in doctor: 404 when there is
// no such visit, 403 unless it is in the doctor's own queue or the user may consult any
// queue. Every consultation route, page or htmx, GET or POST, goes through it.
func (a *App) consultVisit(c *fiber.Ctx) (opd.Visit, error) {
	v, err := a.visitByParam(c)
	if err != nil {
		return v, err
	}
	u := currentUser(c)
	if !v.AssignedTo(u.Username) && !can(u.Roles, PermOPDAnyQueue) {
		return opd.Visit{}, fiber.ErrForbidden
	}
	return v, nil
}

// consultShow is the consultation screen.
func (a *App) consultShow(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, v.PatientID, "opd:"+v.ID); err != nil {
		return err
	}
	return a.renderConsult(c, v, "", nil, nil)
}

// consultCall calls a waiting patient in from the consultation screen.
func (a *App) consultCall(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	_, err = a.OPD.Call(c.UserContext(), v.ID, currentUser(c).Username)
	switch {
	case err == nil:
		a.setFlash(c, "ok", "Called in token "+strconv.FormatInt(v.Token, 10)+": "+v.Name+".")
	case errors.Is(err, opd.ErrAlreadyDone):
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
		a.setFlash(c, "error", consultStoreMessage(err))
	default:
		return err
	}
	return redirect(c, consultHref(v.ID, ""))
}

// consultHref is the consultation screen, scrolled to a section.
func consultHref(id, section string) string {
	if section == "" {
		return "/opd/visits/" + id
	}
	return "/opd/visits/" + id + "#" + section
}

// consultStoreMessage is the reason the store gave, without its "store: …:" prefixes, as a sentence.
func consultStoreMessage(err error) string {
	msg := storeReason(err)
	switch {
	case errors.Is(err, store.ErrConflict) && msg == store.ErrConflict.Error():
		return "Someone else changed this visit at the same moment. Check it and try again."
	case msg == "":
		return "Not allowed now."
	}
	return deskMessage(err)
}

// consultLine reads the :line route parameter (a small positive number).
func consultLine(c *fiber.Ctx) (int, error) {
	n, err := strconv.Atoi(c.Params("line"))
	if err != nil || n < 1 || n > 10000 {
		return 0, fiber.ErrNotFound
	}
	return n, nil
}

// cxBlank reports whether a form entry holds nothing but spaces.
func cxBlank(s string) bool { return strings.TrimSpace(s) == "" }
