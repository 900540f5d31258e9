package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/views"
)

// opdDisplay is the waiting-room screen: per doctor the token being seen and the next
// tokens in line. It shows no names (the waiting room is public) and refreshes itself,
// answering 204 while nothing changed.
func (a *App) opdDisplay(c *fiber.Ctx) error {
	ctx := c.UserContext()
	doctors, err := a.OPD.Doctors(ctx, "")
	if err != nil {
		return err
	}
	today := a.OPD.Today()
	vm := views.OPDDisplayVM{Date: views.Date(time.Now(), a.cfg.Location), PollHeaders: pollHeaders()}
	for _, d := range doctors {
		q, err := a.OPD.Queue(ctx, today, d.Username)
		if err != nil {
			return err
		}
		if len(q.Entries) == 0 {
			continue
		}
		b := views.DisplayBoard{DoctorName: d.FullName, Room: d.Room}
		for _, e := range q.Entries { // in calling order: with the doctor first, then waiting
			switch {
			case e.State == "with_doctor":
				b.NowCalling = strconv.FormatInt(e.Token, 10)
			case e.Waiting() && len(b.Next) < 5:
				b.Next = append(b.Next, strconv.FormatInt(e.Token, 10))
			}
		}
		vm.Boards = append(vm.Boards, b)
	}
	vm.Version = fingerprint(vm.Boards)
	if isPartial(c) && c.Query("v") == vm.Version {
		return c.SendStatus(fiber.StatusNoContent)
	}
	vm.Clock = time.Now().In(a.cfg.Location).Format("15:04")
	return a.widePage(c, "OPD display", views.OPDDisplay(vm))
}
