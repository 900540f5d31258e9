package handlers

import (
	"errors"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
)

// bedIDRE is what a bed id looks like ("W1-3").
var bedIDRE = regexp.MustCompile(`^[A-Za-z0-9]{1,16}-[A-Za-z0-9]{1,8}$`)

type blockInput struct {
	Reason string `form:"block_reason" validate:"required,max=200,printable"`
}

// wardBedAction changes a bed's state from the board: mark clean, block (with a
// reason) or unblock; then back to the board.
func (a *App) wardBedAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		bed := c.Params("bed")
		if !bedIDRE.MatchString(bed) {
			return fiber.ErrNotFound
		}
		ctx, by := c.UserContext(), currentUser(c).Username
		var err error
		switch action {
		case "clean":
			err = a.IPD.MarkClean(ctx, bed, by)
		case "unblock":
			err = a.IPD.Unblock(ctx, bed, by)
		case "release":
			err = a.IPD.CancelReservation(ctx, bed, by)
		case "block":
			var in blockInput
			if err := parseForm(c, &in); err != nil {
				return err
			}
			if errs := fieldErrors(a.validate.Struct(in)); len(errs) > 0 {
				a.setFlash(c, "error", "A reason is required to block a bed.")
				return redirect(c, back(c, "/ward/"+strings.SplitN(bed, "-", 2)[0]))
			}
			err = a.IPD.Block(ctx, bed, in.Reason, by)
		}
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Bed "+bed+": done.")
		case errors.Is(err, store.ErrNotFound):
			return fiber.ErrNotFound
		case errors.Is(err, store.ErrInvalid):
			a.setFlash(c, "error", "Not changed: "+strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ")+".")
		default:
			return err
		}
		return redirect(c, back(c, "/ward/"+strings.SplitN(bed, "-", 2)[0]))
	}
}

// back is where a bed action returns: the setup page it came from, else the board.
func back(c *fiber.Ctx, board string) string {
	if strings.HasSuffix(c.Get("Referer"), board+"/setup") {
		return board + "/setup"
	}
	return board
}
