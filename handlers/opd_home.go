package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

// opdHome is the doctor's home: today's queue with "Call next".
func (a *App) opdHome(c *fiber.Ctx) error {
	u := currentUser(c)
	vm := views.OPDHomeVM{DoctorName: u.FullName}
	prof, err := a.OPD.Profile(c.UserContext(), u.Username)
	switch {
	case err == nil:
		vm.Room, vm.Department = prof.Room, prof.Department
	case errors.Is(err, store.ErrNotFound):
		vm.NoProfile = true
	default:
		return err
	}
	if vm.Queue, err = a.opdQueueVM(c, ""); err != nil {
		return err
	}
	return a.page(c, "OPD queue", views.OPDHome(vm))
}

// opdQueue is the queue fragment the OPD pages poll. A poll that finds the queue as
// shown answers 204, so htmx leaves the list (and the doctor's click target) alone.
func (a *App) opdQueue(c *fiber.Ctx) error {
	if !isPartial(c) {
		return redirect(c, "/opd")
	}
	current := c.Query("current")
	if !visitIDRE.MatchString(current) {
		current = ""
	}
	vm, err := a.opdQueueVM(c, current)
	if err != nil {
		return err
	}
	if c.Query("v") == vm.Version {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return render(c, views.OPDQueue(vm))
}

// opdQueueVM builds the signed-in doctor's queue for today: one read by _id.
func (a *App) opdQueueVM(c *fiber.Ctx, current string) (views.OPDQueueVM, error) {
	q, err := a.OPD.Queue(c.UserContext(), a.OPD.Today(), currentUser(c).Username)
	if err != nil {
		return views.OPDQueueVM{}, err
	}
	vm := views.OPDQueueVM{Date: q.Date, Current: current, Compact: current != "", PollHeaders: pollHeaders(),
		AvgConsult: minutes(q.AvgConsult)}
	if !q.AvgMeasured {
		vm.AvgConsult += " (assumed)"
	}
	for _, e := range q.Entries {
		r := views.OPDQueueRow{VisitID: e.VisitID, Token: strconv.FormatInt(e.Token, 10), Name: e.Name, MRN: e.MRN,
			AgeSex: e.AgeSex, State: e.State, StateLabel: opd.StateLabels[e.State], StateColour: queueStateColours[e.State],
			Priority: opd.PriorityLabels[e.Priority], VitalsTaken: e.VitalsTaken, Abnormal: e.Abnormal,
			Waiting: e.Waiting(), Current: e.VisitID == current}
		switch {
		case e.Waiting():
			vm.Waiting++
			r.Wait = "now"
			if e.EstWait > 0 {
				r.Wait = strconv.Itoa(int(e.EstWait.Minutes())) + " min"
			}
		case e.State == opd.StateWithDoctor:
			vm.WithDoctor++
		case e.State == opd.StateCompleted:
			vm.Done++
		}
		vm.Rows = append(vm.Rows, r)
	}
	vm.Version = fingerprint(vm)
	vm.CSRF = a.csrfToken(c) // after the fingerprint: it is the same form either way
	return vm, nil
}

// opdCallNext calls the next waiting patient of the doctor's queue and opens the consultation.
func (a *App) opdCallNext(c *fiber.Ctx) error {
	u := currentUser(c)
	v, err := a.OPD.CallNext(c.UserContext(), u.Username, u.Username)
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.setFlash(c, "info", "Nobody is waiting in your queue.")
		return redirect(c, "/opd")
	case err != nil:
		return err
	}
	a.setFlash(c, "ok", "Called in token "+strconv.FormatInt(v.Token, 10)+": "+v.Name+".")
	return redirect(c, "/opd/visits/"+v.ID)
}
